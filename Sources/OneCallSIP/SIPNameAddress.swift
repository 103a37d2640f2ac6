/// A `name-addr` or `addr-spec` with header parameters, as in From, To, Contact, Route and
/// Record-Route (RFC 3261 §20.10, §20.20, §20.39): `"Display" <sip:uri>;tag=abc`.
public struct SIPNameAddress: Sendable, Hashable, CustomStringConvertible {
    /// The display name, unquoted, or `nil`.
    public var displayName: String?
    /// The address.
    public var uri: SIPURI
    /// The header parameters after the address (`tag`, `expires`, `lr`, …).
    public var parameters: SIPParameters

    /// Creates an address.
    public init(displayName: String? = nil, uri: SIPURI, parameters: SIPParameters = SIPParameters()) {
        self.displayName = displayName
        self.uri = uri
        self.parameters = parameters
    }

    /// The `tag` parameter, which identifies one side of a dialog.
    public var tag: String? {
        get { parameters["tag"] }
        set { if let newValue { parameters.set("tag", newValue) } else { parameters.remove("tag") } }
    }

    /// The address in name-addr form: `"Display" <uri>;params` (the URI always in angle brackets).
    public var description: String {
        var text = ""
        if let displayName, !displayName.isEmpty { text = SIPSyntax.quoted(displayName) + " " }
        return text + "<\(uri)>" + parameters.description
    }

    /// Parses a name-addr or addr-spec with parameters.
    public init(parsing text: String) throws(SIPError) {
        let trimmed = SIPSyntax.trimmed(text)
        guard !trimmed.isEmpty else { throw SIPError(.malformed, "empty address") }
        if let open = Self.openingBracket(in: trimmed) {
            let before = SIPSyntax.trimmed(trimmed[..<open])
            if before.isEmpty {
                displayName = nil
            } else if before.first == "\"" {
                guard let name = SIPSyntax.unquoted(before) else { throw SIPError(.malformed, "bad display name") }
                displayName = name
            } else {
                guard !SIPSyntax.hasControlCharacters(before), !before.contains("\"") else {
                    throw SIPError(.malformed, "bad display name")
                }
                displayName = String(before)
            }
            let afterOpen = trimmed[trimmed.index(after: open)...]
            guard let close = afterOpen.firstIndex(of: ">") else { throw SIPError(.malformed, "missing '>'") }
            uri = try SIPURI(parsing: String(afterOpen[..<close]))
            parameters = try SIPParameters(parsing: afterOpen[afterOpen.index(after: close)...])
        } else {
            displayName = nil
            if let semicolon = trimmed.firstIndex(of: ";") {
                uri = try SIPURI(parsing: String(trimmed[..<semicolon]))
                parameters = try SIPParameters(parsing: trimmed[semicolon...])
            } else {
                uri = try SIPURI(parsing: String(trimmed))
                parameters = SIPParameters()
            }
        }
    }

    /// The position of the `<` that opens the address, skipping a quoted display name.
    private static func openingBracket(in text: Substring) -> Substring.Index? {
        var inQuotes = false
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if inQuotes {
                if character == "\\" {
                    index = text.index(after: index)
                    if index == text.endIndex { return nil }
                } else if character == "\"" {
                    inQuotes = false
                }
            } else if character == "\"" {
                inQuotes = true
            } else if character == "<" {
                return index
            }
            index = text.index(after: index)
        }
        return nil
    }
}
