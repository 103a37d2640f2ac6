/// A `Digest` challenge from a WWW-Authenticate or Proxy-Authenticate header (RFC 2617 §3.2.1,
/// RFC 7616 §3.3, RFC 3261 §22.4).
public struct DigestChallenge: Sendable, Hashable {
    /// The protection space, shown to users and part of A1.
    public var realm: String
    /// The server's nonce.
    public var nonce: String
    /// The opaque value to echo, if any.
    public var opaque: String?
    /// The quality-of-protection options offered, lower-case (`auth`, `auth-int`); empty for RFC 2069.
    public var qopOptions: [String]
    /// The hash algorithm.
    public var algorithm: DigestAlgorithm
    /// Whether the previous credentials were right but their nonce was stale.
    public var stale: Bool

    /// Creates a challenge.
    public init(
        realm: String, nonce: String, opaque: String? = nil, qopOptions: [String] = [],
        algorithm: DigestAlgorithm = .md5, stale: Bool = false
    ) {
        self.realm = realm
        self.nonce = nonce
        self.opaque = opaque
        self.qopOptions = qopOptions
        self.algorithm = algorithm
        self.stale = stale
    }

    /// Parses one header value, `Digest realm="…", nonce="…", …`. Throws
    /// ``SIPError/Code/unsupportedAuthentication`` for another scheme or an unknown algorithm, and
    /// ``SIPError/Code/malformed`` when realm or nonce is missing.
    public init(parsing value: String) throws(SIPError) {
        let trimmed = SIPSyntax.trimmed(value)
        guard let space = trimmed.firstIndex(where: { $0 == " " || $0 == "\t" }) else {
            throw SIPError(.malformed, "challenge without parameters")
        }
        guard trimmed[..<space].lowercased() == "digest" else {
            throw SIPError(.unsupportedAuthentication, "only the Digest scheme is supported")
        }
        let parameters = try Self.parameters(trimmed[space...])
        guard let realm = parameters["realm"], let nonce = parameters["nonce"], !nonce.isEmpty else {
            throw SIPError(.malformed, "challenge without realm or nonce")
        }
        self.realm = realm
        self.nonce = nonce
        self.opaque = parameters["opaque"]
        self.qopOptions =
            parameters["qop"].map { list in
                list.split(separator: ",").map { SIPSyntax.trimmed($0).lowercased() }.filter { !$0.isEmpty }
            } ?? []
        if let token = parameters["algorithm"] {
            guard let algorithm = DigestAlgorithm(token: token) else {
                throw SIPError(.unsupportedAuthentication, "unsupported digest algorithm", detail: token)
            }
            self.algorithm = algorithm
        } else {
            self.algorithm = .md5
        }
        self.stale = parameters["stale"]?.lowercased() == "true"
    }

    /// The quality of protection a response uses: `auth` if offered, else `auth-int`, else `nil`
    /// (RFC 2069 compatibility) when none is offered. Throws when only unknown options are offered.
    public func chosenQOP() throws(SIPError) -> String? {
        if qopOptions.isEmpty { return nil }
        if qopOptions.contains("auth") { return "auth" }
        if qopOptions.contains("auth-int") { return "auth-int" }
        throw SIPError(.unsupportedAuthentication, "no supported qop offered")
    }

    /// The strongest supported challenge among header values (RFC 7616 §3.7: a server may offer
    /// several); `nil` when none can be answered.
    public static func preferred(among values: [String]) -> DigestChallenge? {
        var best: DigestChallenge?
        for value in values {
            guard let challenge = try? DigestChallenge(parsing: value) else { continue }
            do {
                _ = try challenge.chosenQOP()
            } catch {
                continue
            }
            if best == nil || challenge.algorithm.strength > best!.algorithm.strength { best = challenge }
        }
        return best
    }

    /// Parses `name=value, name="quoted"` auth-params into a dictionary keyed by lower-case name.
    static func parameters(_ text: Substring) throws(SIPError) -> [String: String] {
        var result: [String: String] = [:]
        for part in SIPSyntax.split(text, separator: ",") {
            let piece = SIPSyntax.trimmed(part)
            if piece.isEmpty { continue }
            guard let equals = piece.firstIndex(of: "=") else { throw SIPError(.malformed, "auth-param without '='") }
            let name = SIPSyntax.trimmed(piece[..<equals]).lowercased()
            let raw = SIPSyntax.trimmed(piece[piece.index(after: equals)...])
            guard SIPSyntax.isToken(name) else { throw SIPError(.malformed, "invalid auth-param name") }
            if raw.first == "\"" {
                guard let value = SIPSyntax.unquoted(raw) else { throw SIPError(.malformed, "bad quoted auth-param") }
                result[name] = value
            } else {
                result[name] = String(raw)
            }
        }
        return result
    }
}
