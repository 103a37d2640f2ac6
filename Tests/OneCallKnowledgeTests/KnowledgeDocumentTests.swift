import OneCallKnowledge
import Testing

/// Cutting documents into sections: Markdown headings, plain-text headings, line ranges.
@Suite struct KnowledgeDocumentTests {
    func sections(_ text: String, _ format: KnowledgeFormat = .markdown) throws -> [KnowledgeSection] {
        try KnowledgeDocument(name: "doc", text: text, format: format).sections
    }

    func outline(_ sections: [KnowledgeSection]) -> [String] {
        sections.map { "\($0.level) \($0.heading)" }
    }

    @Test func referenceGuideSections() throws {
        let sections = try KnowledgeFixtures.reference().sections
        #expect(
            outline(sections) == [
                "1 Air conditioner fault codes", "2 Error Code: E1", "2 Error Code: E2", "2 Error Code: E3",
                "2 Error Code: W1",
            ])
        #expect(sections[1].lineRange == 8...13)
        #expect(sections[1].body.hasPrefix("Fault type: high_temperature\nSeverity: medium"))
    }

    @Test func atxHeadings() throws {
        let text = """
            Intro text.
            # One #
            ###### Six
            ####### seven is text
            #hashtag is text
              ## Indented two
            ## Closing ## hashes ##
            body
            """
        let sections = try sections(text)
        #expect(outline(sections) == ["0 ", "1 One", "6 Six", "2 Indented two", "2 Closing ## hashes"])
        #expect(sections[0].body == "Intro text.")
        #expect(sections[0].lineRange == 1...1)
        #expect(sections[2].body == "####### seven is text\n#hashtag is text")
        #expect(sections[4].body == "body")
    }

    @Test func setextHeadingsAndThematicBreaks() throws {
        let text = """
            Title
            =====

            Sub
            ---
            text

            ---
            - item
            ---
            more
            """
        let sections = try sections(text)
        #expect(outline(sections) == ["1 Title", "2 Sub"])
        #expect(sections[0].lineRange == 1...2)
        #expect(sections[1].lineRange == 4...11)
    }

    @Test func fencedCodeHoldsNoHeadings() throws {
        let text = """
            # Real
            ```sh
            # a shell comment
            ```
            ~~~
            ## not a heading
            ~~~
            """
        #expect(outline(try sections(text)) == ["1 Real"])
    }

    @Test func plainTextHeadings() throws {
        let text = """
            MAINTENANCE GUIDE

            Read this before any work on the unit.

            1. Scope

            This guide covers the RTU-9.

            2.1 Fault codes

            Codes follow.

            Troubleshooting:
            1. Check the fan.

            2. Check the belt.

            Safety notes

            Isolate the unit first.

            Underlined
            ----------
            text
            """
        let sections = try sections(text, .plainText)
        #expect(
            outline(sections) == [
                "1 MAINTENANCE GUIDE", "1 1. Scope", "2 2.1 Fault codes", "3 Troubleshooting", "2 Safety notes",
                "2 Underlined",
            ])
        #expect(sections[3].body == "1. Check the fan.\n\n2. Check the belt.")
    }

    @Test func plainTextProseIsNotAHeading() throws {
        let text = """
            The unit reports faults on its display.

            It keeps the last ten codes.
            """
        let sections = try sections(text, .plainText)
        #expect(outline(sections) == ["0 "])
    }

    @Test func lineBreaksOfEveryKindAndAByteOrderMark() throws {
        let text = "\u{FEFF}# A\r\nalpha\r\n\r\n# B\rbeta\n"
        let sections = try sections(text)
        #expect(outline(sections) == ["1 A", "1 B"])
        #expect(sections[0].body == "alpha")
        #expect(sections[0].lineRange == 1...2)
        #expect(sections[1].lineRange == 4...5)
    }

    @Test func emptyDocumentsHaveNoSections() throws {
        #expect(try sections("").isEmpty)
        #expect(try sections("\n\n  \n").isEmpty)
        #expect(try KnowledgeDocument(name: "e", text: "", format: .plainText).chunks.isEmpty)
    }

    @Test(arguments: [
        ("guide.md", KnowledgeFormat.markdown), ("Guide.MARKDOWN", .markdown), ("a.b.txt", .plainText),
        ("notes.text", .plainText),
    ])
    func formatsByFileName(name: String, format: KnowledgeFormat) {
        #expect(KnowledgeFormat(fileName: name) == format)
    }

    @Test(arguments: ["manual.docx", "manual.pdf", "README", ".md", "archive.md.zip"])
    func filesThatNeedExtractionFirst(name: String) {
        #expect(KnowledgeFormat(fileName: name) == nil)
    }

    @Test func documentsCompareByNameFormatAndText() throws {
        let a = try KnowledgeDocument(name: "a", text: "# x", format: .markdown)
        #expect(a == (try KnowledgeDocument(name: "a", text: "# x", format: .markdown)))
        #expect(a != (try KnowledgeDocument(name: "a", text: "# x", format: .plainText)))
        #expect(a != (try KnowledgeDocument(name: "a", text: "# y", format: .markdown)))
    }
}
