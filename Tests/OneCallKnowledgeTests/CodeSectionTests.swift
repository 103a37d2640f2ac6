import OneCallKnowledge
import Testing

/// Finding the section for an error code: codes are data, matched as whole words, headings first.
@Suite struct CodeSectionTests {
    func document(_ text: String, _ format: KnowledgeFormat = .markdown) throws -> KnowledgeDocument {
        try KnowledgeDocument(name: "guide", text: text, format: format)
    }

    @Test(arguments: [
        ("## Error Code: E1", "E1", "Error Code: E1"),
        ("### E1 — High temperature", "E1", "E1 — High temperature"),
        ("## Fault E1", "e1", "Fault E1"),
        ("## Code E1:", "E1", "Code E1:"),
        ("## Warning W1", "W1", "Warning W1"),
        ("## ERR-104 Flue overheat", "ERR-104", "ERR-104 Flue overheat"),
        ("## P-07 (dry run)", "P-07", "P-07 (dry run)"),
        ("## Alarm `F3`", "F3", "Alarm `F3`"),
        ("## HT2 – heater", "HT2", "HT2 – heater"),
    ])
    func headingStyles(heading: String, code: String, expected: String) throws {
        let text = """
            # Guide

            ## Error Code: E10
            Actions: Log a ticket.

            \(heading)
            Actions: Call the site operator.

            ## Error Code: E12
            Actions: Clear the fault.
            """
        let section = try #require(try document(text).section(forCode: code))
        #expect(section.heading == expected)
        #expect(section.location == .heading)
        #expect(section.text == "Actions: Call the site operator.")
        #expect(section.lineRange == 6...7)
    }

    @Test func e1DoesNotMatchE10OrE12() throws {
        let document = try KnowledgeFixtures.document("rtu-9.md", KnowledgeFixtures.rooftopGuide)
        #expect(document.section(forCode: "E1")?.heading == "Fault E1 - Supply air sensor open")
        #expect(document.section(forCode: "E10")?.heading == "Fault E10 - Condenser fan stall")
        #expect(document.section(forCode: "E12")?.heading == "Fault E12 - Defrost timeout")
        #expect(document.section(forCode: "E11") == nil)
        #expect(document.section(forCode: "E") == nil)
    }

    @Test func aHeadingNamingTheCodeAloneBeatsAnOverview() throws {
        let text = """
            # Codes E1–E3 overview
            The E-codes are listed below.

            ## E2
            Actions: Log a ticket.

            ## E1
            Actions: Call the site operator.
            """
        #expect(try document(text).section(forCode: "E1")?.heading == "E1")
    }

    @Test func aHeadingBeatsAMentionInTheFirstLines() throws {
        let text = """
            ## Overview
            Code: E5
            Severity: low

            ## E5 — Drain pan full
            Actions: Log a ticket.
            """
        let section = try #require(try document(text).section(forCode: "E5"))
        #expect(section.heading == "E5 — Drain pan full")
    }

    @Test func aJoinedCodeInAHeadingIsFoundWhenNothingBetterIs() throws {
        let text = """
            ## E1/E2 — Sensor faults
            Actions: Log a ticket.
            """
        let document = try document(text)
        #expect(document.section(forCode: "E2")?.heading == "E1/E2 — Sensor faults")
        #expect(document.section(forCode: "E12") == nil)
    }

    @Test func aTableRowIsReadAsFields() throws {
        let document = try KnowledgeFixtures.document("ps-3.md", KnowledgeFixtures.pumpGuide)
        let section = try #require(document.section(forCode: "p-17"))
        #expect(section.location == .tableRow)
        #expect(section.heading == "P-17")
        #expect(section.lineRange == 6...6)
        #expect(
            section.text
                == "Code: P-17\nFault: Seal leak\nSeverity: medium\nResponse: Log a ticket, reset the alarm on the unit"
        )
    }

    @Test func aTabSeparatedTableFromAWordFile() throws {
        let text =
            "Alarm list\n\nCode\tMeaning\tAction\nA-1\tLow water\tLog a ticket\nA-11\tHigh water\tCall the site operator\n"
        let document = try document(text, .plainText)
        let section = try #require(document.section(forCode: "A-11"))
        #expect(section.location == .tableRow)
        #expect(section.text == "Code: A-11\nMeaning: High water\nAction: Call the site operator")
        #expect(RunbookPlanner().plan(code: "A-1", in: document).tools == [.logTicket])
    }

    @Test func codesInTheBodyEndAtTheNextCode() throws {
        let document = try KnowledgeFixtures.document("ch-1.txt", KnowledgeFixtures.chillerGuide, .plainText)
        let w7 = try #require(document.section(forCode: "W7"))
        #expect(w7.location == .body)
        #expect(w7.heading == "Warning W7")
        #expect(w7.lineRange == 3...6)
        #expect(!w7.text.contains("W8"))
        let w8 = try #require(document.section(forCode: "W8"))
        #expect(w8.text == "Severity: medium\nInspect the strainer and the flow switch.")
    }

    @Test func aSentenceMentioningACodeIsNotItsSection() throws {
        let text = """
            ## Notes
            Fault E1 is often confused with E10 after a power cut.
            """
        #expect(try document(text).section(forCode: "E1") == nil)
    }

    @Test func codeInsideAFencedBlockIsNotASection() throws {
        let text = """
            ## Log format
            ```
            ## E9
            Fault E9
            ```
            """
        #expect(try document(text).section(forCode: "E9") == nil)
    }

    @Test(arguments: ["", "   ", "E1 E2", "!!", String(repeating: "E", count: 65)])
    func codesThatAreNotOneWordFindNothing(code: String) throws {
        #expect(try KnowledgeFixtures.reference().section(forCode: code) == nil)
    }

    @Test func punctuationAroundACodeIsIgnored() throws {
        let document = try KnowledgeFixtures.reference()
        #expect(document.section(forCode: " E3 ")?.heading == "Error Code: E3")
        #expect(document.section(forCode: "\"E3\"")?.heading == "Error Code: E3")
    }

    @Test func theIndexPicksTheBestSectionOverAllDocuments() throws {
        var index = KnowledgeIndex()
        try index.add(try KnowledgeFixtures.document("ps-3.md", KnowledgeFixtures.pumpGuide))
        try index.add(try KnowledgeFixtures.document("p07.md", "## P-07 — Dry run\nActions: Log a ticket.\n"))
        let section = try #require(index.section(forCode: "P-07"))
        #expect(section.documentName == "p07.md")
        #expect(section.location == .heading)

        try index.add(try KnowledgeFixtures.reference())
        try index.add(try KnowledgeFixtures.document("rtu-9.md", KnowledgeFixtures.rooftopGuide))
        #expect(index.section(forCode: "E1")?.documentName == "aircon-fault-codes.md")
        #expect(index.section(forCode: "E10")?.documentName == "rtu-9.md")
        #expect(index.section(forCode: "E77") == nil)
    }
}
