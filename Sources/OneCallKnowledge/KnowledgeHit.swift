/// One search result: a chunk, where it is, and its score (BM25, or the fused reciprocal-rank score).
public struct KnowledgeHit: Sendable, Hashable {
    /// The chunk found.
    public var chunkID: ChunkID
    /// The document the chunk is in.
    public var documentName: String { chunkID.documentName }
    /// The title of the chunk's section.
    public var sectionTitle: String
    /// The chunk's text.
    public var text: String
    /// Higher is better; comparable only within one result list.
    public var score: Double

    /// A hit on `chunkID` with `score`.
    public init(chunkID: ChunkID, sectionTitle: String, text: String, score: Double) {
        self.chunkID = chunkID
        self.sectionTitle = sectionTitle
        self.text = text
        self.score = score
    }
}
