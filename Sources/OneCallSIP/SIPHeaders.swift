/// The header fields of a SIP message, in order, with names compared case-insensitively and compact
/// forms (`i`, `f`, `t`, `v`, `m`, `l`, `c`, `k`, `s`, `e`, …) equal to their long forms (RFC 3261 §7.3).
/// Each field keeps its name and value as written, so that a parsed message serializes byte for byte.
public struct SIPHeaders: Sendable, Hashable, Sequence {
    /// One header field as written.
    public struct Field: Sendable, Hashable {
        /// The name as written (`Via`, `v`, `CALL-ID`).
        public var name: String
        /// The value, without the leading and trailing white space.
        public var value: String

        /// Creates a field.
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// The fields in order.
    public private(set) var fields: [Field]

    /// Creates headers from fields in order.
    public init(_ fields: [Field] = []) { self.fields = fields }

    /// Creates headers from name-value pairs in order.
    public init(_ pairs: [(String, String)]) {
        self.fields = pairs.map { Field(name: $0.0, value: $0.1) }
    }

    /// The number of fields.
    public var count: Int { fields.count }

    /// Iterates over the fields in order.
    public func makeIterator() -> IndexingIterator<[Field]> { fields.makeIterator() }

    /// The lower-case long form of a header name: `v` and `VIA` both give `via`.
    public static func canonicalName(_ name: String) -> String {
        let lower = name.lowercased()
        return compactForms[lower] ?? lower
    }

    /// The compact forms of RFC 3261 §7.3.3 and later RFCs, by letter.
    static let compactForms: [String: String] = [
        "i": "call-id", "f": "from", "t": "to", "v": "via", "m": "contact", "l": "content-length",
        "c": "content-type", "k": "supported", "s": "subject", "e": "content-encoding", "o": "event",
        "r": "refer-to", "b": "referred-by", "u": "allow-events", "x": "session-expires", "a": "accept-contact",
        "j": "reject-contact", "d": "request-disposition", "y": "identity", "n": "identity-info",
    ]

    /// The value of the first field with this name, or `nil`.
    public subscript(_ name: String) -> String? {
        let wanted = Self.canonicalName(name)
        return fields.first { Self.canonicalName($0.name) == wanted }?.value
    }

    /// The values of every field with this name, in order, each as written.
    public func values(_ name: String) -> [String] {
        let wanted = Self.canonicalName(name)
        return fields.filter { Self.canonicalName($0.name) == wanted }.map(\.value)
    }

    /// The comma-separated elements of every field with this name, in order (`Via: a, b` and two
    /// `Via` lines both give two elements). Commas in quoted strings and in `<…>` do not split.
    public func elements(_ name: String) -> [String] {
        values(name).flatMap { value in
            SIPSyntax.split(Substring(value), separator: ",").map { String(SIPSyntax.trimmed($0)) }
                .filter { !$0.isEmpty }
        }
    }

    /// Whether a field with this name is present.
    public func contains(_ name: String) -> Bool { self[name] != nil }

    /// Appends a field.
    public mutating func add(_ name: String, _ value: String) {
        fields.append(Field(name: name, value: value))
    }

    /// Replaces every field with this name by one field at the place of the first (or at the end).
    public mutating func set(_ name: String, _ value: String) {
        let wanted = Self.canonicalName(name)
        if let first = fields.firstIndex(where: { Self.canonicalName($0.name) == wanted }) {
            fields[first] = Field(name: name, value: value)
            var index = fields.index(after: first)
            while index < fields.endIndex {
                if Self.canonicalName(fields[index].name) == wanted {
                    fields.remove(at: index)
                } else {
                    index = fields.index(after: index)
                }
            }
        } else {
            fields.append(Field(name: name, value: value))
        }
    }

    /// Removes every field with this name.
    public mutating func remove(_ name: String) {
        let wanted = Self.canonicalName(name)
        fields.removeAll { Self.canonicalName($0.name) == wanted }
    }
}
