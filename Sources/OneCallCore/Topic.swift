/// MQTT topic names and topic filters: validation and matching (MQTT 3.1.1 §4.7, MQTT 5.0 §4.7).
///
/// A topic *name* is what a message is published to; it has no wildcards. A topic *filter* is what a
/// subscription matches; `+` matches one level and `#` (last only) matches any number of levels,
/// including none. Topics that start with `$` are not matched by a filter whose first level is a
/// wildcard.
public enum Topic {
    /// The longest topic the protocol can carry (a two-byte length prefix).
    public static let maximumLength = 65_535

    /// Checks that `name` may be published to.
    public static func validateName(_ name: String) throws(TopicError) {
        if name.isEmpty { throw TopicError(code: .empty) }
        if name.utf8.count > maximumLength { throw TopicError(code: .tooLong) }
        for byte in name.utf8 {
            switch byte {
            case UInt8(ascii: "+"), UInt8(ascii: "#"): throw TopicError(code: .wildcardInName)
            case 0: throw TopicError(code: .nullCharacter)
            default: continue
            }
        }
    }

    /// Checks that `filter` may be subscribed to (without a `$share/` prefix; see ``SharedFilter``).
    public static func validateFilter(_ filter: String) throws(TopicError) {
        if filter.isEmpty { throw TopicError(code: .empty) }
        if filter.utf8.count > maximumLength { throw TopicError(code: .tooLong) }
        var levelStart = true
        var previous: UInt8 = 0
        var sawMultiLevel = false
        for byte in filter.utf8 {
            if sawMultiLevel { throw TopicError(code: .misplacedWildcard) }
            switch byte {
            case 0:
                throw TopicError(code: .nullCharacter)
            case UInt8(ascii: "/"):
                levelStart = true
                previous = byte
                continue
            case UInt8(ascii: "+"):
                if !levelStart { throw TopicError(code: .misplacedWildcard) }
            case UInt8(ascii: "#"):
                if !levelStart { throw TopicError(code: .misplacedWildcard) }
                sawMultiLevel = true
            default:
                if previous == UInt8(ascii: "+") { throw TopicError(code: .misplacedWildcard) }
            }
            levelStart = false
            previous = byte
        }
    }

    /// Whether `filter` contains a wildcard.
    public static func hasWildcard(_ filter: String) -> Bool {
        filter.utf8.contains(UInt8(ascii: "+")) || filter.utf8.contains(UInt8(ascii: "#"))
    }

    /// Whether the valid filter `filter` matches the valid topic name `name`.
    public static func matches(filter: String, name: String) -> Bool {
        // Walks both strings level by level without allocating: this runs for every rule and ACL
        // entry on every message.
        let slash = UInt8(ascii: "/")
        let filterBytes = filter.utf8
        let nameBytes = name.utf8
        if nameBytes.first == UInt8(ascii: "$"),
            filterBytes.first == UInt8(ascii: "+") || filterBytes.first == UInt8(ascii: "#")
        {
            return false
        }
        var filterStart = filterBytes.startIndex
        var nameStart = nameBytes.startIndex
        var nameExhausted = false
        while true {
            let filterEnd = filterBytes[filterStart...].firstIndex(of: slash) ?? filterBytes.endIndex
            let level = filterBytes[filterStart..<filterEnd]
            let isMulti = level.count == 1 && level.first == UInt8(ascii: "#")
            if isMulti { return true }
            if nameExhausted { return false }
            let nameEnd = nameBytes[nameStart...].firstIndex(of: slash) ?? nameBytes.endIndex
            let isSingle = level.count == 1 && level.first == UInt8(ascii: "+")
            if !isSingle && !level.elementsEqual(nameBytes[nameStart..<nameEnd]) { return false }
            if filterEnd == filterBytes.endIndex { return nameEnd == nameBytes.endIndex }
            filterStart = filterBytes.index(after: filterEnd)
            if nameEnd == nameBytes.endIndex {
                nameExhausted = true
            } else {
                nameStart = nameBytes.index(after: nameEnd)
            }
        }
    }

    /// The levels of a topic, split at `/`; empty levels are kept.
    public static func levels(_ topic: String) -> [Substring] {
        topic.split(separator: "/", omittingEmptySubsequences: false)
    }
}

/// A subscription filter, possibly shared: `$share/{group}/{filter}` (MQTT 5.0 §4.8.2).
public struct SharedFilter: Hashable, Sendable {
    /// The share group, or `nil` for an ordinary subscription.
    public var group: String?
    /// The topic filter that is matched against topic names.
    public var filter: String

    /// Parses and validates a subscription filter as sent by a client.
    public init(parsing text: String) throws(TopicError) {
        if text.hasPrefix("$share/") {
            let rest = text.dropFirst("$share/".count)
            guard let slash = rest.firstIndex(of: "/") else { throw TopicError(code: .invalidShare) }
            let group = String(rest[..<slash])
            let filter = String(rest[rest.index(after: slash)...])
            if group.isEmpty || group.contains("+") || group.contains("#") {
                throw TopicError(code: .invalidShare)
            }
            try Topic.validateFilter(filter)
            self.group = group
            self.filter = filter
        } else {
            try Topic.validateFilter(text)
            self.group = nil
            self.filter = text
        }
    }

    /// The filter as a client writes it.
    public var text: String {
        if let group { return "$share/\(group)/\(filter)" }
        return filter
    }
}

/// Why a topic name or filter is not valid.
public struct TopicError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kinds of invalid topic.
    public enum Code: String, Sendable {
        case empty, tooLong, wildcardInName, nullCharacter, misplacedWildcard, invalidShare
    }

    /// What is wrong.
    public var code: Code

    /// Creates an error with a code.
    public init(code: Code) { self.code = code }

    public var description: String {
        switch code {
        case .empty: "topic is empty"
        case .tooLong: "topic is longer than 65535 bytes"
        case .wildcardInName: "topic name contains a wildcard"
        case .nullCharacter: "topic contains U+0000"
        case .misplacedWildcard: "wildcard is not a whole level, or '#' is not last"
        case .invalidShare: "shared subscription is not $share/{group}/{filter}"
        }
    }
}
