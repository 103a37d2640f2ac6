/// The text formats a knowledge document can be written in. Word and PDF files are not read here: the
/// app extracts their text first and hands it over as ``plainText``.
public enum KnowledgeFormat: String, Sendable, Hashable, CaseIterable {
    /// CommonMark-style Markdown: ATX (`#` … `######`) and setext (`===` / `---`) headings, fenced code
    /// blocks, lists and pipe tables.
    case markdown
    /// Plain text, such as text extracted from a `.docx` or PDF file. Headings are recognised by their
    /// shape: underlined lines, `#` lines, all-capital lines, short lines ending with `:`, numbered
    /// headings such as `2.1 Faults` and short lines standing alone between blank lines.
    case plainText = "text"

    /// The format for a file name by its extension, case-insensitively: `.md`, `.markdown`, `.mdown` and
    /// `.mkd` are Markdown; `.txt` and `.text` are plain text. Any other name, `.docx` and `.pdf` among
    /// them, gives `nil`: such files need their text extracted by the app first.
    public init?(fileName: String) {
        guard let dot = fileName.lastIndex(of: "."), dot != fileName.startIndex else { return nil }
        switch fileName[fileName.index(after: dot)...].lowercased() {
        case "md", "markdown", "mdown", "mkd": self = .markdown
        case "txt", "text": self = .plainText
        default: return nil
        }
    }
}
