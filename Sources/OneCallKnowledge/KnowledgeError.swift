/// Why a document could not be read or converted. `description` is safe to show; `debugDescription`
/// adds the converter's own output, which may quote the document.
public struct KnowledgeError: Error, Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    /// What kind of problem it is.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// The file name has no extension that a converter reads.
        case unsupportedFormat = "unsupported_format"
        /// A text document is not valid UTF-8 or looks binary.
        case invalidText = "invalid_text"
        /// The document or its converted text is over a limit.
        case tooLarge = "too_large"
        /// The bytes are not what the extension says (a corrupt .docx, a .pdf that is no PDF).
        case invalidDocument = "invalid_document"
        /// The external converter (`unzip`, `pdftotext`) is not installed.
        case converterMissing = "converter_missing"
        /// The converter ran and failed.
        case converterFailed = "converter_failed"
        /// The converter ran longer than the time limit and was killed.
        case converterTimedOut = "converter_timed_out"
    }

    /// What kind of problem it is.
    public var code: Code
    /// What went wrong, without document content.
    public var message: String
    /// Extra detail for logs at debug level (the converter's standard error, for instance).
    public var detail: String

    /// An error with a safe `message` and optional debug `detail`.
    public init(code: Code, message: String, detail: String = "") {
        self.code = code
        self.message = message
        self.detail = detail
    }

    /// The safe message.
    public var description: String { message }

    /// The message with the detail.
    public var debugDescription: String { detail.isEmpty ? message : "\(message) (\(detail))" }
}
