import OneCallKnowledge
import Testing

@Suite("Knowledge sections and codes")
struct KnowledgeSectionTests {
    private func index(_ texts: [String: String], format: KnowledgeFormat = .markdown) -> KnowledgeIndex {
        KnowledgeIndex(
            documents: texts.keys.sorted().map { KnowledgeDocument(name: $0, text: texts[$0]!, format: format) })
    }

    @Test func findsTheReferenceGuideSectionsAndFields() throws {
        let index = KnowledgeIndex(documents: [
            KnowledgeDocument(name: "guide.md", text: KnowledgeFixtures.referenceGuide)
        ])
        for code in ["E1", "E2", "E3", "W1", "e2", "w1"] {
            let section = try #require(index.section(forCode: code), "\(code)")
            #expect(section.title == "Error Code: \(code.uppercased())")
            #expect(section.documentName == "guide.md")
            #expect(section.path == ["Air conditioner fault codes", "Error Code: \(code.uppercased())"])
        }
        let e2 = try #require(index.section(forCode: "E2"))
        #expect(
            e2.fields.map(\.name) == [
                "Fault type", "Severity", "Effect on the unit", "Troubleshooting steps", "Actions",
            ])
        #expect(e2.field(.faultType)?.value == "low_pressure")
        #expect(e2.field(.severity)?.value == "medium")
        #expect(
            e2.field(.steps)?.items == [
                "Look for refrigerant leaks.", "Check that the refrigerant charge is right.",
                "Listen to the compressor for unusual noise or vibration.",
            ])
        #expect(e2.field(.actions)?.items == ["Log a ticket.", "Clear the fault on the device. No further action."])
        #expect(e2.text.hasPrefix("## Error Code: E2\nFault type: low_pressure"))
        #expect(e2.body.hasSuffix("No further action."))
        #expect(!e2.text.contains("E3"))
    }

    @Test func matchesCodesAsWholeTokens() throws {
        let guide = """
            ## E1 – High temperature
            Actions: Log a ticket.

            ## E10 – Sensor lost
            Actions: Call the operator.

            ## E1a – Variant
            Actions: Clear the fault.
            """
        let index = index(["g.md": guide])
        #expect(index.section(forCode: "E1")?.title == "E1 – High temperature")
        #expect(index.section(forCode: "E10")?.title == "E10 – Sensor lost")
        #expect(index.section(forCode: "e1A")?.title == "E1a – Variant")
        #expect(index.section(forCode: "E") == nil)
        #expect(index.section(forCode: "1") == nil)
        #expect(index.section(forCode: "E100") == nil)
        #expect(index.section(forCode: "") == nil)
        let withoutE1 = self.index(["g.md": "## E10 – Sensor lost\nActions: Call the operator.\n"])
        #expect(withoutE1.section(forCode: "E1") == nil)
    }

    @Test(arguments: [
        ("F07", "F07 – Compressor overheat", "Measure the discharge temperature."),
        ("P4", "Code P4 dry run", "Check the tank level."),
        ("P9", "ERROR P9", "Check the pressure switch."),
        ("ERR-12", "ERR-12 Fan stalled", "Check the fan fuse."),
        ("err-12", "ERR-12 Fan stalled", "Check the fan fuse."),
        ("X21", "Fault X21 (sensor open)", "Reseat the sensor."),
        ("17", "Alarm 17 - Door open", "Close the door."),
        ("E7", "Sensor faults", "Replace the sensor."),
        ("E8", "Code: E8", "Recalibrate the sensor."),
        ("E9", "Drift", "Check the calibration."),
    ])
    func findsCodesUnderEveryHeadingStyle(code: String, title: String, diagnosis: String) throws {
        for format in [KnowledgeFormat.markdown, .text] {
            let index = index(["styles": KnowledgeFixtures.headingStyles], format: format)
            let section = try #require(index.section(forCode: code), "\(code) in \(format)")
            #expect(section.title == title)
            #expect(section.fields.first { $0.name == "Diagnosis" }?.value == diagnosis)
            #expect(section.fields.filter { $0.name == "Diagnosis" }.count == 1, "\(code): \(section.fields)")
        }
    }

    @Test func findsNoSectionForAnUnknownCode() {
        let index = index(["styles": KnowledgeFixtures.headingStyles])
        for code in ["F7", "P40", "ERR-1", "ERR", "X2", "E70", "Q1", "1", "7"] {
            #expect(index.section(forCode: code) == nil, "\(code)")
        }
        #expect(KnowledgeIndex().section(forCode: "E1") == nil)
    }

    @Test func prefersAHeadingOverAMentionAndUsesAMentionOnlyInARunbookSection() throws {
        let guide = """
            # Guide

            ## Overview
            Codes E4 and E5 are rare; E6 is described below.

            ## Pressure faults
            Raised for codes E4 and E44.
            Actions: Log a ticket.

            ## E6 low voltage
            Actions: Call the operator.
            """
        let index = index(["g.md": guide])
        #expect(index.section(forCode: "E6")?.title == "E6 low voltage")
        #expect(index.section(forCode: "E4")?.title == "Pressure faults")
        // E5 is only mentioned in a section without steps or actions.
        #expect(index.section(forCode: "E5") == nil)
    }

    @Test func prefersTheMostRecentDocumentAndReportsTheOthers() throws {
        var index = KnowledgeIndex()
        index.add(KnowledgeDocument(name: "old.md", text: "## E1\nActions: Log a ticket.\n"))
        index.add(KnowledgeDocument(name: "new.md", text: "## Fault E1\nActions: Call the operator.\n"))
        #expect(index.sections(forCode: "E1").map(\.documentName) == ["new.md", "old.md"])
        #expect(index.section(forCode: "E1")?.documentName == "new.md")

        // Replacing a document makes it the most recent.
        index.add(KnowledgeDocument(name: "old.md", text: "## E1\nActions: Clear the fault.\n"))
        #expect(index.section(forCode: "E1")?.documentName == "old.md")
        #expect(index.documents.map(\.name) == ["new.md", "old.md"])
        #expect(index.remove(named: "old.md")?.name == "old.md")
        #expect(index.remove(named: "old.md") == nil)
        #expect(index.sections(forCode: "E1").map(\.documentName) == ["new.md"])
    }

    @Test func readsMultiLineFieldsInEveryListStyle() throws {
        let guide = """
            ## Code P4

            **Steps to troubleshoot**
            1) Check the tank level.
            2) Prime the pump; it must
               run quietly.
            3) Check the valve.

            **What the system does:**

            - Open a ticket
            * Phone the operator
            • Clear the fault

            Escalation:
            a) Call the manager.
            b) Wait.

            Response: Log a ticket and
            call the operator.

            Notes:
            Step 1: Read the manual.
            Step 2: Read it again.

            Automatic actions
            Log a ticket
            Call the operator
            clearing the fault as well.

            | Severity | High |
            | Fault type | dry_run |
            """
        let section = try #require(index(["g.md": guide]).section(forCode: "P4"))
        let fields = Dictionary(section.fields.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        #expect(
            fields["Steps to troubleshoot"]?.items == [
                "Check the tank level.", "Prime the pump; it must run quietly.", "Check the valve.",
            ])
        #expect(fields["What the system does"]?.items == ["Open a ticket", "Phone the operator", "Clear the fault"])
        #expect(fields["Escalation"]?.items == ["Call the manager.", "Wait."])
        #expect(fields["Response"]?.value == "Log a ticket and call the operator.")
        #expect(fields["Notes"]?.items == ["Read the manual.", "Read it again."])
        #expect(
            fields["Automatic actions"]?.items == ["Log a ticket", "Call the operator clearing the fault as well."])
        #expect(fields["Severity"]?.value == "High")
        #expect(fields["Fault type"]?.value == "dry_run")
        #expect(
            section.fields(.actions).map(\.name) == [
                "What the system does", "Escalation", "Response", "Automatic actions",
            ])
        #expect(section.field(.steps)?.name == "Steps to troubleshoot")
    }

    @Test func readsSubHeadingsAsFieldLabels() throws {
        let guide = """
            # Chiller

            ## Alarm C3 – Low flow

            ### Diagnosis
            - Check the strainer.

            ### Actions
            1. Create an incident.
            2. Page the operator.

            ## Alarm C4
            ### Actions
            - Log a ticket.
            """
        let index = index(["c.md": guide])
        let section = try #require(index.section(forCode: "C3"))
        #expect(section.title == "Alarm C3 – Low flow")
        #expect(section.field(.steps)?.items == ["Check the strainer."])
        #expect(section.field(.actions)?.items == ["Create an incident.", "Page the operator."])
        #expect(index.section(forCode: "C4")?.field(.actions)?.items == ["Log a ticket."])
    }

    @Test func readsTableRowsAsSections() throws {
        let guide = """
            # Fault table

            | Code | Fault | Troubleshooting | Actions |
            |------|-------|-----------------|---------|
            | E1 | High temp | 1. Check compressor. 2. Check filter. | Log a ticket |
            | **E2** | Low pressure | Check leaks<br>Check charge | Log a ticket, clear the fault |
            | E21 | Other | - | - |

            ## Appendix

            | Id | Meaning | Response |
            | --- | --- | --- |
            | H5 | Hose burst | Call the operator. |
            """
        let index = index(["table.md": guide])
        let e2 = try #require(index.section(forCode: "E2"))
        #expect(e2.title == "E2")
        #expect(e2.path == ["Fault table", "E2"])
        #expect(e2.level == KnowledgeSection.tableRowLevel)
        #expect(e2.fields.map(\.name) == ["Code", "Fault", "Troubleshooting", "Actions"])
        #expect(e2.field(.steps)?.items == ["Check leaks", "Check charge"])
        #expect(e2.field(.faultType)?.value == "Low pressure")
        #expect(e2.field(.actions)?.value == "Log a ticket, clear the fault")
        #expect(
            e2.text
                == "| Code | Fault | Troubleshooting | Actions |\n| **E2** | Low pressure | Check leaks<br>Check charge | Log a ticket, clear the fault |"
        )
        #expect(index.section(forCode: "E1")?.field(.steps)?.items == ["Check compressor.", "Check filter."])
        #expect(index.section(forCode: "H5")?.field(.actions)?.value == "Call the operator.")
        #expect(index.section(forCode: "H5")?.path == ["Fault table", "Appendix", "H5"])
        #expect(index.section(forCode: "E") == nil)
        #expect(index.section(forCode: "E3") == nil)
    }

    @Test func findsCodeLinesAfterCompleteLinesWithoutBlankLines() throws {
        let guide = """
            Error E1 - High temperature
            Troubleshooting: Check the compressor.
            Actions: Log a ticket.
            Error E2 - Low pressure
            Troubleshooting: Check for leaks.
            Actions: Log a ticket and clear the fault, and ask the
            R410A team
            """
        let index = index(["faults.txt": guide], format: .text)
        #expect(index.section(forCode: "E1")?.fields.map(\.value) == ["Check the compressor.", "Log a ticket."])
        #expect(
            index.section(forCode: "E2")?.field(.actions)?.value
                == "Log a ticket and clear the fault, and ask the R410A team")
        #expect(
            index.sections(inDocument: "faults.txt").map(\.title) == [
                "Error E1 - High temperature", "Error E2 - Low pressure",
            ])
    }

    @Test func knowsFieldNamesBySynonymsAndExtendsThem() {
        let vocabulary = SectionFieldVocabulary.standard
        #expect(vocabulary.role(forFieldName: "Troubleshooting Steps") == .steps)
        #expect(vocabulary.role(forFieldName: "Steps to troubleshoot") == .steps)
        #expect(vocabulary.role(forFieldName: "What the system does") == .actions)
        #expect(vocabulary.role(forFieldName: "Actions taken by the system") == .actions)
        #expect(vocabulary.role(forFieldName: "ERROR CODE") == .code)
        #expect(vocabulary.role(forFieldName: "Fault type") == .faultType)
        #expect(vocabulary.role(forFieldName: "Priority") == .severity)
        #expect(vocabulary.role(forFieldName: "Colour") == nil)
        let extended = vocabulary.adding(["Was zu tun ist"], for: .actions)
        #expect(extended.role(forFieldName: "was zu tun ist") == .actions)
        #expect(extended != vocabulary)
    }

    @Test func splitsListsAndSentences() {
        #expect(
            ListItemSplitter.inlineNumberedItems("1. Check X. 2. Check Y; then Z. 3) Done")
                == ["Check X.", "Check Y; then Z.", "Done"])
        #expect(ListItemSplitter.inlineNumberedItems("Check 1. and 2.") == nil)
        #expect(ListItemSplitter.inlineNumberedItems("1. Keep 1.5 bar. 3. Not next") == ["Keep 1.5 bar. 3. Not next"])
        #expect(
            ListItemSplitter.sentences("Log a ticket. Call e.g. the operator; then wait.") == [
                "Log a ticket.", "Call e.g. the operator;", "then wait.",
            ])
        #expect(ListItemSplitter.itemText("  (2) Prime the pump") == "Prime the pump")
        #expect(ListItemSplitter.itemText("Step 3 - Bleed the air") == "Bleed the air")
        #expect(ListItemSplitter.itemText("1.5 bar is fine") == nil)
        #expect(ListItemSplitter.itemText("---") == nil)
    }
}
