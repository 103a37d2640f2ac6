/// Bounds that documents, the index and queries stay within. Input over a bound is refused with a
/// ``KnowledgeError`` before anything large is allocated for it.
public struct KnowledgeLimits: Sendable, Hashable {
    /// The longest document text accepted, in UTF-8 bytes. Default 10 MiB: a long manual as text.
    public var maximumDocumentBytes: Int
    /// The longest document name accepted, in UTF-8 bytes. Default 1,024.
    public var maximumNameBytes: Int
    /// The most sections (headings, plus the text before the first one) a document may have.
    /// Default 10,000.
    public var maximumSections: Int
    /// The most search chunks one document may give. Default 50,000, well above the ~15,000 that a
    /// 10 MiB document of prose gives with the default chunk size.
    public var maximumChunksPerDocument: Int
    /// The most documents one index may hold. Default 1,000.
    public var maximumDocuments: Int
    /// The most chunks one index may hold over all its documents. Default 500,000.
    public var maximumIndexedChunks: Int
    /// The longest search query accepted, in UTF-8 bytes. Default 4 KiB.
    public var maximumQueryBytes: Int
    /// The most hits one search returns; a larger `limit` is lowered to this. Default 100.
    public var maximumResults: Int
    /// The longest error code looked up, in UTF-8 bytes; a longer code finds no section. Default 64.
    public var maximumCodeBytes: Int

    /// Creates limits; every argument has the default that ``default`` uses.
    public init(
        maximumDocumentBytes: Int = 10 * 1024 * 1024, maximumNameBytes: Int = 1024, maximumSections: Int = 10_000,
        maximumChunksPerDocument: Int = 50_000, maximumDocuments: Int = 1000, maximumIndexedChunks: Int = 500_000,
        maximumQueryBytes: Int = 4096, maximumResults: Int = 100, maximumCodeBytes: Int = 64
    ) {
        self.maximumDocumentBytes = maximumDocumentBytes
        self.maximumNameBytes = maximumNameBytes
        self.maximumSections = maximumSections
        self.maximumChunksPerDocument = maximumChunksPerDocument
        self.maximumDocuments = maximumDocuments
        self.maximumIndexedChunks = maximumIndexedChunks
        self.maximumQueryBytes = maximumQueryBytes
        self.maximumResults = maximumResults
        self.maximumCodeBytes = maximumCodeBytes
    }

    /// 10 MiB documents, 10,000 sections and 50,000 chunks each, 1,000 documents and 500,000 chunks per
    /// index, 4 KiB queries, 100 hits and 64-byte codes.
    public static let `default` = KnowledgeLimits()
}
