/// A section of a knowledge document: a heading with the text below it, including its
/// sub-sections, and the labelled fields found in that text.
public struct KnowledgeSection: Sendable, Hashable {
    /// The document it belongs to.
    public var documentName: String
    /// The heading text, without markup ("Error Code: E1"); empty for text before the first heading.
    public var title: String
    /// 1–6 for Markdown and numbered headings, 7 for headings inferred from plain text, 0 for the text
    /// before the first heading, 8 for a table row read as a section.
    public var level: Int
    /// The titles of the enclosing sections, outermost first, ending with this one.
    public var path: [String]
    /// The heading line and everything it governs, as written.
    public var text: String
    /// The text below the heading.
    public var body: String
    /// The labelled fields, in document order.
    public var fields: [KnowledgeField]

    /// A section with its fields already read.
    public init(
        documentName: String, title: String, level: Int, path: [String], text: String, body: String,
        fields: [KnowledgeField]
    ) {
        self.documentName = documentName
        self.title = title
        self.level = level
        self.path = path
        self.text = text
        self.body = body
        self.fields = fields
    }

    /// The level of a table row read as a section.
    public static let tableRowLevel = 8

    /// The fields whose names mean `role` in `vocabulary`, in document order.
    public func fields(_ role: SectionFieldRole, in vocabulary: SectionFieldVocabulary = .standard) -> [KnowledgeField]
    {
        fields.filter { vocabulary.role(forFieldName: $0.name) == role }
    }

    /// The first field whose name means `role` in `vocabulary`.
    public func field(_ role: SectionFieldRole, in vocabulary: SectionFieldVocabulary = .standard) -> KnowledgeField? {
        fields.first { vocabulary.role(forFieldName: $0.name) == role }
    }
}
