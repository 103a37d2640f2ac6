/// The kind of file a knowledge document came from, which decides how its bytes become text.
public enum KnowledgeFormat: String, Sendable, Hashable, CaseIterable {
    /// Markdown (`.md`, `.markdown`).
    case markdown
    /// Plain text (`.txt`).
    case text
    /// A Word (Office Open XML) document.
    case docx
    /// A PDF with a text layer.
    case pdf

    /// The format for a file extension (`md`, `markdown`, `txt`, `text`, `docx`, `pdf`; any case,
    /// with or without the dot), or `nil` for an extension that no converter reads.
    public init?(fileExtension: String) {
        var ext = Substring(fileExtension)
        if ext.hasPrefix(".") { ext = ext.dropFirst() }
        switch ext.lowercased() {
        case "md", "markdown", "mdown", "mkd": self = .markdown
        case "txt", "text": self = .text
        case "docx": self = .docx
        case "pdf": self = .pdf
        default: return nil
        }
    }

    /// The format for a file name from its extension, or `nil` when it has none that a converter reads.
    public init?(fileName: String) {
        guard let dot = fileName.lastIndex(of: "."), dot != fileName.startIndex else { return nil }
        self.init(fileExtension: String(fileName[fileName.index(after: dot)...]))
    }

    /// Whether the source is already text (Markdown or plain text) rather than a container to convert.
    public var isText: Bool { self == .markdown || self == .text }
}
