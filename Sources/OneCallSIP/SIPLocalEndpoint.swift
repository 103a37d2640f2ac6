/// What requests from this agent say about it: the Via sent-by, the Contact, the User-Agent, the
/// credentials for challenges, and the timers.
public struct SIPLocalEndpoint: Sendable, Hashable {
    /// The transport named in Via (`UDP`).
    public var transport: String
    /// The sent-by host in Via: the address the far end answers to.
    public var viaHost: String
    /// The sent-by port in Via.
    public var viaPort: Int
    /// The Contact URI: where in-dialog requests reach this agent.
    public var contact: SIPURI
    /// The User-Agent header value, or `nil` to send none.
    public var userAgent: String?
    /// The credentials for 401 and 407 challenges, or `nil` to give up when challenged.
    public var credentials: DigestCredentials?
    /// The retransmission timers.
    public var timers: SIPTimers

    /// Creates an endpoint description.
    public init(
        transport: String = "UDP", viaHost: String, viaPort: Int, contact: SIPURI, userAgent: String? = nil,
        credentials: DigestCredentials? = nil, timers: SIPTimers = SIPTimers()
    ) {
        self.transport = transport
        self.viaHost = viaHost
        self.viaPort = viaPort
        self.contact = contact
        self.userAgent = userAgent
        self.credentials = credentials
        self.timers = timers
    }

    /// The methods this agent accepts, for Allow headers.
    public static let allowedMethods = "INVITE, ACK, CANCEL, BYE, INFO, OPTIONS"

    /// A new Via with a fresh RFC 3261 branch and `rport` (RFC 3581).
    func via(branch: String) -> SIPVia {
        var via = SIPVia(transport: transport, host: viaHost, port: viaPort, branch: branch)
        via.parameters.set("rport", nil)
        return via
    }

    /// A fresh branch: the magic cookie and 16 random hexadecimal digits.
    static func newBranch(using generator: inout some RandomNumberGenerator) -> String {
        SIPVia.magicCookie + SIPSyntax.randomHex(byteCount: 8, using: &generator)
    }

    /// A request with the common header fields in the usual order; `route` and `extra` go where
    /// RFC 3261 §8.1.1 puts them, and Content-Length is set from the body.
    func request(
        _ method: SIPMethod, uri: SIPURI, branch: String, route: [SIPNameAddress], from: SIPNameAddress,
        to: SIPNameAddress, callID: String, cseq: UInt32, extra: [SIPHeaders.Field] = [], contentType: String? = nil,
        body: [UInt8] = []
    ) -> SIPRequest {
        var headers = SIPHeaders()
        headers.add("Via", via(branch: branch).description)
        headers.add("Max-Forwards", "70")
        for hop in route { headers.add("Route", hop.description) }
        headers.add("From", from.description)
        headers.add("To", to.description)
        headers.add("Call-ID", callID)
        headers.add("CSeq", SIPCSeq(cseq, method).description)
        if method != .ack && method != .cancel && method != .bye {
            headers.add("Contact", "<\(contact)>")
        }
        for field in extra { headers.add(field.name, field.value) }
        if let userAgent { headers.add("User-Agent", userAgent) }
        if method == .invite || method == .register { headers.add("Allow", Self.allowedMethods) }
        if let contentType { headers.add("Content-Type", contentType) }
        headers.add("Content-Length", String(body.count))
        return SIPRequest(method: method, uri: uri, headers: headers, body: body)
    }
}
