/// A complete SMTP reply (RFC 5321 §4.2): a three-digit code and one or more lines of text.
public struct SMTPReply: Sendable, Hashable, CustomStringConvertible {
    /// The reply code, 200 through 599.
    public var code: Int
    /// The text of each line, after the code and its separator.
    public var lines: [String]

    /// Creates a reply.
    public init(code: Int, lines: [String]) {
        self.code = code
        self.lines = lines.isEmpty ? [""] : lines
    }

    /// Creates a one-line reply.
    public init(_ code: Int, _ text: String) {
        self.init(code: code, lines: [text])
    }

    /// 2yz: the command was accepted.
    public var isPositiveCompletion: Bool { (200..<300).contains(code) }
    /// 3yz: the server waits for more (a message after DATA, a SASL response after AUTH).
    public var isPositiveIntermediate: Bool { (300..<400).contains(code) }
    /// 4yz: refused for now; the same command may succeed later.
    public var isTransientFailure: Bool { (400..<500).contains(code) }
    /// 5yz: refused; repeating the command will not help.
    public var isPermanentFailure: Bool { (500..<600).contains(code) }

    /// The text of all lines joined by spaces.
    public var text: String { lines.joined(separator: " ") }

    /// The reply as the server sent it, lines separated by `\n`, e.g. `250 OK queued as X`.
    public var description: String {
        lines.enumerated().map { index, line in
            "\(code)\(index == lines.count - 1 ? " " : "-")\(line)"
        }.joined(separator: "\n")
    }

    /// The reply in wire format, each line ended by CR LF.
    public var wireFormat: String {
        lines.enumerated().map { index, line in
            "\(code)\(index == lines.count - 1 ? " " : "-")\(line)\r\n"
        }.joined()
    }
}
