/// Why a NAB run failed: which file (and line, when known) and what was wrong with it.
public struct NABError: Error, CustomStringConvertible, Sendable, Hashable {
    /// The file concerned.
    public var file: String
    /// The 1-based line concerned, or nil when the problem is not about one line.
    public var line: Int?
    /// What was wrong.
    public var reason: String

    /// Creates an error about `file` (and `line`, when given).
    public init(file: String, line: Int? = nil, reason: String) {
        self.file = file
        self.line = line
        self.reason = reason
    }

    /// "FILE:LINE: REASON", or "FILE: REASON" without a line.
    public var description: String {
        if let line { return "\(file):\(line): \(reason)" }
        return "\(file): \(reason)"
    }
}
