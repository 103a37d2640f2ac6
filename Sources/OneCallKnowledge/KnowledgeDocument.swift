/// A guide as text, cut into sections and search chunks when it is created.
///
/// The app reads files, extracts the text of `.docx` and PDF files, and hands the text here; this type
/// does no I/O. Line breaks may be `\n`, `\r\n` or `\r`; a leading byte-order mark is ignored.
public struct KnowledgeDocument: Sendable {
    /// The name that identifies the document in an index, such as its path under the knowledge folder.
    public let name: String
    /// The text as given.
    public let text: String
    /// How the text is written.
    public let format: KnowledgeFormat
    /// The sections in document order.
    public let sections: [KnowledgeSection]
    /// The search chunks in document order.
    public let chunks: [KnowledgeChunk]
    /// The lines of the text, without line breaks.
    let lines: [String]
    /// Code lookups stay within these.
    let limits: KnowledgeLimits

    /// Reads `text`, refusing a name or text over ``KnowledgeLimits`` and a document that gives too many
    /// sections or chunks.
    public init(
        name: String, text: String, format: KnowledgeFormat, configuration: KnowledgeConfiguration = .default
    ) throws(KnowledgeError) {
        try configuration.validate()
        let limits = configuration.limits
        guard !name.isBlank, name.utf8.count <= limits.maximumNameBytes else {
            throw KnowledgeError(
                code: .invalidName,
                message: "a document name must be 1 to \(limits.maximumNameBytes) bytes and not blank")
        }
        let bytes = text.utf8.count
        guard bytes <= limits.maximumDocumentBytes else {
            throw KnowledgeError(
                code: .documentTooLarge,
                message: "the document has \(bytes) bytes; the limit is \(limits.maximumDocumentBytes)", detail: name)
        }
        var body = text[...]
        if body.first == "\u{FEFF}" { body = body.dropFirst() }
        let lines = body.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(String.init)
        let splitter = SectionSplitter(format: format, maximumSections: limits.maximumSections)
        let sections = try splitter.sections(of: lines)
        let builder = ChunkBuilder(
            chunkCharacters: configuration.chunkCharacters, overlapCharacters: configuration.chunkOverlapCharacters,
            maximumChunks: limits.maximumChunksPerDocument)
        self.name = name
        self.text = text
        self.format = format
        self.lines = lines
        self.limits = limits
        self.sections = sections
        self.chunks = try builder.chunks(lines: lines, sections: sections)
    }

    /// The section that covers error code `code`, or `nil` when the document has none.
    ///
    /// The code is data: any code string works, and it matches only as a whole word, ignoring case, so
    /// `E1` does not find `E10` or `E12`. A heading that names the code wins (one naming it alone over one
    /// naming several, `## Error Code: E1` over `# Codes E1–E3`); then a table row with the code in a cell;
    /// then a heading-like line naming the code in a section's first lines (`Code: ERR-104`) or anywhere
    /// in a body (`Fault E1`, `E1 – High temperature`). A code that is blank, longer than
    /// ``KnowledgeLimits/maximumCodeBytes`` or not a single word finds nothing.
    public func section(forCode code: String) -> CodeSection? {
        CodeSectionFinder(document: self).find(code)?.section
    }
}

extension KnowledgeDocument: Equatable {
    /// Documents are equal when their names, formats and texts are.
    public static func == (lhs: KnowledgeDocument, rhs: KnowledgeDocument) -> Bool {
        lhs.name == rhs.name && lhs.format == rhs.format && lhs.text == rhs.text
    }
}
