import OneCallCore
import OneCallKnowledge

/// Ranks knowledge chunks by embedding similarity to a query, through an OpenAI-compatible
/// `/v1/embeddings` endpoint, so that search can fuse meaning with BM25. Chunk embeddings are
/// computed once per version of the knowledge base; only the query is embedded per search.
public actor SemanticRanker {
    /// The most chunks embedded; beyond this, search stays lexical.
    public static let maximumChunks = 20_000

    private let client: OpenAIClient
    private var cache: (generation: Int, ids: [ChunkID], vectors: [[Float]])?

    public init(client: OpenAIClient) {
        self.client = client
    }

    /// The chunks of `index`, most similar to `query` first; `generation` identifies the index's
    /// version (the library's), so unchanged documents are not embedded again.
    public func ranking(query: String, index: KnowledgeIndex, generation: Int) async throws -> [ChunkID] {
        let chunks = index.chunks
        guard !chunks.isEmpty, chunks.count <= Self.maximumChunks else { return [] }
        if cache?.generation != generation || cache?.ids.count != chunks.count {
            var vectors: [[Float]] = []
            let batch = max(1, client.configuration.maximumEmbeddingInputs)
            var start = 0
            while start < chunks.count {
                let slice = chunks[start..<min(start + batch, chunks.count)]
                vectors += try await client.embeddings(slice.map(\.contextualText))
                start += batch
            }
            cache = (generation, chunks.map(\.id), vectors)
        }
        guard let cache, let queryVector = try await client.embeddings([query]).first else { return [] }
        let scored = zip(cache.ids, cache.vectors).map { ($0, Self.cosine($1, queryVector)) }
        return scored.sorted { $0.1 > $1.1 }.map(\.0)
    }

    static func cosine(_ a: [Float], _ b: [Float]) -> Float {
        guard a.count == b.count, !a.isEmpty else { return -1 }
        var dot: Float = 0
        var normA: Float = 0
        var normB: Float = 0
        for i in a.indices {
            dot += a[i] * b[i]
            normA += a[i] * a[i]
            normB += b[i] * b[i]
        }
        guard normA > 0, normB > 0 else { return -1 }
        return dot / (normA.squareRoot() * normB.squareRoot())
    }
}
