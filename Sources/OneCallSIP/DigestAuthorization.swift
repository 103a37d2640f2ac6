/// The answer to a ``DigestChallenge``: the value of an Authorization or Proxy-Authorization header
/// (RFC 2617 §3.2.2, RFC 7616 §3.4).
public struct DigestAuthorization: Sendable, Hashable {
    /// The user name sent.
    public var username: String
    /// The challenge's realm.
    public var realm: String
    /// The challenge's nonce.
    public var nonce: String
    /// The digest-uri: the Request-URI of the request.
    public var uri: String
    /// The computed response, lower-case hexadecimal.
    public var response: String
    /// The algorithm used.
    public var algorithm: DigestAlgorithm
    /// The client nonce, when a qop is used.
    public var cnonce: String?
    /// The opaque value echoed, if the challenge had one.
    public var opaque: String?
    /// The qop used (`auth` or `auth-int`), or `nil`.
    public var qop: String?
    /// The nonce count, when a qop is used (1 for a nonce's first use).
    public var nonceCount: Int?

    /// Computes the response to a challenge for one request. `cnonce` is needed only when the
    /// challenge offers a qop or a `-sess` algorithm; `body` only for `auth-int`.
    public init(
        challenge: DigestChallenge, credentials: DigestCredentials, method: SIPMethod, uri: String,
        body: [UInt8] = [], cnonce: String, nonceCount: Int = 1
    ) throws(SIPError) {
        let qop = try challenge.chosenQOP()
        let hashing = challenge.algorithm
        func hash(_ text: String) -> String { hashing.hash(text: text) }
        var ha1 = hash("\(credentials.username):\(challenge.realm):\(credentials.password)")
        if challenge.algorithm.isSession { ha1 = hash("\(ha1):\(challenge.nonce):\(cnonce)") }
        let ha2 =
            qop == "auth-int"
            ? hash("\(method.rawValue):\(uri):\(challenge.algorithm.hash(bytes: body))")
            : hash("\(method.rawValue):\(uri)")
        let count = Self.nonceCountText(nonceCount)
        if let qop {
            response = hash("\(ha1):\(challenge.nonce):\(count):\(cnonce):\(qop):\(ha2)")
        } else {
            response = hash("\(ha1):\(challenge.nonce):\(ha2)")
        }
        username = credentials.username
        realm = challenge.realm
        nonce = challenge.nonce
        self.uri = uri
        algorithm = challenge.algorithm
        self.cnonce = qop != nil || challenge.algorithm.isSession ? cnonce : nil
        opaque = challenge.opaque
        self.qop = qop
        self.nonceCount = qop != nil ? nonceCount : nil
    }

    /// The nonce count as eight hexadecimal digits (`00000001`).
    static func nonceCountText(_ count: Int) -> String {
        let hex = String(UInt32(truncatingIfNeeded: count), radix: 16)
        return String(repeating: "0", count: max(0, 8 - hex.count)) + hex
    }

    /// The header value: `Digest username="…", realm="…", …`.
    public var headerValue: String {
        var parts = [
            "username=\(SIPSyntax.quoted(username))", "realm=\(SIPSyntax.quoted(realm))",
            "nonce=\(SIPSyntax.quoted(nonce))", "uri=\(SIPSyntax.quoted(uri))", "response=\"\(response)\"",
            "algorithm=\(algorithm.rawValue)",
        ]
        if let cnonce { parts.append("cnonce=\(SIPSyntax.quoted(cnonce))") }
        if let opaque { parts.append("opaque=\(SIPSyntax.quoted(opaque))") }
        if let qop { parts.append("qop=\(qop)") }
        if let nonceCount { parts.append("nc=\(Self.nonceCountText(nonceCount))") }
        return "Digest " + parts.joined(separator: ", ")
    }
}
