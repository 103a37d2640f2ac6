/// The part of a guide that covers one error code, found by ``KnowledgeDocument/section(forCode:)`` or
/// ``KnowledgeIndex/section(forCode:)``: the text that the runbook planner reads.
public struct CodeSection: Sendable, Hashable {
    /// Where the code was named.
    public enum Location: String, Sendable, Hashable {
        /// In a section heading (`## Error Code: E1`); the text is the section with its subsections.
        case heading
        /// In a cell of a table row; the text is the row as `Column: cell` lines.
        case tableRow
        /// In a heading-like line among a section's first lines (`Code: ERR-104` under `## Overheat`) when
        /// no later line of the section names another code the same way; the text is the whole section
        /// with its subsections.
        case firstLines
        /// In a heading-like line of a body (`Fault E2`) that is not ``firstLines``; the text runs from the
        /// line after it to the next line naming another code the same way (`Fault E3`), or to the end of
        /// the section with its subsections.
        case body
    }

    /// The code as it was asked for.
    public var code: String
    /// The name of the document it is in.
    public var documentName: String
    /// The heading that names the code: the section heading, the table cell holding the code, or the line
    /// that names it; for ``Location/firstLines``, the section heading.
    public var heading: String
    /// Where the code was named.
    public var location: Location
    /// The lines the text covers, counted from 1, including the heading line.
    public var lineRange: ClosedRange<Int>
    /// The lines under the heading, subsection headings shown without their markup.
    var lines: [ContentLine]

    /// The text under the heading, subsections included, one line per line.
    public var text: String {
        lines.map(\.text).joined(separator: "\n")
    }
}

/// One line of a ``CodeSection``: text, or the heading of a subsection.
struct ContentLine: Sendable, Hashable {
    var text: String
    var isHeading: Bool
}
