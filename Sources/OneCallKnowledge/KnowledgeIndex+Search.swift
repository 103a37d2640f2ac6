import Foundation

extension KnowledgeIndex {
    /// BM25's term-frequency saturation.
    static let k1: Float = 1.2
    /// BM25's length normalisation.
    static let b: Float = 0.75

    /// The chunks that best match `query` by BM25 over code-aware terms, best first.
    public func search(_ query: String, limit: Int = 10) -> [KnowledgeHit] {
        let ranked = rankedChunks(query)
        return ranked.prefix(max(limit, 0)).map { hit(at: Int($0.position), score: Double($0.score)) }
    }

    /// The chunks that best match `query`, fusing the BM25 ranking with `semanticRanking` (chunk ids,
    /// best first, from an embeddings search) by reciprocal rank: each list adds `1 / (k + rank)`.
    /// Ids that are not in the index are ignored.
    public func search(
        _ query: String, limit: Int = 10, semanticRanking: [ChunkID], rankConstant: Double = 60
    ) -> [KnowledgeHit] {
        var fused: [Int32: Double] = [:]
        for (rank, entry) in rankedChunks(query).enumerated() {
            fused[entry.position, default: 0] += 1 / (rankConstant + Double(rank + 1))
        }
        var rank = 0
        var seen: Set<Int32> = []
        for id in semanticRanking {
            guard let position = chunkPositions[id], seen.insert(position).inserted else { continue }
            rank += 1
            fused[position, default: 0] += 1 / (rankConstant + Double(rank))
        }
        return fused.sorted { ($0.value, $1.key) > ($1.value, $0.key) }
            .prefix(max(limit, 0))
            .map { hit(at: Int($0.key), score: $0.value) }
    }

    private func hit(at position: Int, score: Double) -> KnowledgeHit {
        let chunk = chunk(at: position)
        return KnowledgeHit(chunkID: chunk.id, sectionTitle: chunk.sectionTitle, text: chunk.text, score: score)
    }

    /// Every chunk that shares a term with `query`, by BM25 score, best first (ties in index order).
    func rankedChunks(_ query: String) -> [(position: Int32, score: Float)] {
        guard !references.isEmpty else { return [] }
        var terms = KnowledgeTokenizer.searchTerms(in: query)
        var unique: Set<String> = []
        terms.removeAll { !unique.insert($0).inserted }
        let count = Float(references.count)
        var scores: [Float] = []
        var touched: [Int32] = []
        for term in terms {
            guard let list = postings[term] else { continue }
            if scores.isEmpty { scores = [Float](repeating: 0, count: references.count) }
            let frequency = Float(list.count)
            let idf = Foundation.log(1 + (count - frequency + 0.5) / (frequency + 0.5))
            for posting in list {
                let position = Int(posting.chunk)
                let tf = Float(posting.count)
                let norm =
                    tf * (Self.k1 + 1) / (tf + Self.k1 * (1 - Self.b + Self.b * lengths[position] / averageLength))
                if scores[position] == 0 { touched.append(posting.chunk) }
                scores[position] += idf * norm
            }
        }
        var ranked = touched.map { (position: $0, score: scores[Int($0)]) }
        ranked.sort { ($0.score, $1.position) > ($1.score, $0.position) }
        return ranked
    }
}
