/// How a ``SIPUserAgent`` binds, whom it talks to, and who it says it is. ``description`` never
/// shows the password.
public struct SIPUserAgentConfiguration: Sendable, CustomStringConvertible {
    /// The address the SIP socket binds to (`127.0.0.1`, `0.0.0.0`, or one interface's address).
    public var localHost: String
    /// The SIP port; 0 lets the system choose.
    public var localPort: Int
    /// The address written in Via, Contact and SDP; `localHost` when `nil`. Set it when binding to
    /// `0.0.0.0` or behind a static NAT.
    public var advertisedHost: String?
    /// The outbound proxy (trunk or PBX): every request goes there. Empty: no proxy, each request
    /// goes to its request URI's address (which must then be an IP literal).
    public var proxyHost: String
    /// The outbound proxy's port.
    public var proxyPort: Int
    /// The SIP domain: the host part of From, of the registrar URI, and of E.164 destinations.
    public var domain: String
    /// The user name for digest authentication (and REGISTER), or `nil` when the peer trusts by address.
    public var username: String?
    /// The password for digest authentication; a secret, never logged or shown.
    public var password: String?
    /// The display name in From, or `nil`.
    public var displayName: String?
    /// The user part of From and Contact; `username` (or `onecall`) when `nil`.
    public var fromUser: String?
    /// The User-Agent header value.
    public var userAgent: String
    /// T1, the round-trip estimate that paces retransmissions (RFC 3261 §17.1.1.1); 500 ms by default.
    public var t1: Duration
    /// The ports RTP may bind to (even ports are used), or `nil` to let the system choose.
    public var rtpPortRange: ClosedRange<Int>?
    /// The codecs offered, in preference order.
    public var codecs: [G711Codec]
    /// The parser bounds.
    public var limits: SIPLimits
    /// The most calls in progress at once; more dials fail at once.
    public var maximumCalls: Int

    /// Creates a configuration.
    public init(
        localHost: String = "127.0.0.1", localPort: Int = 0, advertisedHost: String? = nil, proxyHost: String,
        proxyPort: Int = 5060, domain: String, username: String? = nil, password: String? = nil,
        displayName: String? = nil, fromUser: String? = nil, userAgent: String = "OneCall",
        t1: Duration = .milliseconds(500), rtpPortRange: ClosedRange<Int>? = nil,
        codecs: [G711Codec] = [.pcmu, .pcma], limits: SIPLimits = .standard, maximumCalls: Int = 16
    ) {
        self.localHost = localHost
        self.localPort = localPort
        self.advertisedHost = advertisedHost
        self.proxyHost = proxyHost
        self.proxyPort = proxyPort
        self.domain = domain
        self.username = username
        self.password = password
        self.displayName = displayName
        self.fromUser = fromUser
        self.userAgent = userAgent
        self.t1 = t1
        self.rtpPortRange = rtpPortRange
        self.codecs = codecs
        self.limits = limits
        self.maximumCalls = maximumCalls
    }

    /// The host written in Via, Contact and SDP.
    public var contactHost: String { advertisedHost ?? localHost }

    /// The user part of From and Contact.
    public var effectiveFromUser: String { fromUser ?? username ?? "onecall" }

    /// The timers: T1 as configured, T2 = 8·T1 (4 s by default), T4 = 10·T1.
    public var timers: SIPTimers { SIPTimers(t1: t1, t2: t1 * 8, t4: t1 * 10) }

    /// The credentials for challenges, when both user name and password are set.
    public var credentials: DigestCredentials? {
        guard let username, let password else { return nil }
        return DigestCredentials(username: username, password: password)
    }

    /// Checks the settings; throws ``SIPError/Code/invalidConfiguration`` naming the key and the reason.
    public func validate() throws(SIPError) {
        func invalid(_ key: String, _ reason: String) -> SIPError {
            SIPError(.invalidConfiguration, "\(key): \(reason)")
        }
        func isHost(_ text: String) -> Bool { (try? SIPURI.parseHostPort(Substring(text))) != nil }
        guard isHost(localHost) || localHost == "0.0.0.0" else { throw invalid("localHost", "not a host") }
        guard (0...65535).contains(localPort) else { throw invalid("localPort", "must be 0 through 65535") }
        if let advertisedHost, !isHost(advertisedHost) { throw invalid("advertisedHost", "not a host") }
        if advertisedHost == nil, localHost == "0.0.0.0" || localHost == "::" {
            throw invalid("advertisedHost", "needed when binding to every interface")
        }
        guard proxyHost.isEmpty || isHost(proxyHost) else { throw invalid("proxyHost", "not a host") }
        guard (1...65535).contains(proxyPort) else { throw invalid("proxyPort", "must be 1 through 65535") }
        guard isHost(domain) else { throw invalid("domain", "not a host") }
        guard (username == nil) == (password == nil) else { throw invalid("username/password", "give both or neither") }
        if let username, username.isEmpty || SIPSyntax.hasControlCharacters(username) || username.contains("\"") {
            throw invalid("username", "empty, or holds a control character or a quote")
        }
        if let password, SIPSyntax.hasControlCharacters(password) {
            throw invalid("password", "holds a control character")
        }
        if let displayName, SIPSyntax.hasControlCharacters(displayName) {
            throw invalid("displayName", "holds a control character")
        }
        if let fromUser {
            guard (try? SIPURI(parsing: "sip:\(fromUser)@\(domain)")) != nil, !fromUser.contains("@") else {
                throw invalid("fromUser", "not a valid user part")
            }
        }
        guard !userAgent.isEmpty, !SIPSyntax.hasControlCharacters(userAgent) else {
            throw invalid("userAgent", "empty or holds a control character")
        }
        guard t1 >= .milliseconds(10), t1 <= .seconds(10) else { throw invalid("t1", "must be 10 ms through 10 s") }
        if let range = rtpPortRange {
            guard range.lowerBound >= 1024, range.upperBound <= 65535, range.count >= 2 else {
                throw invalid("rtpPortRange", "must lie within 1024 through 65535 and hold two ports or more")
            }
        }
        guard !codecs.isEmpty else { throw invalid("codecs", "offer at least one codec") }
        guard (1...1_000).contains(maximumCalls) else { throw invalid("maximumCalls", "must be 1 through 1000") }
    }

    public var description: String {
        var parts = [
            "localHost: \(localHost)", "localPort: \(localPort)", "proxy: \(proxyHost):\(proxyPort)",
            "domain: \(domain)",
            "userAgent: \(userAgent)", "t1: \(t1)",
        ]
        if let advertisedHost { parts.append("advertisedHost: \(advertisedHost)") }
        if let username { parts.append("username: \(username)") }
        if password != nil { parts.append("password: <secret>") }
        if let fromUser { parts.append("fromUser: \(fromUser)") }
        if let rtpPortRange { parts.append("rtpPortRange: \(rtpPortRange)") }
        return "SIPUserAgentConfiguration(" + parts.joined(separator: ", ") + ")"
    }
}
