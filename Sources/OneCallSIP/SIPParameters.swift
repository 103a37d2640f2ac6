/// An ordered list of `;name=value` parameters, as on URIs and header fields (RFC 3261 §19.1.1,
/// §20). Names compare case-insensitively; values keep their spelling (quoted strings included).
public struct SIPParameters: Sendable, Hashable, CustomStringConvertible {
    /// One parameter: a name and an optional value (`;lr` has none).
    public struct Parameter: Sendable, Hashable {
        /// The name as written.
        public var name: String
        /// The value as written, quotes included; `nil` for a flag.
        public var value: String?

        /// Creates a parameter.
        public init(name: String, value: String?) {
            self.name = name
            self.value = value
        }
    }

    /// The parameters in order.
    public var items: [Parameter]

    /// Creates a list.
    public init(_ items: [Parameter] = []) { self.items = items }

    /// Whether the list is empty.
    public var isEmpty: Bool { items.isEmpty }

    /// Whether a parameter of this name is present (with or without a value).
    public func contains(_ name: String) -> Bool {
        items.contains { $0.name.lowercased() == name.lowercased() }
    }

    /// The value of the first parameter of this name, unquoted; `nil` when absent or valueless.
    public subscript(_ name: String) -> String? {
        guard let item = items.first(where: { $0.name.lowercased() == name.lowercased() }), let value = item.value
        else { return nil }
        return SIPSyntax.parameterValue(Substring(value))
    }

    /// Replaces the parameter of this name (or appends it); a `nil` value makes a flag.
    public mutating func set(_ name: String, _ value: String?) {
        if let index = items.firstIndex(where: { $0.name.lowercased() == name.lowercased() }) {
            items[index].value = value
        } else {
            items.append(Parameter(name: name, value: value))
        }
    }

    /// Removes every parameter of this name.
    public mutating func remove(_ name: String) {
        items.removeAll { $0.name.lowercased() == name.lowercased() }
    }

    /// The list as written: `;name=value;flag`, or empty.
    public var description: String {
        items.map { ";" + $0.name + ($0.value.map { "=" + $0 } ?? "") }.joined()
    }

    /// Parses `;a=b;c` (the leading `;` required unless `text` is empty).
    public init(parsing text: Substring) throws(SIPError) {
        var items: [Parameter] = []
        let trimmed = SIPSyntax.trimmed(text)
        if trimmed.isEmpty {
            self.items = []
            return
        }
        guard trimmed.first == ";" else { throw SIPError(.malformed, "parameters must start with ';'") }
        for part in SIPSyntax.split(trimmed.dropFirst(), separator: ";") {
            let piece = SIPSyntax.trimmed(part)
            guard !piece.isEmpty else { throw SIPError(.malformed, "empty parameter") }
            if let equals = piece.firstIndex(of: "=") {
                let name = SIPSyntax.trimmed(piece[..<equals])
                let value = SIPSyntax.trimmed(piece[piece.index(after: equals)...])
                guard SIPSyntax.isToken(name), !value.isEmpty, !SIPSyntax.hasControlCharacters(value) else {
                    throw SIPError(.malformed, "invalid parameter", detail: String(piece))
                }
                if value.first == "\"", SIPSyntax.unquoted(value) == nil {
                    throw SIPError(.malformed, "unterminated quoted parameter value")
                }
                items.append(Parameter(name: String(name), value: String(value)))
            } else {
                guard SIPSyntax.isToken(piece) else {
                    throw SIPError(.malformed, "invalid parameter", detail: String(piece))
                }
                items.append(Parameter(name: String(piece), value: nil))
            }
        }
        self.items = items
    }
}
