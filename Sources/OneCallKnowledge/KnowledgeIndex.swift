/// The knowledge base in memory: documents split into sections and chunks, a BM25 index over the
/// chunks, and the lookup of the section that covers an error code. A value type, cheap to rebuild
/// from its documents; keep it in an actor or pass copies.
public struct KnowledgeIndex: Sendable {
    /// Limits on chunk size.
    public let limits: KnowledgeLimits
    /// The field names used to tell a label from a heading and to find code fields.
    public let fieldVocabulary: SectionFieldVocabulary

    struct Entry: Sendable {
        var document: KnowledgeDocument
        var outline: DocumentOutline
        var chunks: [KnowledgeChunk]
        /// The heading each chunk is under (`nil` before the first heading).
        var chunkHeadings: [Int?]
        var chunkTerms: [[TermCount]]
        var chunkLengths: [Int]
    }

    struct TermCount: Sendable {
        var term: String
        var count: Int32
    }

    struct Posting: Sendable {
        var chunk: Int32
        var count: Int32
    }

    struct ChunkReference: Sendable {
        var entry: Int32
        var chunk: Int32
    }

    /// In the order added; a replaced document moves to the end (the most recent).
    var entries: [Entry] = []
    var references: [ChunkReference] = []
    var lengths: [Float] = []
    var averageLength: Float = 1
    var postings: [String: [Posting]] = [:]
    var chunkPositions: [ChunkID: Int32] = [:]

    /// An empty index.
    public init(limits: KnowledgeLimits = .default, fieldVocabulary: SectionFieldVocabulary = .standard) {
        self.limits = limits
        self.fieldVocabulary = fieldVocabulary
    }

    /// An index of `documents`, built once; a later document with the same name replaces an earlier one.
    public init(
        documents: [KnowledgeDocument], limits: KnowledgeLimits = .default,
        fieldVocabulary: SectionFieldVocabulary = .standard
    ) {
        self.init(limits: limits, fieldVocabulary: fieldVocabulary)
        add(contentsOf: documents)
    }

    /// The documents, oldest first.
    public var documents: [KnowledgeDocument] { entries.map(\.document) }

    /// The document called `name`.
    public func document(named name: String) -> KnowledgeDocument? {
        entries.first { $0.document.name == name }?.document
    }

    /// Adds `document`, replacing a document of the same name; it becomes the most recent.
    public mutating func add(_ document: KnowledgeDocument) {
        add(contentsOf: [document])
    }

    /// Adds `documents` in order, as `add(_:)` does, and rebuilds the search index once.
    public mutating func add(contentsOf documents: [KnowledgeDocument]) {
        for document in documents {
            entries.removeAll { $0.document.name == document.name }
            entries.append(makeEntry(document))
        }
        rebuild()
    }

    /// Removes the document called `name` and returns it, or `nil` when there is none.
    @discardableResult
    public mutating func remove(named name: String) -> KnowledgeDocument? {
        guard let position = entries.firstIndex(where: { $0.document.name == name }) else { return nil }
        let removed = entries.remove(at: position)
        rebuild()
        return removed.document
    }

    /// Every chunk, document by document (oldest first), in document order.
    public var chunks: [KnowledgeChunk] { entries.flatMap(\.chunks) }

    /// The number of chunks.
    public var chunkCount: Int { references.count }

    /// The chunk `id`, if it exists.
    public func chunk(_ id: ChunkID) -> KnowledgeChunk? {
        chunkPositions[id].map { chunk(at: Int($0)) }
    }

    /// The sections of the document called `name`, in document order (text before the first heading,
    /// when there is any, first). Each section includes its sub-sections.
    public func sections(inDocument name: String) -> [KnowledgeSection] {
        guard let entry = entries.firstIndex(where: { $0.document.name == name }) else { return [] }
        let outline = entries[entry].outline
        var result: [KnowledgeSection] = []
        if outline.preamble.contains(where: { !outline.blank[$0] }) {
            result.append(section(entry: entry, heading: nil))
        }
        for heading in outline.headings.indices { result.append(section(entry: entry, heading: heading)) }
        return result
    }

    // MARK: - Building

    private func makeEntry(_ document: KnowledgeDocument) -> Entry {
        let outline = DocumentOutline(text: document.text, format: document.format, vocabulary: fieldVocabulary)
        var entry = Entry(
            document: document, outline: outline, chunks: [], chunkHeadings: [], chunkTerms: [], chunkLengths: [])
        func addChunks(_ range: Range<Int>, heading: Int?) {
            let title = heading.map { outline.headings[$0].title } ?? ""
            let path = heading.map { outline.path(of: $0) } ?? []
            let titleTerms = path.flatMap { KnowledgeTokenizer.searchTerms(in: $0) }
            for text in SectionChunker.chunks(of: outline, lines: range, limit: limits.chunkCharacters) {
                let id = ChunkID(documentName: document.name, ordinal: entry.chunks.count)
                entry.chunks.append(KnowledgeChunk(id: id, sectionTitle: title, sectionPath: path, text: text))
                entry.chunkHeadings.append(heading)
                let terms = titleTerms + KnowledgeTokenizer.searchTerms(in: text)
                var counts: [String: Int32] = [:]
                for term in terms { counts[term, default: 0] += 1 }
                entry.chunkTerms.append(counts.map { TermCount(term: $0.key, count: $0.value) })
                entry.chunkLengths.append(terms.count)
            }
        }
        addChunks(outline.preamble, heading: nil)
        for (index, heading) in outline.headings.enumerated() {
            let own = (heading.line + 1)..<heading.end
            if own.contains(where: { !outline.blank[$0] }) {
                addChunks(own, heading: index)
            } else if heading.coverEnd == heading.end {
                // A heading with nothing under it is still found by its title.
                let id = ChunkID(documentName: document.name, ordinal: entry.chunks.count)
                let path = outline.path(of: index)
                entry.chunks.append(KnowledgeChunk(id: id, sectionTitle: heading.title, sectionPath: path, text: ""))
                entry.chunkHeadings.append(index)
                let terms = path.flatMap { KnowledgeTokenizer.searchTerms(in: $0) }
                var counts: [String: Int32] = [:]
                for term in terms { counts[term, default: 0] += 1 }
                entry.chunkTerms.append(counts.map { TermCount(term: $0.key, count: $0.value) })
                entry.chunkLengths.append(terms.count)
            }
        }
        return entry
    }

    private mutating func rebuild() {
        references.removeAll(keepingCapacity: true)
        lengths.removeAll(keepingCapacity: true)
        chunkPositions.removeAll(keepingCapacity: true)
        postings.removeAll(keepingCapacity: true)
        var total: Float = 0
        for (entryIndex, entry) in entries.enumerated() {
            for chunkIndex in entry.chunks.indices {
                let position = Int32(references.count)
                references.append(ChunkReference(entry: Int32(entryIndex), chunk: Int32(chunkIndex)))
                let length = Float(entry.chunkLengths[chunkIndex])
                lengths.append(length)
                total += length
                chunkPositions[entry.chunks[chunkIndex].id] = position
                for term in entry.chunkTerms[chunkIndex] {
                    postings[term.term, default: []].append(Posting(chunk: position, count: term.count))
                }
            }
        }
        averageLength = references.isEmpty ? 1 : max(total / Float(references.count), 1)
    }

    func chunk(at position: Int) -> KnowledgeChunk {
        let reference = references[position]
        return entries[Int(reference.entry)].chunks[Int(reference.chunk)]
    }

    /// The section under `heading` of entry `entry` (with its sub-sections, up to one that names
    /// another code when `endsAtOtherCodes`), or the text before the first heading.
    func section(entry: Int, heading: Int?, endsAtOtherCodes: Bool = false) -> KnowledgeSection {
        let outline = entries[entry].outline
        let start: Int
        let end: Int
        let title: String
        let level: Int
        if let heading {
            start = outline.headings[heading].line
            end = endsAtOtherCodes ? outline.codeSectionEnd(of: heading) : outline.headings[heading].coverEnd
            title = outline.headings[heading].title
            level = outline.headings[heading].level
        } else {
            start = 0
            end = outline.preamble.upperBound
            title = ""
            level = 0
        }
        let bodyStart = heading == nil ? start : start + 1
        var textEnd = end
        while textEnd > bodyStart, outline.blank[textEnd - 1] { textEnd -= 1 }
        var bodyBegin = bodyStart
        while bodyBegin < textEnd, outline.blank[bodyBegin] { bodyBegin += 1 }
        let fields = SectionFieldParser(outline: outline, vocabulary: fieldVocabulary).fields(in: bodyStart..<end)
        return KnowledgeSection(
            documentName: entries[entry].document.name, title: title, level: level,
            path: heading.map { outline.path(of: $0) } ?? [],
            text: outline.lines[start..<max(textEnd, bodyStart)].joined(separator: "\n"),
            body: outline.lines[bodyBegin..<textEnd].joined(separator: "\n"), fields: fields)
    }
}
