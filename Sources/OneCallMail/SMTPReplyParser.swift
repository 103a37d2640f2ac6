/// Collects reply lines (`250-first`, `250-second`, `250 last`) into ``SMTPReply`` values, checking
/// their syntax (RFC 5321 §4.2) and bounding how many lines one reply may have.
public struct SMTPReplyParser: Sendable {
    /// Why a reply could not be parsed.
    public enum Failure: Error, Sendable, Equatable {
        /// A line is not `code SP text`, `code - text` or `code`, or its code differs from the reply's.
        case malformedLine
        /// The reply has more lines than allowed.
        case tooManyLines
    }

    /// The most lines one reply may have.
    public let maximumLines: Int

    private var code: Int?
    private var lines: [String] = []

    /// Creates a parser for replies of at most `maximumLines` lines.
    public init(maximumLines: Int = 100) {
        precondition(maximumLines > 0, "maximumLines must be positive")
        self.maximumLines = maximumLines
    }

    /// Whether some lines of a multi-line reply have arrived but not its last.
    public var isInsideReply: Bool { code != nil }

    /// Takes one line (without CR LF); returns the reply when this line completes it.
    public mutating func consume(_ line: [UInt8]) throws(Failure) -> SMTPReply? {
        guard line.count >= 3, line[0] >= UInt8(ascii: "2"), line[0] <= UInt8(ascii: "5"),
            line[1] >= UInt8(ascii: "0"), line[1] <= UInt8(ascii: "9"),
            line[2] >= UInt8(ascii: "0"), line[2] <= UInt8(ascii: "9")
        else { throw .malformedLine }
        let lineCode = Int(line[0] - 48) * 100 + Int(line[1] - 48) * 10 + Int(line[2] - 48)
        if let code, code != lineCode { throw .malformedLine }
        let isLast: Bool
        if line.count == 3 {
            isLast = true
        } else if line[3] == UInt8(ascii: " ") {
            isLast = true
        } else if line[3] == UInt8(ascii: "-") {
            isLast = false
        } else {
            throw .malformedLine
        }
        guard lines.count < maximumLines else { throw .tooManyLines }
        lines.append(String(decoding: line.dropFirst(4), as: UTF8.self))
        if isLast {
            let reply = SMTPReply(code: lineCode, lines: lines)
            code = nil
            lines = []
            return reply
        }
        code = lineCode
        return nil
    }
}
