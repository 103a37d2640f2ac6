import Foundation

/// Turns a file's bytes into a `KnowledgeDocument`: Markdown and plain text as UTF-8, Word
/// documents through `unzip` (the `word/document.xml` part) and PDF through `pdftotext -layout`
/// (Debian `poppler-utils`). Each external program runs under the time and output limits of
/// `limits`.
///
/// Converting a Word or PDF document blocks the calling thread while the program runs; call it
/// from a task that may block (the `async` overload does that on a Dispatch queue).
public struct DocumentConverter: Sendable {
    /// Size and time limits for reading and converting.
    public var limits: KnowledgeLimits
    /// The `unzip` program; `nil` looks it up on `PATH`.
    public var unzipPath: String?
    /// The `pdftotext` program; `nil` looks it up on `PATH`.
    public var pdftotextPath: String?

    /// A converter with `limits`, finding `unzip` and `pdftotext` on `PATH` unless paths are given.
    public init(limits: KnowledgeLimits = .default, unzipPath: String? = nil, pdftotextPath: String? = nil) {
        self.limits = limits
        self.unzipPath = unzipPath
        self.pdftotextPath = pdftotextPath
    }

    /// Converts the bytes of the file `name`, whose extension gives the format.
    public func convert(_ bytes: [UInt8], named name: String) throws(KnowledgeError) -> KnowledgeDocument {
        let format = try Self.format(of: name)
        guard bytes.count <= limits.maximumDocumentBytes else { throw tooLarge(bytes.count) }
        switch format {
        case .markdown, .text:
            return KnowledgeDocument(name: name, text: try text(fromUTF8: bytes), format: format)
        case .docx, .pdf:
            try checkSignature(bytes, format: format)
            return try withTemporaryDirectory { directory throws(KnowledgeError) in
                let file = directory.appendingPathComponent(format == .docx ? "document.docx" : "document.pdf")
                do {
                    try Data(bytes).write(to: file)
                } catch {
                    throw KnowledgeError(
                        code: .converterFailed, message: "could not write a temporary copy of \(name)",
                        detail: "\(error)")
                }
                return try convertContainer(at: file.path, format: format, name: name, directory: directory)
            }
        }
    }

    /// Converts the file at `path`; the document is named after the file.
    public func convert(fileAt path: String) throws(KnowledgeError) -> KnowledgeDocument {
        let name = URL(fileURLWithPath: path).lastPathComponent
        let format = try Self.format(of: name)
        let attributes: [FileAttributeKey: Any]
        do {
            attributes = try FileManager.default.attributesOfItem(atPath: path)
        } catch {
            throw KnowledgeError(code: .invalidDocument, message: "cannot read \(name)", detail: "\(error)")
        }
        let size = (attributes[.size] as? NSNumber)?.intValue ?? 0
        guard size <= limits.maximumDocumentBytes else { throw tooLarge(size) }
        let bytes: [UInt8]
        do {
            bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw KnowledgeError(code: .invalidDocument, message: "cannot read \(name)", detail: "\(error)")
        }
        guard !format.isText else { return try convert(bytes, named: name) }
        guard bytes.count <= limits.maximumDocumentBytes else { throw tooLarge(bytes.count) }
        try checkSignature(bytes, format: format)
        return try withTemporaryDirectory { directory throws(KnowledgeError) in
            try convertContainer(at: path, format: format, name: name, directory: directory)
        }
    }

    /// Converts the bytes of the file `name` on a Dispatch queue, so that a blocking converter does
    /// not hold a thread of the concurrency pool.
    public func convertInBackground(_ bytes: [UInt8], named name: String) async throws -> KnowledgeDocument {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try self.convert(bytes, named: name) })
            }
        }
    }

    // MARK: - Text

    /// Decodes UTF-8 text (a byte-order mark is dropped, CR LF becomes LF), refusing binary data.
    func text(fromUTF8 bytes: [UInt8]) throws(KnowledgeError) -> String {
        var body = bytes[...]
        if body.starts(with: [0xEF, 0xBB, 0xBF]) { body = body.dropFirst(3) }
        guard body.count <= limits.maximumTextBytes else { throw tooLarge(body.count, what: "text") }
        var controls = 0
        for byte in body where byte < 0x20 && byte != 0x09 && byte != 0x0A && byte != 0x0D && byte != 0x0C {
            if byte == 0 {
                throw KnowledgeError(code: .invalidText, message: "the document is binary data, not text (NUL byte)")
            }
            controls += 1
        }
        guard controls * 100 <= max(body.count, 1) else {
            throw KnowledgeError(
                code: .invalidText, message: "the document is binary data, not text (\(controls) control bytes)")
        }
        guard let text = String(validating: body, as: UTF8.self) else {
            throw KnowledgeError(code: .invalidText, message: "the document is not valid UTF-8 text")
        }
        return Self.normalizingLineBreaks(text)
    }

    static func normalizingLineBreaks(_ text: String) -> String {
        guard text.utf8.contains(0x0D) || text.utf8.contains(0x0C) else { return text }
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "\r\n", "\r", "\u{0C}": result.append("\n")
            default: result.append(character)
            }
        }
        return result
    }

    // MARK: - Containers

    private func checkSignature(_ bytes: [UInt8], format: KnowledgeFormat) throws(KnowledgeError) {
        switch format {
        case .docx:
            guard bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) else {
                throw KnowledgeError(
                    code: .invalidDocument, message: "the .docx file is not a Word document (no ZIP signature)")
            }
        case .pdf:
            let head = bytes.prefix(1_024)
            let signature: [UInt8] = Array("%PDF-".utf8)
            let found = head.indices.contains { index in head[index...].starts(with: signature) }
            guard found else {
                throw KnowledgeError(code: .invalidDocument, message: "the .pdf file is not a PDF (no %PDF- header)")
            }
        case .markdown, .text: break
        }
    }

    private func convertContainer(
        at path: String, format: KnowledgeFormat, name: String, directory: URL
    ) throws(KnowledgeError) -> KnowledgeDocument {
        switch format {
        case .docx:
            let unzip = try tool("unzip", configured: unzipPath, package: "unzip", format: format)
            let result = try ConverterProcess(
                executable: unzip, arguments: ["-p", "-qq", path, "word/document.xml"],
                timeout: limits.converterTimeout, maximumOutputBytes: limits.maximumConverterOutputBytes,
                toolName: "unzip"
            ).run(in: directory)
            guard result.status == 0, !result.output.isEmpty else {
                let reason =
                    result.status == 11 || (result.status == 0 && result.output.isEmpty)
                    ? "it has no word/document.xml part" : "unzip could not read it (exit status \(result.status))"
                throw KnowledgeError(
                    code: .invalidDocument, message: "the .docx file is not a readable Word document: \(reason)",
                    detail: result.errorText)
            }
            let text = WordDocumentReader.text(fromDocumentXML: result.output)
            guard text.utf8.count <= limits.maximumTextBytes else { throw tooLarge(text.utf8.count, what: "text") }
            return KnowledgeDocument(name: name, text: text, format: .docx)
        case .pdf:
            let pdftotext = try tool("pdftotext", configured: pdftotextPath, package: "poppler-utils", format: format)
            let result = try ConverterProcess(
                executable: pdftotext, arguments: ["-layout", "-enc", "UTF-8", path, "-"],
                timeout: limits.converterTimeout,
                maximumOutputBytes: min(
                    limits.maximumConverterOutputBytes, limits.maximumTextBytes),
                toolName: "pdftotext"
            ).run(in: directory)
            guard result.status == 0 else {
                throw KnowledgeError(
                    code: .invalidDocument,
                    message: "the .pdf file is not a readable PDF (pdftotext exit status \(result.status))",
                    detail: result.errorText)
            }
            let text = Self.normalizingLineBreaks(String(decoding: result.output, as: UTF8.self))
            guard text.contains(where: { !$0.isWhitespace }) else {
                throw KnowledgeError(
                    code: .invalidDocument, message: "the PDF has no text layer (a scanned image?)",
                    detail: result.errorText)
            }
            return KnowledgeDocument(name: name, text: text, format: .pdf)
        case .markdown, .text:
            preconditionFailure("text formats are not containers")
        }
    }

    private func tool(
        _ name: String, configured: String?, package: String, format: KnowledgeFormat
    ) throws(KnowledgeError) -> String {
        guard let path = ConverterProcess.locate(name, configured: configured) else {
            throw KnowledgeError(
                code: .converterMissing,
                message:
                    "reading .\(format.rawValue) documents needs `\(name)`, which is not installed: "
                    + "install the Debian package \(package) (apt-get install \(package))",
                detail: configured.map { "configured path \($0) is not an executable" } ?? "not found on PATH")
        }
        return path
    }

    private func withTemporaryDirectory<T>(
        _ body: (URL) throws(KnowledgeError) -> T
    ) throws(KnowledgeError) -> T {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("onecall-knowledge-\(UUID().uuidString)", isDirectory: true)
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw KnowledgeError(
                code: .converterFailed, message: "could not create a temporary directory", detail: "\(error)")
        }
        defer { try? FileManager.default.removeItem(at: directory) }
        return try body(directory)
    }

    private func tooLarge(_ count: Int, what: String = "document") -> KnowledgeError {
        let limit = what == "text" ? limits.maximumTextBytes : limits.maximumDocumentBytes
        return KnowledgeError(
            code: .tooLarge, message: "the \(what) is \(count) bytes, over the limit of \(limit) bytes")
    }

    private static func format(of name: String) throws(KnowledgeError) -> KnowledgeFormat {
        guard let format = KnowledgeFormat(fileName: name) else {
            throw KnowledgeError(
                code: .unsupportedFormat,
                message: "cannot read \(name): the knowledge base reads .md, .markdown, .txt, .docx and .pdf files")
        }
        return format
    }
}
