import OneCallKnowledge
import Testing

/// The standard vocabulary maps action phrases to tools by verbs, objects and phrases, not by exact text.
@Suite struct RunbookVocabularyTests {
    let planner = RunbookPlanner()

    /// The plan for a one-code guide whose action field is `actions`.
    func plan(actions: String, field: String = "Actions") throws -> RunbookPlan {
        let text = "## Code Q9\nSeverity: low\n\(field): \(actions)\n"
        return planner.plan(code: "Q9", in: try KnowledgeDocument(name: "q9.md", text: text, format: .markdown))
    }

    @Test(arguments: [
        ("Log a ticket.", [RunbookTool.logTicket]),
        ("Open a maintenance ticket.", [.logTicket]),
        ("Create an incident.", [.logTicket]),
        ("Raise a ticket with the contractor.", [.logTicket]),
        ("File a work order.", [.logTicket]),
        ("A ticket is logged.", [.logTicket]),
        ("Call the site operator.", [.callOperator]),
        ("Phone the site operator.", [.callOperator]),
        ("Ring the on-call technician.", [.callOperator]),
        ("Notify the site owner by phone.", [.callOperator]),
        ("Place a call to the building manager.", [.callOperator]),
        ("Clear the fault on the device.", [.clearFault]),
        ("Reset the fault on the unit.", [.clearFault]),
        ("Send a reset command.", [.clearFault]),
        ("Send the clear_fault command to the unit.", [.clearFault]),
        ("Clear the alarm.", [.clearFault]),
        ("Log a ticket and call the site operator.", [.logTicket, .callOperator]),
        ("Open a ticket, then reset the fault.", [.logTicket, .clearFault]),
        ("Open a ticket; clear the error; phone the owner.", [.logTicket, .clearFault, .callOperator]),
        ("If the fault persists, call the site operator.", [.callOperator]),
        ("Call the site operator. Log a ticket.", [.callOperator, .logTicket]),
    ])
    func phrasesMapToTools(actions: String, tools: [RunbookTool]) throws {
        let plan = try plan(actions: actions)
        #expect(plan.tools == tools)
        #expect(plan.unmapped.isEmpty)
        #expect(plan.actionListFound)
    }

    @Test(arguments: [
        "No further action.", "Nothing else.", "No action required.", "No action is needed.", "None.", "N/A",
    ])
    func stopPhrasesGiveAnEmptyList(actions: String) throws {
        let plan = try plan(actions: actions)
        #expect(plan.actions.isEmpty)
        #expect(plan.unmapped.isEmpty)
        #expect(plan.actionListFound)
    }

    @Test func aStopPhraseEndsTheList() throws {
        let plan = try plan(actions: "1. Log a ticket. 2. No further action. 3. Call the site operator.")
        #expect(plan.tools == [.logTicket])
        #expect(plan.unmapped.isEmpty)
    }

    @Test func eachToolIsUsedOnceInTheGuidesOrder() throws {
        let plan = try plan(
            actions: "\n- Phone the owner\n- Log a ticket\n- Open an incident\n- Call the site operator",
            field: "Actions")
        #expect(plan.tools == [.callOperator, .logTicket])
        #expect(plan.actions.map(\.phrase) == ["Phone the owner", "Log a ticket"])
    }

    @Test(arguments: [
        ("Send a carrier pigeon.", ["Send a carrier pigeon"]),
        ("Reset the unit.", ["Reset the unit"]),
        ("Do not call the operator.", ["Do not call the operator"]),
        ("Never clear the fault remotely.", ["Never clear the fault remotely"]),
        ("Log a ticket. Email the owner. Call the site operator.", ["Email the owner"]),
    ])
    func unknownAndForbiddenPhrasesAreUnmapped(actions: String, unmapped: [String]) throws {
        let plan = try plan(actions: actions)
        #expect(plan.unmapped == unmapped)
        #expect(plan.needsAttention)
    }

    @Test(arguments: [
        "Actions", "Automated actions", "System actions", "What the system does", "Response",
        "Automated response", "System response", "Automatic actions",
    ])
    func actionFieldNames(field: String) throws {
        #expect(try plan(actions: "Log a ticket.", field: field).tools == [.logTicket])
    }

    @Test(arguments: ["Troubleshooting steps", "Technician actions", "Checks", "Severity", "Notes"])
    func otherFieldsAreNotActionLists(field: String) throws {
        let plan = try plan(actions: "Call the site operator.", field: field)
        #expect(!plan.actionListFound)
        #expect(plan.tools == [.logTicket])
    }

    @Test func theVocabularyIsDataThatCanGrow() throws {
        var vocabulary = RunbookVocabulary.standard
        vocabulary.rules.append(
            RunbookToolRule(tool: "send_email", verbs: ["email", "mail", "e-mail"], objects: ["owner", "operator"]))
        vocabulary.stopPhrases.append("that is all")
        let planner = RunbookPlanner(vocabulary: vocabulary)
        let text = "## Code Q9\nActions: Log a ticket. E-mail the owner. That is all. Call the operator.\n"
        let plan = planner.plan(code: "Q9", in: try KnowledgeDocument(name: "q9.md", text: text, format: .markdown))
        #expect(plan.tools == [.logTicket, RunbookTool(rawValue: "send_email")])
        #expect(plan.unmapped.isEmpty)
    }

    @Test func theFallbackToolIsConfigurable() throws {
        var vocabulary = RunbookVocabulary.standard
        vocabulary.fallbackTool = "page_on_call"
        let plan = RunbookPlanner(vocabulary: vocabulary).plan(code: "Z1", section: nil)
        #expect(plan.tools == ["page_on_call"])
        #expect(plan.json["actions"] == [["tool": "page_on_call"]])
    }
}
