/// How the knowledge base splits documents into search chunks and scores them, and the bounds it keeps.
/// The defaults suit tests and production alike.
public struct KnowledgeConfiguration: Sendable, Hashable {
    /// Sizes that input is refused beyond.
    public var limits: KnowledgeLimits
    /// The size a chunk is filled up to, in characters, before the next one starts. Default 800.
    public var chunkCharacters: Int
    /// How much of the end of a chunk the next chunk of the same section repeats, in characters, so that a
    /// phrase cut at a chunk boundary is still found. A chunk holds at most `chunkCharacters` plus this.
    /// Default 120; chunks never overlap across sections.
    public var chunkOverlapCharacters: Int
    /// BM25's term-frequency saturation `k1`. Default 1.2.
    public var bm25K1: Double
    /// BM25's length normalisation `b`, from 0 to 1. Default 0.75.
    public var bm25B: Double

    /// Creates a configuration; every argument has the default that ``default`` uses.
    public init(
        limits: KnowledgeLimits = .default, chunkCharacters: Int = 800, chunkOverlapCharacters: Int = 120,
        bm25K1: Double = 1.2, bm25B: Double = 0.75
    ) {
        self.limits = limits
        self.chunkCharacters = chunkCharacters
        self.chunkOverlapCharacters = chunkOverlapCharacters
        self.bm25K1 = bm25K1
        self.bm25B = bm25B
    }

    /// 800-character chunks overlapping by 120, BM25 with k1 = 1.2 and b = 0.75, and the default limits.
    public static let `default` = KnowledgeConfiguration()

    /// Checks every value, naming the first key that is out of range.
    public func validate() throws(KnowledgeError) {
        func refuse(_ key: String, _ reason: String) -> KnowledgeError {
            KnowledgeError(code: .invalidConfiguration, message: "\(key) \(reason)")
        }
        guard chunkCharacters >= 64 && chunkCharacters <= 1_000_000 else {
            throw refuse("chunkCharacters", "must be from 64 to 1000000")
        }
        guard chunkOverlapCharacters >= 0 && chunkOverlapCharacters <= chunkCharacters / 2 else {
            throw refuse("chunkOverlapCharacters", "must be from 0 to half of chunkCharacters")
        }
        guard bm25K1.isFinite && bm25K1 >= 0 else { throw refuse("bm25K1", "must be a finite number >= 0") }
        guard bm25B.isFinite && bm25B >= 0 && bm25B <= 1 else { throw refuse("bm25B", "must be from 0 to 1") }
        let bounds: [(String, Int)] = [
            ("limits.maximumDocumentBytes", limits.maximumDocumentBytes),
            ("limits.maximumNameBytes", limits.maximumNameBytes),
            ("limits.maximumSections", limits.maximumSections),
            ("limits.maximumChunksPerDocument", limits.maximumChunksPerDocument),
            ("limits.maximumDocuments", limits.maximumDocuments),
            ("limits.maximumIndexedChunks", limits.maximumIndexedChunks),
            ("limits.maximumQueryBytes", limits.maximumQueryBytes),
            ("limits.maximumResults", limits.maximumResults),
            ("limits.maximumCodeBytes", limits.maximumCodeBytes),
        ]
        for (key, value) in bounds where value < 1 { throw refuse(key, "must be at least 1") }
    }
}
