/// A `sip:` or `sips:` URI (RFC 3261 §19.1): `sip:user:password@host:port;params?headers`.
public struct SIPURI: Sendable, Hashable, CustomStringConvertible {
    /// Whether the scheme is `sips` (TLS end to end).
    public var isSecure: Bool
    /// The user part, as written (escapes kept), or `nil`.
    public var user: String?
    /// The password in the user info; deprecated by RFC 3261 and never sent by this agent.
    public var password: String?
    /// The host: a domain name, an IPv4 address, or an IPv6 address without brackets.
    public var host: String
    /// The port, or `nil` for the default (5060, or 5061 for `sips`).
    public var port: Int?
    /// The URI parameters (`transport`, `lr`, `user`, …).
    public var parameters: SIPParameters
    /// The header part after `?`, as written, or `nil`.
    public var headers: String?

    /// Creates a URI.
    public init(
        user: String? = nil, host: String, port: Int? = nil, parameters: SIPParameters = SIPParameters(),
        isSecure: Bool = false
    ) {
        self.isSecure = isSecure
        self.user = user
        self.password = nil
        self.host = host
        self.port = port
        self.parameters = parameters
        self.headers = nil
    }

    /// The host as written in a URI or Via: IPv6 addresses in brackets.
    public var hostForURI: String { host.contains(":") ? "[\(host)]" : host }

    /// The URI as written.
    public var description: String {
        var text = isSecure ? "sips:" : "sip:"
        if let user {
            text += user
            if let password { text += ":" + password }
            text += "@"
        }
        text += hostForURI
        if let port { text += ":\(port)" }
        text += parameters.description
        if let headers { text += "?" + headers }
        return text
    }

    /// Parses a URI; throws ``SIPError/Code/malformed`` for anything else (a `tel:` URI included).
    public init(parsing text: String) throws(SIPError) {
        let trimmed = SIPSyntax.trimmed(text)
        guard !trimmed.isEmpty, trimmed.utf8.count <= SIPLimits.standard.maximumLineLength else {
            throw SIPError(.malformed, "empty or oversized URI")
        }
        guard !trimmed.contains(where: { $0 == " " || $0 == "\t" || $0 == "<" || $0 == ">" || $0 == "\"" }),
            !SIPSyntax.hasControlCharacters(trimmed)
        else { throw SIPError(.malformed, "URI holds white space or delimiters", detail: String(trimmed)) }
        let lower = trimmed.lowercased()
        var rest: Substring
        if lower.hasPrefix("sips:") {
            isSecure = true
            rest = trimmed.dropFirst(5)
        } else if lower.hasPrefix("sip:") {
            isSecure = false
            rest = trimmed.dropFirst(4)
        } else {
            throw SIPError(.malformed, "not a sip: or sips: URI", detail: String(trimmed))
        }
        if let question = rest.firstIndex(of: "?") {
            headers = String(rest[rest.index(after: question)...])
            rest = rest[..<question]
        } else {
            headers = nil
        }
        user = nil
        password = nil
        if let at = rest.firstIndex(of: "@") {
            let userInfo = rest[..<at]
            rest = rest[rest.index(after: at)...]
            if let colon = userInfo.firstIndex(of: ":") {
                user = String(userInfo[..<colon])
                password = String(userInfo[userInfo.index(after: colon)...])
            } else {
                user = String(userInfo)
            }
            guard let user, !user.isEmpty else { throw SIPError(.malformed, "empty user part") }
        }
        let hostPort: Substring
        if let semicolon = rest.firstIndex(of: ";") {
            hostPort = rest[..<semicolon]
            parameters = try SIPParameters(parsing: rest[semicolon...])
        } else {
            hostPort = rest
            parameters = SIPParameters()
        }
        (host, port) = try Self.parseHostPort(hostPort)
    }

    /// Splits `host[:port]` (IPv6 in brackets) and checks both.
    static func parseHostPort(_ text: Substring) throws(SIPError) -> (String, Int?) {
        var host: Substring
        var portText: Substring?
        if text.first == "[" {
            guard let close = text.firstIndex(of: "]") else { throw SIPError(.malformed, "unterminated IPv6 host") }
            host = text[text.index(after: text.startIndex)..<close]
            let after = text[text.index(after: close)...]
            if !after.isEmpty {
                guard after.first == ":" else { throw SIPError(.malformed, "junk after IPv6 host") }
                portText = after.dropFirst()
            }
            guard !host.isEmpty, host.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) else {
                throw SIPError(.malformed, "invalid IPv6 host")
            }
        } else {
            if let colon = text.firstIndex(of: ":") {
                host = text[..<colon]
                portText = text[text.index(after: colon)...]
            } else {
                host = text
            }
            guard !host.isEmpty,
                host.utf8.allSatisfy({ byte in
                    SIPSyntax.isTokenByte(byte) && byte != UInt8(ascii: "+")
                })
            else { throw SIPError(.malformed, "invalid host", detail: String(text)) }
        }
        var port: Int?
        if let portText {
            guard let value = SIPSyntax.decimal(portText, maximumDigits: 5), (1...65535).contains(value)
            else { throw SIPError(.malformed, "invalid port", detail: String(text)) }
            port = value
        }
        return (String(host), port)
    }
}
