/// One Via header value (RFC 3261 §20.42): `SIP/2.0/UDP host:port;branch=z9hG4bK…;rport`.
public struct SIPVia: Sendable, Hashable, CustomStringConvertible {
    /// The RFC 3261 branch prefix that marks a globally unique branch (§8.1.1.7).
    public static let magicCookie = "z9hG4bK"

    /// The transport, upper-case (`UDP`, `TCP`, `TLS`).
    public var transport: String
    /// The sent-by host (IPv6 without brackets).
    public var host: String
    /// The sent-by port, if given.
    public var port: Int?
    /// The parameters (`branch`, `received`, `rport`, …).
    public var parameters: SIPParameters

    /// Creates a Via with a branch.
    public init(transport: String = "UDP", host: String, port: Int?, branch: String) {
        self.transport = transport
        self.host = host
        self.port = port
        self.parameters = SIPParameters([SIPParameters.Parameter(name: "branch", value: branch)])
    }

    /// The branch parameter: the transaction's identifier.
    public var branch: String? { parameters["branch"] }

    /// The value as written.
    public var description: String {
        let host = self.host.contains(":") ? "[\(self.host)]" : self.host
        return "SIP/2.0/\(transport) \(host)" + (port.map { ":\($0)" } ?? "") + parameters.description
    }

    /// Parses one Via value.
    public init(parsing text: String) throws(SIPError) {
        let trimmed = SIPSyntax.trimmed(text)
        // sent-protocol: "SIP" / "2.0" / transport, with optional white space around the slashes.
        var rest = trimmed[...]
        var parts: [Substring] = []
        for _ in 0..<3 {
            rest = SIPSyntax.trimmed(rest)
            let end =
                parts.count < 2
                ? rest.firstIndex(of: "/") : rest.firstIndex(where: { $0 == " " || $0 == "\t" })
            guard let end else { throw SIPError(.malformed, "bad Via protocol") }
            parts.append(SIPSyntax.trimmed(rest[..<end]))
            rest = parts.count < 3 ? rest[rest.index(after: end)...] : rest[end...]
        }
        guard parts[0].uppercased() == "SIP", parts[1] == "2.0", SIPSyntax.isToken(parts[2]) else {
            throw SIPError(.malformed, "bad Via protocol")
        }
        transport = parts[2].uppercased()
        rest = SIPSyntax.trimmed(rest)
        let sentBy: Substring
        if let semicolon = rest.firstIndex(of: ";") {
            sentBy = SIPSyntax.trimmed(rest[..<semicolon])
            parameters = try SIPParameters(parsing: rest[semicolon...])
        } else {
            sentBy = rest
            parameters = SIPParameters()
        }
        (host, port) = try SIPURI.parseHostPort(sentBy)
    }
}
