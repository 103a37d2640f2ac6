/// One search result: a chunk of a section and how well it matches.
public struct SearchHit: Sendable, Hashable {
    /// The name of the document.
    public var document: String
    /// The heading of the chunk's section; empty for the text before the first heading.
    public var sectionHeading: String
    /// The chunk's text.
    public var text: String
    /// The chunk's lines in the document, counted from 1.
    public var lineRange: ClosedRange<Int>
    /// The BM25 score; higher is better. Scores compare within one search only.
    public var score: Double

    /// Creates a hit.
    public init(document: String, sectionHeading: String, text: String, lineRange: ClosedRange<Int>, score: Double) {
        self.document = document
        self.sectionHeading = sectionHeading
        self.text = text
        self.lineRange = lineRange
        self.score = score
    }
}
