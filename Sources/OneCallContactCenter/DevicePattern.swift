/// A glob over device ids: `*` matches any run of characters, `?` one character, everything else itself.
public struct DevicePattern: Sendable, Hashable, CustomStringConvertible {
    /// How specific a pattern is; a more specific pattern wins when several match.
    public enum Specificity: Int, Sendable, Hashable, Comparable {
        /// `*` alone: every device.
        case everything = 0
        /// A glob with wildcards.
        case glob = 1
        /// No wildcards: one device.
        case exact = 2

        /// Orders from least to most specific.
        public static func < (lhs: Specificity, rhs: Specificity) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    /// The longest pattern accepted.
    public static let maximumLength = 256

    /// The pattern as written.
    public let pattern: String
    private let characters: [Character]

    /// A pattern; nil when empty or longer than ``maximumLength``.
    public init?(_ pattern: String) {
        guard !pattern.isEmpty, pattern.count <= Self.maximumLength else { return nil }
        self.pattern = pattern
        self.characters = Array(pattern)
    }

    /// The pattern as written.
    public var description: String { pattern }

    /// How specific the pattern is.
    public var specificity: Specificity {
        if characters.allSatisfy({ $0 == "*" }) { return .everything }
        return characters.contains(where: { $0 == "*" || $0 == "?" }) ? .glob : .exact
    }

    /// The number of literal (non-wildcard) characters, to rank globs of the same specificity.
    public var literalCount: Int { characters.filter { $0 != "*" && $0 != "?" }.count }

    /// Whether `deviceID` matches. Runs in O(pattern × id) time with no backtracking blow-up.
    public func matches(_ deviceID: String) -> Bool {
        let text = Array(deviceID)
        var p = 0
        var t = 0
        var star: Int?
        var resume = 0
        while t < text.count {
            if p < characters.count, characters[p] == "?" || characters[p] == text[t] {
                p += 1
                t += 1
            } else if p < characters.count, characters[p] == "*" {
                star = p
                resume = t
                p += 1
            } else if let star {
                p = star + 1
                resume += 1
                t = resume
            } else {
                return false
            }
        }
        while p < characters.count, characters[p] == "*" { p += 1 }
        return p == characters.count
    }
}
