import OneCallAgent
import OneCallKnowledge
import Testing

@Suite("Runbook vocabulary")
struct RunbookVocabularyTests {
    private let planner = RunbookPlanner()

    private func tools(_ phrase: String, planner: RunbookPlanner? = nil) -> [String] {
        (planner ?? self.planner).interpret([phrase]).actions.map(\.tool.rawValue)
    }

    @Test(arguments: [
        ("Log a ticket", ["log_ticket"]),
        ("open a maintenance ticket", ["log_ticket"]),
        ("create an incident", ["log_ticket"]),
        ("raise a work order", ["log_ticket"]),
        ("file a ticket and e-mail it", ["log_ticket"]),
        ("A ticket is logged automatically.", ["log_ticket"]),
        ("Notify the on-call technician by phone", ["call_operator"]),
        ("phone the site operator", ["call_operator"]),
        ("call the facility manager", ["call_operator"]),
        ("page the operator", ["call_operator"]),
        ("The site operator is called.", ["call_operator"]),
        ("Call the operator and the site owner.", ["call_operator"]),
        ("reset the fault on the unit", ["clear_fault"]),
        ("clear the error on the device", ["clear_fault"]),
        ("send a clear_fault command", ["clear_fault"]),
        ("Send a command to clear the fault.", ["clear_fault"]),
        ("No further action", []),
        ("Nothing else", []),
        ("None", []),
        ("N/A", []),
        ("Log a ticket and call the operator", ["log_ticket", "call_operator"]),
        ("Call the operator, then log a ticket.", ["call_operator", "log_ticket"]),
        ("Log a ticket; e-mail it to the owner, then phone the operator", ["log_ticket", "call_operator"]),
        ("Log a ticket as well as clearing the fault", ["log_ticket", "clear_fault"]),
        ("If the fault persists, call the operator.", ["call_operator"]),
        ("Call the operator to clear the fault.", ["call_operator"]),
        ("Call the operator if the unit does not restart and log a ticket", ["call_operator", "log_ticket"]),
        ("Notify the site owner by e-mail", ["log_ticket"]),
        ("Open and e-mail a ticket", ["log_ticket"]),
        ("log_ticket → call_operator", ["log_ticket", "call_operator"]),
        ("Create ticket; call site owner; clear fault", ["log_ticket", "call_operator", "clear_fault"]),
        ("The system logs a ticket and calls the site operator.", ["log_ticket", "call_operator"]),
        ("Trigger a phone call to the on-call technician", ["call_operator"]),
        ("Send a reset command to the unit.", ["clear_fault"]),
    ])
    func mapsRealWording(phrase: String, expected: [String]) {
        let reading = planner.interpret([phrase])
        #expect(reading.actions.map(\.tool.rawValue) == expected, "\(phrase)")
        #expect(reading.unmapped.isEmpty, "\(phrase): \(reading.unmapped)")
    }

    @Test(arguments: [
        ("Do not call the operator", [String]()),
        ("no call is needed", []),
        ("Don't clear the fault.", []),
        ("Never reset the alarm remotely", []),
        ("Log a ticket but do not clear the fault", ["log_ticket"]),
        ("Log a ticket (no call).", ["log_ticket"]),
        ("Clear the fault without calling the operator.", ["clear_fault"]),
        ("Neither call the operator nor clear the fault.", []),
        ("Log a ticket. Calling the operator is not required.", ["log_ticket"]),
    ])
    func dropsNegatedActions(phrase: String, expected: [String]) {
        let reading = planner.interpret([phrase])
        #expect(reading.actions.map(\.tool.rawValue) == expected, "\(phrase)")
        #expect(reading.unmapped.isEmpty, "\(phrase): \(reading.unmapped)")
    }

    @Test func reportsWhatItCannotMap() {
        let reading = planner.interpret([
            "acknowledge the alarm remotely", "Log a ticket and wait 10 minutes",
            "Check the filter, compressor and fan",
            "Raise a ticket and notify the operator by SMS",
        ])
        #expect(reading.actions.map(\.tool) == [.logTicket])
        #expect(
            reading.unmapped == [
                "acknowledge the alarm remotely", "wait 10 minutes", "Check the filter, compressor and fan",
                "notify the operator by SMS",
            ])
    }

    @Test func extendsFromConfiguration() throws {
        #expect(tools("Buzz the fire marshal") == [])
        let vocabulary = try RunbookVocabulary.standard.extended(with: [
            "call_operator": ["ring|buzz + marshal"],
            "clear_fault": ["acknowledge + alarm"],
            "no_action": ["stand by"],
        ])
        let extended = RunbookPlanner(vocabulary: vocabulary)
        #expect(tools("Buzz the fire marshal", planner: extended) == ["call_operator"])
        #expect(tools("acknowledge the alarm remotely", planner: extended) == ["clear_fault"])
        #expect(extended.interpret(["Stand by."]).unmapped.isEmpty)
        #expect(vocabulary.phrases[.callOperator]?.last == "ring|buzz + marshal")
        #expect(vocabulary != RunbookVocabulary.standard)

        #expect(throws: RunbookVocabularyError.self) {
            try RunbookVocabulary.standard.extended(with: ["send_fax": ["fax the owner"]])
        }
        let added = RunbookVocabulary.standard.adding(["escalate to duty manager"], for: .callOperator)
        #expect(tools("Escalate to the duty manager", planner: RunbookPlanner(vocabulary: added)) == ["call_operator"])
    }

    @Test func readsActionFieldsByTheirConfiguredNames() {
        let index = KnowledgeIndex(documents: [
            KnowledgeDocument(name: "de.md", text: "## Fehler E5\nWas zu tun ist: Call the operator.\n")
        ])
        let standard = planner.plan(code: "E5", in: index)
        #expect(standard.tools == [.logTicket])
        #expect(standard.attentionReasons == [.noActionField])

        var vocabulary = RunbookVocabulary.standard
        vocabulary.fields = vocabulary.fields.adding(["Was zu tun ist"], for: .actions)
        let configured = RunbookPlanner(vocabulary: vocabulary).plan(code: "E5", in: index)
        #expect(configured.tools == [.callOperator])
        #expect(!configured.needsAttention)
        #expect(RunbookTool.allCases.map(\.rawValue) == ["log_ticket", "call_operator", "clear_fault"])
        #expect(RunbookTool(rawValue: "clear_fault") == .clearFault)
    }
}
