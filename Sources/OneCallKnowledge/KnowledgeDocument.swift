/// A document of the knowledge base as text: a troubleshooting guide, a manual, a runbook.
public struct KnowledgeDocument: Sendable, Hashable {
    /// The name it is known by, unique in an index (usually the file name).
    public var name: String
    /// The text; converted documents (Word, PDF) use Markdown headings where the source had them.
    public var text: String
    /// The format the text came from.
    public var format: KnowledgeFormat

    /// A document called `name` with `text` in `format`.
    public init(name: String, text: String, format: KnowledgeFormat = .markdown) {
        self.name = name
        self.text = text
        self.format = format
    }
}
