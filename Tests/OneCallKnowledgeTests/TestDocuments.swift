import Foundation

/// Real Word and PDF files made by the tests: a .docx zipped with `/usr/bin/zip` from XML parts, and
/// a one-page PDF written by hand.
enum TestDocuments {
    struct MissingTool: Error, CustomStringConvertible {
        var description: String
    }

    /// A scratch directory, removed by `remove()`.
    static func temporaryDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("onecall-knowledge-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    /// WordprocessingML for `body` (the children of `<w:body>`).
    static func documentXML(_ body: String) -> String {
        """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" \
        xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><w:body>\(body)\
        <w:sectPr><w:pgSz w:w="12240" w:h="15840"/></w:sectPr></w:body></w:document>
        """
    }

    /// A paragraph; `style` is a paragraph style id such as `Heading1`, `numbered` adds list numbering.
    static func paragraph(_ text: String, style: String? = nil, numbered: Bool = false) -> String {
        var properties = ""
        if let style { properties += #"<w:pStyle w:val="\#(style)"/>"# }
        if numbered { properties += #"<w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr>"# }
        properties += #"<w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs>"#
        return
            #"<w:p><w:pPr>\#(properties)</w:pPr><w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">\#(text)</w:t></w:r></w:p>"#
    }

    /// The bytes of a .docx holding `documentXML`, zipped by `/usr/bin/zip`.
    static func docx(documentXML: String) throws -> [UInt8] {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/zip") else {
            throw MissingTool(
                description: "/usr/bin/zip is missing: install the Debian package zip (apt-get install zip)")
        }
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let parts = [
            "[Content_Types].xml": """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
            <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
            <Default Extension="xml" ContentType="application/xml"/>\
            <Override PartName="/word/document.xml" \
            ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>
            """,
            "_rels/.rels": """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
            <Relationship Id="rId1" \
            Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" \
            Target="word/document.xml"/></Relationships>
            """,
            "word/document.xml": documentXML,
        ]
        for (path, text) in parts {
            let url = directory.appendingPathComponent(path)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/zip")
        process.currentDirectoryURL = directory
        process.arguments = ["-q", "-X", "-r", "out.docx", "[Content_Types].xml", "_rels", "word"]
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw MissingTool(description: "zip failed with status \(process.terminationStatus)")
        }
        return [UInt8](try Data(contentsOf: directory.appendingPathComponent("out.docx")))
    }

    /// A one-page PDF that shows `lines` in 12-point Helvetica, one under the other (an empty line
    /// leaves a gap).
    static func pdf(lines: [String]) -> [UInt8] {
        func escaped(_ text: String) -> String {
            text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "(", with: "\\(")
                .replacingOccurrences(of: ")", with: "\\)")
        }
        var content = "BT\n/F1 12 Tf\n16 TL\n72 740 Td\n"
        for line in lines { content += line.isEmpty ? "T*\n" : "(\(escaped(line))) Tj\nT*\n" }
        content += "ET\n"
        let objects = [
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
                + "/Resources << /Font << /F1 5 0 R >> >> >>",
            "<< /Length \(content.utf8.count) >>\nstream\n\(content)endstream",
            "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        ]
        var output = "%PDF-1.4\n"
        var offsets: [Int] = []
        for (index, object) in objects.enumerated() {
            offsets.append(output.utf8.count)
            output += "\(index + 1) 0 obj\n\(object)\nendobj\n"
        }
        let xref = output.utf8.count
        output += "xref\n0 \(objects.count + 1)\n0000000000 65535 f \n"
        for offset in offsets {
            output += String(repeating: "0", count: 10 - String(offset).count) + "\(offset) 00000 n \n"
        }
        output += "trailer\n<< /Size \(objects.count + 1) /Root 1 0 R >>\nstartxref\n\(xref)\n%%EOF\n"
        return Array(output.utf8)
    }

    /// An executable shell script with `body`, for standing in for a converter.
    static func script(_ body: String, in directory: URL) throws -> String {
        let url = directory.appendingPathComponent("tool-\(UUID().uuidString).sh")
        try Data("#!/bin/sh\n\(body)\n".utf8).write(to: url)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path)
        return url.path
    }
}
