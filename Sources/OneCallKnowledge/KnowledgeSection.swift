/// One section of a document: a heading and the text up to the next heading. The text before the first
/// heading, if any, is a section with an empty heading and level 0.
public struct KnowledgeSection: Sendable, Hashable {
    /// The heading text without its markup (`#`s, underline, trailing `:` of a plain-text label heading).
    public var heading: String
    /// 1 to 6 for Markdown headings; for plain text, 1 for all-capital and `=`-underlined headings, 2 for
    /// `-`-underlined and stand-alone lines, 3 for label lines ending with `:`, and the depth of a numbered
    /// heading (`2.1` is 2). 0 for the text before the first heading.
    public var level: Int
    /// The section's own text, without the heading and without its subsections, blank lines at either
    /// end removed; list markers and other markup are kept.
    public var body: String
    /// The lines the section covers, counted from 1: from the heading to the last non-blank line before
    /// the next heading.
    public var lineRange: ClosedRange<Int>

    /// The heading's lines in the document (0-based; empty for level 0).
    var headingLines: Range<Int>
    /// The body's lines in the document (0-based), up to the next heading.
    var bodyLines: Range<Int>
}
