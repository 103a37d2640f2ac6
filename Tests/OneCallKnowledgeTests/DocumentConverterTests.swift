import Foundation
import OneCallKnowledge
import Testing

@Suite("Document conversion")
struct DocumentConverterTests {
    private let converter = DocumentConverter()

    @Test func readsMarkdownAndTextAsUTF8() throws {
        let markdown = try converter.convert(Array("\u{FEFF}# Guide\r\nCode: E1\r\n".utf8), named: "guide.MD")
        #expect(markdown == KnowledgeDocument(name: "guide.MD", text: "# Guide\nCode: E1\n", format: .markdown))
        let text = try converter.convert(Array("Fault F07 (overheat)\n".utf8), named: "faults.txt")
        #expect(text.format == .text)
        #expect(KnowledgeFormat(fileName: "a.markdown") == .markdown)
        #expect(KnowledgeFormat(fileName: "a.DOCX") == .docx)
        #expect(KnowledgeFormat(fileName: "pdf") == nil)
        #expect(KnowledgeFormat(fileExtension: ".pdf") == .pdf)
    }

    @Test func refusesBadText() {
        #expect(throwsCode(.invalidText) { try converter.convert([0x41, 0xC3, 0x28, 0x42], named: "bad.md") })
        #expect(throwsCode(.invalidText) { try converter.convert([0x41, 0x00, 0x42], named: "nul.txt") })
        let binary = (0..<400).map { UInt8(truncatingIfNeeded: $0 * 7) & 0x1F }
        #expect(throwsCode(.invalidText) { try converter.convert(binary, named: "binary.txt") })
        #expect(throwsCode(.unsupportedFormat) { try converter.convert(Array("x".utf8), named: "guide.rtf") })
        let small = DocumentConverter(limits: KnowledgeLimits(maximumDocumentBytes: 16))
        #expect(throwsCode(.tooLarge) { try small.convert(Array(repeating: 0x41, count: 17), named: "big.md") })
        #expect(throwsCode(.tooLarge) { try small.convert(Array(repeating: 0x41, count: 17), named: "big.pdf") })
    }

    @Test func readsAFileFromDisk() throws {
        let directory = try TestDocuments.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let url = directory.appendingPathComponent("guide.md")
        try Data("## Code P4\nActions: Log a ticket.\n".utf8).write(to: url)
        let document = try converter.convert(fileAt: url.path)
        #expect(document.name == "guide.md")
        #expect(document.text.hasPrefix("## Code P4"))
        let small = DocumentConverter(limits: KnowledgeLimits(maximumDocumentBytes: 8))
        #expect(throwsCode(.tooLarge) { try small.convert(fileAt: url.path) })
        #expect(
            throwsCode(.invalidDocument) {
                try converter.convert(fileAt: directory.appendingPathComponent("none.md").path)
            })
    }

    @Test func convertsARealWordDocument() throws {
        let body = [
            TestDocuments.paragraph("Boiler faults", style: "Title"),
            TestDocuments.paragraph("Fault B12 – Ignition failure", style: "Heading2"),
            TestDocuments.paragraph("Severity: high"),
            TestDocuments.paragraph("Troubleshooting steps:"),
            TestDocuments.paragraph("Check the gas valve &amp; the supply", numbered: true),
            TestDocuments.paragraph("Check the ignition electrode", numbered: true),
            #"<w:p><w:r><w:t>Actions:</w:t></w:r><w:r><w:tab/><w:t>Log a ticket.</w:t><w:br/><w:t>Call the site operator.</w:t></w:r></w:p>"#,
            #"<w:tbl><w:tr><w:tc><w:p><w:r><w:t>Code</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>Meaning</w:t></w:r></w:p></w:tc></w:tr>"#
                + #"<w:tr><w:tc><w:p><w:r><w:t>B12</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>No &lt;flame&gt;</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"#,
            TestDocuments.paragraph("Fault B13 – Flue blocked", style: "Heading 2"),
            #"<w:p><w:r><w:t>Actions: </w:t></w:r><w:del><w:r><w:delText>Call the operator.</w:delText></w:r></w:del><w:r><w:t>Clear the fault</w:t></w:r><w:r><w:t>.</w:t></w:r></w:p>"#,
        ].joined()
        let bytes = try TestDocuments.docx(documentXML: TestDocuments.documentXML(body))
        let document = try converter.convert(bytes, named: "boiler.docx")
        #expect(document.format == .docx)
        #expect(
            document.text == """
                # Boiler faults

                ## Fault B12 – Ignition failure

                Severity: high
                Troubleshooting steps:
                - Check the gas valve & the supply
                - Check the ignition electrode
                Actions:\tLog a ticket.
                Call the site operator.
                | Code | Meaning |
                | B12 | No <flame> |

                ## Fault B13 – Flue blocked

                Actions: Clear the fault.
                """)
        let index = KnowledgeIndex(documents: [document])
        let section = try #require(index.section(forCode: "B12"))
        #expect(section.title == "Fault B12 – Ignition failure")
        #expect(section.field(.severity)?.value == "high")
        #expect(section.field(.steps)?.items == ["Check the gas valve & the supply", "Check the ignition electrode"])
        #expect(section.field(.actions)?.items == ["Log a ticket.", "Call the site operator."])
        #expect(index.section(forCode: "B13")?.field(.actions)?.value == "Clear the fault.")
    }

    @Test func refusesACorruptWordDocument() throws {
        let bytes = try TestDocuments.docx(documentXML: TestDocuments.documentXML(TestDocuments.paragraph("Hello")))
        #expect(
            throwsCode(.invalidDocument) {
                try converter.convert(Array(bytes.prefix(bytes.count / 2)), named: "cut.docx")
            })
        #expect(throwsCode(.invalidDocument) { try converter.convert(Array("not a zip".utf8), named: "text.docx") })
        var garbage: [UInt8] = [0x50, 0x4B, 0x03, 0x04]
        garbage += (0..<200).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        #expect(throwsCode(.invalidDocument) { try converter.convert(garbage, named: "garbage.docx") })
    }

    @Test func convertsARealPDF() throws {
        let lines = [
            "Fault F07 (overheat)", "Severity: high", "Steps: Check the fan. Check the vents.",
            "Actions: Log a ticket and call the operator.", "", "Fault F08 (low flow)",
            "Actions: Log a ticket. Clear the fault.",
        ]
        let document = try converter.convert(TestDocuments.pdf(lines: lines), named: "faults.pdf")
        #expect(document.format == .pdf)
        let text = document.text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(text.filter { !$0.isEmpty } == lines.filter { !$0.isEmpty })
        let index = KnowledgeIndex(documents: [document])
        #expect(index.section(forCode: "F07")?.field(.actions)?.value == "Log a ticket and call the operator.")
        #expect(index.section(forCode: "F08")?.field(.actions)?.items == ["Log a ticket.", "Clear the fault."])
    }

    @Test func refusesAFileThatIsNoPDF() {
        #expect(
            throwsCode(.invalidDocument) { try converter.convert(Array("<html>hello</html>".utf8), named: "page.pdf") })
        let broken = Array("%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n".utf8)
        #expect(throwsCode(.invalidDocument) { try converter.convert(broken, named: "broken.pdf") })
    }

    @Test func namesTheDebianPackageOfAMissingConverter() {
        let missing = DocumentConverter(unzipPath: "/nonexistent/unzip", pdftotextPath: "/nonexistent/pdftotext")
        do {
            _ = try missing.convert([0x50, 0x4B, 0x03, 0x04, 0, 0], named: "a.docx")
            Issue.record("a missing unzip must be an error")
        } catch {
            #expect(error.code == .converterMissing)
            #expect(error.description.contains("Debian package unzip"), "\(error)")
        }
        do {
            _ = try missing.convert(Array("%PDF-1.4\n".utf8), named: "a.pdf")
            Issue.record("a missing pdftotext must be an error")
        } catch {
            #expect(error.code == .converterMissing)
            #expect(error.description.contains("Debian package poppler-utils"), "\(error)")
        }
    }

    @Test func stopsAConverterThatRunsTooLongOrWritesTooMuch() throws {
        let directory = try TestDocuments.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let docx: [UInt8] = [0x50, 0x4B, 0x03, 0x04, 0, 0]
        let sleeper = DocumentConverter(
            limits: KnowledgeLimits(converterTimeout: 0.3),
            unzipPath: try TestDocuments.script("exec sleep 30", in: directory))
        let started = Date()
        #expect(throwsCode(.converterTimedOut) { try sleeper.convert(docx, named: "slow.docx") })
        #expect(Date().timeIntervalSince(started) < 10)

        let chatty = DocumentConverter(
            limits: KnowledgeLimits(maximumConverterOutputBytes: 64 << 10),
            unzipPath: try TestDocuments.script("exec yes", in: directory))
        #expect(throwsCode(.tooLarge) { try chatty.convert(docx, named: "bomb.docx") })
    }

    @Test func convertsInTheBackground() async throws {
        let document = try await converter.convertInBackground(Array("# T\n".utf8), named: "t.md")
        #expect(document.text == "# T\n")
    }

    private func throwsCode(_ code: KnowledgeError.Code, _ body: () throws -> KnowledgeDocument) -> Bool {
        do {
            _ = try body()
            Issue.record("expected \(code), got a document")
            return false
        } catch let error as KnowledgeError {
            if error.code != code { Issue.record("expected \(code), got \(error.code): \(error.debugDescription)") }
            return error.code == code
        } catch {
            Issue.record("expected \(code), got \(error)")
            return false
        }
    }
}
