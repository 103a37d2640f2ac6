/// Why the knowledge base refused a document, a query or a configuration.
///
/// `description` is safe to show and to log: it names the bound and the size, never document text.
/// `debugDescription` adds ``detail``, which may quote a document name, for debug-level logs only.
public struct KnowledgeError: Error, Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The kinds of refusal.
    public enum Code: String, Sendable, Hashable {
        /// The document name is empty or longer than ``KnowledgeLimits/maximumNameBytes``.
        case invalidName = "invalid_name"
        /// The document text is longer than ``KnowledgeLimits/maximumDocumentBytes``.
        case documentTooLarge = "document_too_large"
        /// The document has more sections than ``KnowledgeLimits/maximumSections``.
        case tooManySections = "too_many_sections"
        /// The document gives more chunks than ``KnowledgeLimits/maximumChunksPerDocument``.
        case tooManyChunks = "too_many_chunks"
        /// The index already holds ``KnowledgeLimits/maximumDocuments`` documents.
        case tooManyDocuments = "too_many_documents"
        /// Adding the document would take the index over ``KnowledgeLimits/maximumIndexedChunks``.
        case indexFull = "index_full"
        /// The search query is longer than ``KnowledgeLimits/maximumQueryBytes``.
        case queryTooLong = "query_too_long"
        /// A ``KnowledgeConfiguration`` value is out of range.
        case invalidConfiguration = "invalid_configuration"
    }

    /// What kind of refusal it is.
    public var code: Code
    /// What is wrong, for a person; safe to show and to log.
    public var message: String
    /// More about it for debug-level logs only (it may name a document).
    public var detail: String?

    /// Creates an error.
    public init(code: Code, message: String, detail: String? = nil) {
        self.code = code
        self.message = message
        self.detail = detail
    }

    /// The code and the message, such as `document_too_large: the document has 12582912 bytes; the limit
    /// is 10485760`.
    public var description: String { "\(code.rawValue): \(message)" }

    /// The description with the detail.
    public var debugDescription: String {
        guard let detail else { return description }
        return "\(description) (\(detail))"
    }
}
