import NIOCore

/// How an ``SMTPSink`` listens and what it bounds. The defaults suit a demo or a test on loopback.
public struct SMTPSinkConfiguration: Sendable {
    /// The address to listen on.
    public var host: String
    /// The port to listen on; 0 picks a free one (see ``SMTPSink/port``).
    public var port: Int
    /// The name the sink gives in its greeting and EHLO reply.
    public var hostname: String
    /// The largest message accepted, in octets (announced as SIZE); larger ones get 552.
    public var maximumMessageSize: Int
    /// The longest command or data line accepted, in octets without CR LF; longer ones get 500
    /// (a command) or make the message fail with 552 (data). RFC 5321 asks for at least 512 and 998.
    public var maximumLineLength: Int
    /// The most recipients of one message; more get 452 (RFC 5321 §4.5.3.1.10 asks for 100).
    public var maximumRecipients: Int
    /// How many received messages ``SMTPSink/receivedMessages`` keeps (the oldest go first) and
    /// ``SMTPSink/messages`` buffers for a slow reader.
    public var retainedMessageLimit: Int
    /// A directory to write each message to as `<id>.eml`, or `nil` to keep them in memory only.
    public var directory: String?
    /// The most connections at once; more are greeted with 421 and closed.
    public var maximumConnections: Int
    /// A connection silent for this long is closed with 421.
    public var idleTimeout: TimeAmount
    /// Refused or unknown commands allowed on one connection before it is closed with 421.
    public var maximumErrors: Int
    /// Addresses (compared without case) that RCPT TO refuses with 550, for exercising clients.
    public var refusedRecipients: Set<String>

    /// Creates a configuration.
    public init(
        host: String = "127.0.0.1", port: Int = 0, hostname: String = "localhost",
        maximumMessageSize: Int = 10 << 20, maximumLineLength: Int = 4096, maximumRecipients: Int = 100,
        retainedMessageLimit: Int = 100, directory: String? = nil, maximumConnections: Int = 32,
        idleTimeout: TimeAmount = .seconds(60), maximumErrors: Int = 10, refusedRecipients: Set<String> = []
    ) {
        self.host = host
        self.port = port
        self.hostname = hostname
        self.maximumMessageSize = maximumMessageSize
        self.maximumLineLength = maximumLineLength
        self.maximumRecipients = maximumRecipients
        self.retainedMessageLimit = retainedMessageLimit
        self.directory = directory
        self.maximumConnections = maximumConnections
        self.idleTimeout = idleTimeout
        self.maximumErrors = maximumErrors
        self.refusedRecipients = Set(refusedRecipients.map { $0.lowercased() })
    }
}
