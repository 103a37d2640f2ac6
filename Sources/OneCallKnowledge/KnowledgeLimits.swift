/// Bounds on what the knowledge base reads, converts and indexes.
public struct KnowledgeLimits: Sendable, Hashable {
    /// The largest source file accepted, in bytes. Default 10 MiB.
    public var maximumDocumentBytes: Int
    /// The largest text a document may become, in UTF-8 bytes. Default 10 MiB.
    public var maximumTextBytes: Int
    /// The most output read from a converter process (for `.docx`, the XML that becomes the text).
    /// Default 64 MiB.
    public var maximumConverterOutputBytes: Int
    /// How long a converter process may run before it is killed, in seconds. Default 30.
    public var converterTimeout: Double
    /// The target size of a search chunk, in characters. Default 1,000.
    public var chunkCharacters: Int

    /// Limits, by default 10 MiB documents and text, 64 MiB converter output, 30 s, 1,000-character chunks.
    public init(
        maximumDocumentBytes: Int = 10 << 20, maximumTextBytes: Int = 10 << 20,
        maximumConverterOutputBytes: Int = 64 << 20, converterTimeout: Double = 30, chunkCharacters: Int = 1_000
    ) {
        self.maximumDocumentBytes = maximumDocumentBytes
        self.maximumTextBytes = maximumTextBytes
        self.maximumConverterOutputBytes = maximumConverterOutputBytes
        self.converterTimeout = converterTimeout
        self.chunkCharacters = chunkCharacters
    }

    /// The defaults.
    public static let `default` = KnowledgeLimits()
}
