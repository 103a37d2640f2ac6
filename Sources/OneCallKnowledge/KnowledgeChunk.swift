/// A piece of one section's text, the unit that search ranks.
public struct KnowledgeChunk: Sendable, Hashable {
    /// The index of its section in ``KnowledgeDocument/sections``.
    public var sectionIndex: Int
    /// The headings from the outermost section down to its own (empty headings left out). They are
    /// indexed with the text, so that a search for `E3` finds the chunks under `## Error Code: E3`.
    public var headingPath: [String]
    /// The text: whole paragraphs where they fit, preceded by the end of the previous chunk of the same
    /// section when there is one.
    public var text: String
    /// The lines the chunk's own text comes from, counted from 1.
    public var lineRange: ClosedRange<Int>

    /// Its section's heading; empty for the text before the first heading.
    public var sectionHeading: String {
        headingPath.last ?? ""
    }
}
