/// A SIP request: method, Request-URI, header fields and body (RFC 3261 §7.1).
public struct SIPRequest: Sendable, Hashable {
    /// The method.
    public var method: SIPMethod
    /// The Request-URI.
    public var uri: SIPURI
    /// The header fields.
    public var headers: SIPHeaders
    /// The body (an SDP offer, a DTMF relay body, …).
    public var body: [UInt8]

    /// Creates a request.
    public init(method: SIPMethod, uri: SIPURI, headers: SIPHeaders = SIPHeaders(), body: [UInt8] = []) {
        self.method = method
        self.uri = uri
        self.headers = headers
        self.body = body
    }

    /// The request line without its CR LF.
    public var startLine: String { "\(method.rawValue) \(uri) SIP/2.0" }
}
