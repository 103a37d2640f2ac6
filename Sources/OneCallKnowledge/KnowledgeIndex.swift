/// The knowledge base: documents by name, searchable with BM25 over their chunks, and the place to look
/// up an error code's section.
///
/// A value type with no I/O; the app keeps one (behind an actor or a lock), adds a document when its
/// file appears or changes and removes it when the file goes.
public struct KnowledgeIndex: Sendable {
    /// What ``add(_:)`` did.
    public enum Change: String, Sendable, Hashable {
        /// The name was new.
        case added
        /// A document of that name was there with other text or format; its chunks were replaced.
        case replaced
        /// A document of that name with the same text and format was there; nothing changed.
        case unchanged
    }

    private struct StoredChunk {
        var document: String
        var chunk: KnowledgeChunk
        var ordinal: Int
        var length: Int
    }

    private struct Entry {
        var document: KnowledgeDocument
        var chunkIDs: [Int]
    }

    /// The bounds and scoring parameters.
    public let configuration: KnowledgeConfiguration
    private var order: [String] = []
    private var entries: [String: Entry] = [:]
    private var chunks: [Int: StoredChunk] = [:]
    private var postings: [String: [Int: Int]] = [:]
    private var totalLength = 0
    private var nextChunkID = 0

    /// An empty index.
    public init(configuration: KnowledgeConfiguration = .default) {
        self.configuration = configuration
    }

    /// The documents in the order they were first added.
    public var documents: [KnowledgeDocument] { order.compactMap { entries[$0]?.document } }

    /// The number of chunks indexed over all documents.
    public var chunkCount: Int { chunks.count }

    /// The document named `name`, if there is one.
    public func document(named name: String) -> KnowledgeDocument? { entries[name]?.document }

    /// Adds `document`, or replaces the document of the same name (keeping its place in ``documents``)
    /// and re-indexes it. Refuses a document that would take the index over
    /// ``KnowledgeLimits/maximumDocuments`` or ``KnowledgeLimits/maximumIndexedChunks``; the index is then
    /// unchanged.
    @discardableResult
    public mutating func add(_ document: KnowledgeDocument) throws(KnowledgeError) -> Change {
        let limits = configuration.limits
        let existing = entries[document.name]
        if let existing, existing.document == document { return .unchanged }
        if existing == nil && entries.count >= limits.maximumDocuments {
            throw KnowledgeError(
                code: .tooManyDocuments, message: "the index already holds \(limits.maximumDocuments) documents",
                detail: document.name)
        }
        let remaining = chunks.count - (existing?.chunkIDs.count ?? 0)
        guard remaining + document.chunks.count <= limits.maximumIndexedChunks else {
            throw KnowledgeError(
                code: .indexFull,
                message:
                    "adding \(document.chunks.count) chunks would take the index over \(limits.maximumIndexedChunks)",
                detail: document.name)
        }
        if existing != nil {
            unindex(document.name)
        } else {
            order.append(document.name)
        }
        var ids: [Int] = []
        ids.reserveCapacity(document.chunks.count)
        for (ordinal, chunk) in document.chunks.enumerated() {
            let id = nextChunkID
            nextChunkID += 1
            let terms = KnowledgeTokenizer.terms(in: (chunk.headingPath + [chunk.text]).joined(separator: "\n"))
            var counts: [String: Int] = [:]
            for term in terms { counts[term, default: 0] += 1 }
            for (term, count) in counts { postings[term, default: [:]][id] = count }
            chunks[id] = StoredChunk(document: document.name, chunk: chunk, ordinal: ordinal, length: terms.count)
            totalLength += terms.count
            ids.append(id)
        }
        entries[document.name] = Entry(document: document, chunkIDs: ids)
        return existing == nil ? .added : .replaced
    }

    /// Removes the document named `name` and its chunks; returns whether there was one.
    @discardableResult
    public mutating func remove(named name: String) -> Bool {
        guard entries[name] != nil else { return false }
        unindex(name)
        entries[name] = nil
        order.removeAll { $0 == name }
        return true
    }

    private mutating func unindex(_ name: String) {
        guard let entry = entries[name] else { return }
        for id in entry.chunkIDs {
            guard let stored = chunks.removeValue(forKey: id) else { continue }
            totalLength -= stored.length
            let terms = Set(
                KnowledgeTokenizer.terms(in: (stored.chunk.headingPath + [stored.chunk.text]).joined(separator: "\n")))
            for term in terms {
                postings[term]?[id] = nil
                if postings[term]?.isEmpty == true { postings[term] = nil }
            }
        }
        entries[name]?.chunkIDs = []
    }

    /// The chunks that best match `query`, best first, at most `limit` of them (and at most
    /// ``KnowledgeLimits/maximumResults``). Ranking is BM25 over the terms of ``KnowledgeTokenizer``;
    /// equal scores keep document and chunk order. A query with no terms finds nothing; one longer than
    /// ``KnowledgeLimits/maximumQueryBytes`` is refused.
    public func search(_ query: String, limit: Int = 10) throws(KnowledgeError) -> [SearchHit] {
        let limits = configuration.limits
        guard query.utf8.count <= limits.maximumQueryBytes else {
            throw KnowledgeError(
                code: .queryTooLong,
                message: "the query has \(query.utf8.count) bytes; the limit is \(limits.maximumQueryBytes)")
        }
        let count = min(limit, limits.maximumResults)
        guard count > 0, !chunks.isEmpty else { return [] }
        var seen: Set<String> = []
        let terms = KnowledgeTokenizer.terms(in: query).filter { seen.insert($0).inserted }
        let scorer = BM25Scorer(k1: configuration.bm25K1, b: configuration.bm25B)
        let averageLength = Double(totalLength) / Double(chunks.count)
        var scores: [Int: Double] = [:]
        for term in terms {
            guard let posting = postings[term] else { continue }
            let idf = scorer.inverseFrequency(chunksWithTerm: posting.count, chunkCount: chunks.count)
            for (id, occurrences) in posting {
                let length = chunks[id]?.length ?? 0
                scores[id, default: 0] +=
                    idf * scorer.termWeight(occurrences: occurrences, length: length, averageLength: averageLength)
            }
        }
        var position: [String: Int] = [:]
        for (index, name) in order.enumerated() { position[name] = index }
        let ranked = scores.compactMap { id, score -> (StoredChunk, Double)? in
            guard score > 0, let stored = chunks[id] else { return nil }
            return (stored, score)
        }.sorted { lhs, rhs in
            if lhs.1 != rhs.1 { return lhs.1 > rhs.1 }
            let left = position[lhs.0.document] ?? 0
            let right = position[rhs.0.document] ?? 0
            return left != right ? left < right : lhs.0.ordinal < rhs.0.ordinal
        }
        return ranked.prefix(count).map { stored, score in
            SearchHit(
                document: stored.document, sectionHeading: stored.chunk.sectionHeading, text: stored.chunk.text,
                lineRange: stored.chunk.lineRange, score: score)
        }
    }

    /// The section that covers error code `code` in any document, or `nil`. Each document is searched as
    /// ``KnowledgeDocument/section(forCode:)`` describes; the best candidate over all documents wins, the
    /// earlier document on a tie.
    public func section(forCode code: String) -> CodeSection? {
        var best: CodeSectionFinder.Found?
        for name in order {
            guard let document = entries[name]?.document,
                let found = CodeSectionFinder(document: document).find(code)
            else { continue }
            if best == nil || best!.rank < found.rank { best = found }
        }
        return best?.section
    }
}
