/// Names one search chunk: its document and its position in that document. Stable while the
/// document is unchanged, so that embeddings computed for a chunk can be stored under it.
public struct ChunkID: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The document the chunk is in.
    public var documentName: String
    /// The chunk's position in its document, from 0.
    public var ordinal: Int

    /// The chunk at `ordinal` of the document `documentName`.
    public init(documentName: String, ordinal: Int) {
        self.documentName = documentName
        self.ordinal = ordinal
    }

    /// `name#ordinal`.
    public var description: String { "\(documentName)#\(ordinal)" }

    /// Orders by document name, then position.
    public static func < (lhs: ChunkID, rhs: ChunkID) -> Bool {
        (lhs.documentName, lhs.ordinal) < (rhs.documentName, rhs.ordinal)
    }
}
