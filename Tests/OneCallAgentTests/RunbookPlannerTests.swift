import OneCallAgent
import OneCallCore
import OneCallKnowledge
import Testing

@Suite("Runbook planner")
struct RunbookPlannerTests {
    private let planner = RunbookPlanner()

    private func index(_ text: String, name: String = "guide.md", format: KnowledgeFormat = .markdown) -> KnowledgeIndex
    {
        KnowledgeIndex(documents: [KnowledgeDocument(name: name, text: text, format: format)])
    }

    private func tools(_ plan: RunbookPlan) -> [String] { plan.tools.map(\.rawValue) }

    @Test func plansTheReferenceGuide() {
        let index = index(RunbookGuides.reference)
        let expected: [(String, [String])] = [
            ("E1", ["log_ticket"]), ("E2", ["log_ticket", "clear_fault"]), ("E3", ["log_ticket", "call_operator"]),
            ("W1", ["log_ticket", "call_operator"]),
        ]
        for (code, toolNames) in expected {
            let plan = planner.plan(code: code, in: index)
            #expect(tools(plan) == toolNames, "\(code)")
            #expect(plan.unmapped.isEmpty && !plan.needsAttention && !plan.noRunbook, "\(code)")
            #expect(plan.sectionTitle == "Error Code: \(code)")
        }
        let e2 = planner.plan(code: "E2", in: index)
        #expect(e2.severity == "medium")
        #expect(e2.faultType == "low_pressure")
        #expect(
            e2.steps == [
                "Look for refrigerant leaks.", "Check that the refrigerant charge is right.",
                "Listen to the compressor for unusual noise or vibration.",
            ])
        #expect(e2.actions.map(\.phrase) == ["Log a ticket", "Clear the fault on the device"])
        #expect(planner.plan(code: "W1", in: index).steps.count == 5)
    }

    @Test func writesThePlanAsOrderedJSON() throws {
        let plan = planner.plan(code: "E2", in: index(RunbookGuides.reference))
        let object = try #require(plan.json.objectValue)
        #expect(Array(object.keys.prefix(4)) == ["code", "steps", "actions", "unmapped"])
        #expect(object["code"] == "E2")
        #expect(object["actions"] == [["tool": "log_ticket"], ["tool": "clear_fault"]])
        #expect(object["unmapped"] == [])
        #expect(object["steps"]?.arrayValue?.count == 3)
        #expect(object["section"] == "Error Code: E2")
        #expect(object["severity"] == "medium")
        #expect(object["no_runbook"] == false)
        #expect(object["needs_attention"] == false)
        #expect(plan.json.jsonString.hasPrefix(#"{"code":"E2","steps":["Look for refrigerant leaks.","#))
    }

    @Test func plansAnUnknownCodeAsATicketWithoutRunbook() throws {
        for code in ["E9", "E10", "e"] {
            let plan = planner.plan(code: code, in: index(RunbookGuides.reference))
            #expect(tools(plan) == ["log_ticket"])
            #expect(plan.noRunbook && plan.needsAttention)
            #expect(plan.attentionReasons == [.noRunbook])
            #expect(plan.sectionTitle == nil && plan.steps.isEmpty)
            #expect(plan.json["no_runbook"] == true)
        }
        #expect(tools(planner.plan(code: "E1", in: KnowledgeIndex())) == ["log_ticket"])
    }

    @Test func plansAMarkdownGuideWithOtherWords() {
        let index = index(RunbookGuides.heatPump, name: "heat-pump.md")
        let f07 = planner.plan(code: "F07", in: index)
        #expect(tools(f07) == ["log_ticket", "call_operator"])
        #expect(f07.unmapped.isEmpty && !f07.needsAttention)
        #expect(f07.severity == "critical")
        #expect(f07.faultType == "thermal")
        #expect(
            f07.steps == [
                "Measure the discharge temperature.", "Check the condenser fan (it must spin freely).",
                "Inspect the refrigerant charge.",
            ])
        #expect(f07.sectionTitle == "F07 – Compressor overheat")

        let f08 = planner.plan(code: "f08", in: index)
        #expect(tools(f08) == ["log_ticket", "clear_fault"])
        #expect(f08.steps == ["Check the strainer.", "Bleed air from the circuit."])
        #expect(!f08.needsAttention)

        let f70 = planner.plan(code: "F70", in: index)
        #expect(tools(f70) == ["log_ticket"])
        #expect(f70.attentionReasons == [.noActionField])
        #expect(f70.needsAttention && !f70.noRunbook)
        #expect(f70.steps == ["Recalibrate the outdoor sensor."])

        #expect(planner.plan(code: "F7", in: index).noRunbook)
        #expect(planner.plan(code: "F0", in: index).noRunbook)
    }

    @Test func plansAPlainTextGuideAsPdftotextPrintsIt() {
        for format in [KnowledgeFormat.text, .pdf] {
            let index = index(RunbookGuides.chiller, name: "chiller.pdf", format: format)
            let err12 = planner.plan(code: "ERR-12", in: index)
            #expect(tools(err12) == ["log_ticket", "call_operator"])
            #expect(err12.severity == "High")
            #expect(
                err12.steps == [
                    "Check the fan motor fuse.", "Check the fan bearings for wear.", "Measure the supply voltage.",
                ])
            #expect(err12.sectionTitle == "Alarm ERR-12 (fan stalled)")

            let err13 = planner.plan(code: "err-13", in: index)
            #expect(tools(err13) == ["log_ticket"])
            #expect(!err13.needsAttention)

            let err1 = planner.plan(code: "ERR-1", in: index)
            #expect(tools(err1) == ["log_ticket"])
            #expect(err1.unmapped == ["acknowledge the alarm remotely"])
            #expect(err1.attentionReasons == [.unmappedPhrases])
            #expect(err1.json["unmapped"] == ["acknowledge the alarm remotely"])

            #expect(planner.plan(code: "ERR-14", in: index).noRunbook)
        }
    }

    @Test func plansANumberedGuideInTheGuidesOrder() {
        let index = index(RunbookGuides.pumpStation, name: "pumps.txt", format: .text)
        let p4 = planner.plan(code: "P4", in: index)
        #expect(tools(p4) == ["clear_fault", "log_ticket"])
        #expect(p4.steps == ["Check the tank level.", "Prime the pump."])
        #expect(p4.faultType == "dry_run")
        #expect(p4.sectionTitle == "P4 Pump dry-run")

        let p40 = planner.plan(code: "P40", in: index)
        #expect(p40.actions.isEmpty)
        #expect(!p40.needsAttention)
        #expect(p40.steps == ["Replace the sensor."])

        let p41 = planner.plan(code: "P41", in: index)
        #expect(tools(p41) == ["call_operator", "clear_fault", "log_ticket"])
    }

    @Test func plansFromTableRows() {
        let guide = """
            | Fault code | Description | Checks | System response |
            |---|---|---|---|
            | C-01 | Door open | Close the door | Raise an incident |
            | C-02 | Power loss | Check the breaker<br>Check the UPS | Open a ticket; page the duty engineer |
            """
        let index = index(guide)
        let c02 = planner.plan(code: "c-02", in: index)
        #expect(tools(c02) == ["log_ticket", "call_operator"])
        #expect(c02.steps == ["Check the breaker", "Check the UPS"])
        #expect(c02.sectionTitle == "C-02")
        #expect(tools(planner.plan(code: "C-01", in: index)) == ["log_ticket"])
        #expect(planner.plan(code: "C-0", in: index).noRunbook)
    }

    @Test func putsTheTicketFirstWhenAPhraseIsNotUnderstood() {
        let guide = """
            ## Fault Z3
            Actions: Clear the fault. Dispatch a technician. Log a ticket.
            """
        let plan = planner.plan(code: "Z3", in: index(guide))
        #expect(tools(plan) == ["log_ticket", "clear_fault"])
        #expect(plan.unmapped == ["Dispatch a technician"])
        #expect(plan.actions.first?.phrase == "Log a ticket")

        let without = planner.plan(code: "Z4", in: index("## Fault Z4\nActions: Wait for the next service visit.\n"))
        #expect(tools(without) == ["log_ticket"])
        #expect(without.actions.first?.phrase == "")
        #expect(without.unmapped == ["Wait for the next service visit"])
    }

    @Test func followsTheMostRecentGuideAndNamesTheOthers() {
        var index = KnowledgeIndex()
        index.add(KnowledgeDocument(name: "2023.md", text: "## E1\nActions: Log a ticket.\n"))
        index.add(
            KnowledgeDocument(name: "2024.md", text: "## Error E1\nActions: Log a ticket and call the operator.\n"))
        let plan = planner.plan(code: "E1", in: index)
        #expect(tools(plan) == ["log_ticket", "call_operator"])
        #expect(plan.documentName == "2024.md")
        #expect(plan.otherDocuments == ["2023.md"])
        #expect(plan.json["also_defined_in"] == ["2023.md"])
    }

    @Test func plansFromASectionDirectly() throws {
        let section = try #require(index(RunbookGuides.reference).section(forCode: "E3"))
        #expect(tools(planner.plan(code: "E3", section: section)) == ["log_ticket", "call_operator"])
        #expect(planner.plan(code: "E3", section: nil).noRunbook)
    }
}
