import OneCallCore
import OneCallKnowledge
import Testing

/// Guides other than the reference: other codes, heading styles, field names and wording.
@Suite struct RunbookPlannerGuideTests {
    let planner = RunbookPlanner()

    func plan(_ code: String, _ text: String, _ format: KnowledgeFormat = .markdown) throws -> RunbookPlan {
        planner.plan(code: code, in: try KnowledgeFixtures.document("guide", text, format))
    }

    // MARK: Setext headings, E1 next to E10 and E12

    @Test func setextGuideTellsE1FromE10AndE12() throws {
        let e1 = try plan("E1", KnowledgeFixtures.rooftopGuide)
        #expect(e1.heading == "Fault E1 - Supply air sensor open")
        #expect(e1.title == "Supply air sensor open")
        #expect(e1.severity == "low")
        #expect(e1.steps == ["Check the sensor connector.", "Measure the sensor resistance (10 kΩ at 25 °C)."])
        #expect(e1.tools == [.logTicket, .clearFault])
        #expect(e1.actions.map(\.phrase) == ["Open a maintenance ticket", "Reset the fault on the unit"])
        #expect(e1.unmapped.isEmpty)

        let e10 = try plan("E10", KnowledgeFixtures.rooftopGuide)
        #expect(e10.heading == "Fault E10 - Condenser fan stall")
        #expect(e10.tools == [.logTicket, .callOperator])
        #expect(e10.steps == ["Check the fan capacitor.", "Check the fan motor bearings."])
    }

    @Test func noActionRequiredGivesNoActionsAndNothingUnmapped() throws {
        let e12 = try plan("E12", KnowledgeFixtures.rooftopGuide)
        #expect(e12.sectionFound)
        #expect(e12.actionListFound)
        #expect(e12.actions.isEmpty)
        #expect(e12.unmapped.isEmpty)
        #expect(e12.steps == ["Check the defrost heater.", "Check the defrost thermostat."])
        #expect(e12.json["actions"] == [])
        #expect(!e12.needsAttention)
    }

    // MARK: ### headings, bold fields, subsections, unknown and negated phrases

    @Test func subsectionsUnderACodeHeadingBelongToIt() throws {
        let plan = try plan("ERR-104", KnowledgeFixtures.boilerGuide)
        #expect(plan.title == "Flue overheat")
        #expect(plan.severity == "critical")
        #expect(plan.faultType == "flue_overheat")
        #expect(
            plan.steps == ["Check the flue for blockage.", "Verify the flue sensor against a reference thermometer."])
        #expect(plan.tools == [.logTicket, .clearFault, .callOperator])
        #expect(
            plan.actions.map(\.phrase) == [
                "Raise a ticket with the maintenance contractor", "Send a reset command to the controller",
                "Then phone the site operator",
            ])
    }

    @Test func anUnknownPhraseIsReportedVerbatim() throws {
        let plan = try plan("ERR-104", KnowledgeFixtures.boilerGuide)
        #expect(plan.unmapped == ["Send a carrier pigeon"])
        #expect(plan.json["unmapped"] == ["Send a carrier pigeon"])
        #expect(plan.needsAttention)
    }

    @Test func inlineActionsWithThenAndAProhibition() throws {
        let plan = try plan("ERR-10", KnowledgeFixtures.boilerGuide)
        #expect(plan.title == "Ignition lockout")
        #expect(plan.tools == [.logTicket, .callOperator])
        #expect(plan.unmapped == ["Do not clear the fault remotely"])
        #expect(!plan.tools.contains(.clearFault))
    }

    @Test func err104DoesNotMatchErr10OrErr1040() throws {
        let document = try KnowledgeFixtures.document("bx-2.md", KnowledgeFixtures.boilerGuide)
        #expect(document.section(forCode: "ERR-104")?.heading == "ERR-104 — Flue overheat")
        #expect(document.section(forCode: "err-10")?.heading == "ERR-10 — Ignition lockout")
        #expect(document.section(forCode: "ERR-1040") == nil)
        #expect(document.section(forCode: "ERR-1") == nil)
    }

    // MARK: A table of codes

    @Test func tableRowsArePlans() throws {
        let p07 = try plan("P-07", KnowledgeFixtures.pumpGuide)
        #expect(p07.title == "Dry run")
        #expect(p07.severity == "high")
        #expect(p07.tools == [.logTicket, .callOperator])
        #expect(p07.fields["response"] == "Open a maintenance ticket; phone the site operator")

        let p17 = try plan("P-17", KnowledgeFixtures.pumpGuide)
        #expect(p17.tools == [.logTicket, .clearFault])
        #expect(p17.actions.map(\.phrase) == ["Log a ticket", "reset the alarm on the unit"])
        #expect(p17.unmapped.isEmpty)

        let p70 = try plan("P-70", KnowledgeFixtures.pumpGuide)
        #expect(p70.actionListFound && p70.actions.isEmpty && p70.unmapped.isEmpty)

        #expect(try plan("P-7", KnowledgeFixtures.pumpGuide).noRunbook)
        #expect(try plan("P-0", KnowledgeFixtures.pumpGuide).noRunbook)
    }

    // MARK: Plain text

    @Test func plainTextLabelHeadings() throws {
        let ht2 = try plan("HT2", KnowledgeFixtures.heaterGuide, .plainText)
        #expect(ht2.heading == "Code HT2")
        #expect(ht2.title == "Heater thermal cut-out tripped")
        #expect(ht2.severity == "high")
        #expect(ht2.steps == ["Let the heater cool for 30 minutes.", "Check the thermal fuse."])
        #expect(ht2.tools == [.logTicket, .callOperator])
        #expect(ht2.actions.map(\.phrase) == ["Open a maintenance ticket", "Then phone the site operator"])

        let ht20 = try plan("HT20", KnowledgeFixtures.heaterGuide, .plainText)
        #expect(ht20.title == "Humidifier tank empty")
        #expect(ht20.tools == [.logTicket, .clearFault])
        #expect(ht20.steps.isEmpty)
    }

    @Test func codesNamedInTheBodyWithoutHeadings() throws {
        let w7 = try plan("W7", KnowledgeFixtures.chillerGuide, .plainText)
        #expect(w7.heading == "Warning W7")
        #expect(w7.severity == "low")
        #expect(w7.tools == [.logTicket])
        #expect(w7.actionListFound)

        let w8 = try plan("W8", KnowledgeFixtures.chillerGuide, .plainText)
        #expect(w8.severity == "medium")
        #expect(w8.sectionFound)
    }

    @Test func aSectionWithoutAnActionListOpensATicketForAPerson() throws {
        let w8 = try plan("W8", KnowledgeFixtures.chillerGuide, .plainText)
        #expect(!w8.actionListFound)
        #expect(w8.tools == [.logTicket])
        #expect(w8.actions.first?.phrase == nil)
        #expect(w8.unmapped.isEmpty)
        #expect(w8.needsAttention)
        #expect(w8.json["actionListFound"] == false)
    }

    @Test func aBareNoActionSentenceIsAnEmptyActionList() throws {
        let text = """
            ## Fault F3 — Filter reminder
            Severity: info
            The unit only reminds the owner to clean the filter.

            No action required.
            """
        let plan = try plan("F3", text)
        #expect(plan.actionListFound)
        #expect(plan.actions.isEmpty)
        #expect(plan.unmapped.isEmpty)
    }

    @Test func theFirstLinesOfASectionCanNameTheCode() throws {
        let text = """
            ## Overheat
            Code: ERR-204
            Severity: high

            ### Response
            - Log a ticket.

            ## Underheat
            Code: ERR-205
            """
        let plan = try plan("ERR-204", text)
        #expect(plan.heading == "Overheat")
        #expect(plan.title == "Overheat")
        #expect(plan.tools == [.logTicket])
        #expect(plan.fields["code"] == "ERR-204")
    }

    @Test func stepsWithoutAStepFieldAreTheListOutsideFields() throws {
        let text = """
            ### F3 - Fan belt slipping
            Severity: low

            1. Check the belt tension.
            2. Replace the belt if it is glazed.

            Automated response: Log a ticket.
            """
        let plan = try plan("F3", text)
        #expect(plan.steps == ["Check the belt tension.", "Replace the belt if it is glazed."])
        #expect(plan.tools == [.logTicket])
    }

    @Test func unnumberedStepsAreSentences() throws {
        let text = """
            ## E5
            Checks: Inspect the drain pan. Clear the drain line of debris.
            Actions: Log a ticket.
            """
        #expect(try plan("E5", text).steps == ["Inspect the drain pan.", "Clear the drain line of debris."])
    }
}
