/// A bounded piece of a section, the unit that search ranks (and that embeddings are computed for).
public struct KnowledgeChunk: Sendable, Hashable {
    /// Which chunk this is.
    public var id: ChunkID
    /// The title of the section the chunk is in; empty before the first heading.
    public var sectionTitle: String
    /// The titles of the enclosing sections, outermost first.
    public var sectionPath: [String]
    /// The chunk's text, at most about `KnowledgeLimits.chunkCharacters` long.
    public var text: String

    /// A chunk with its place in the document.
    public init(id: ChunkID, sectionTitle: String, sectionPath: [String], text: String) {
        self.id = id
        self.sectionTitle = sectionTitle
        self.sectionPath = sectionPath
        self.text = text
    }

    /// The text with its section titles in front: what to embed, so that a chunk knows its heading.
    public var contextualText: String {
        let titles = sectionPath.filter { !$0.isEmpty }
        return titles.isEmpty ? text : titles.joined(separator: " › ") + "\n\n" + text
    }
}
