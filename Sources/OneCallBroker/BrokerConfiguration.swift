/// The broker's limits and behaviour. Every value has a default usable in tests and production.
public struct BrokerConfiguration: Sendable, Equatable {
    /// Largest packet accepted from a client, fixed header included (advertised in 5.0 CONNACK).
    public var maximumPacketSize: Int = 1 << 20
    /// Most concurrent client connections; further connections are closed at accept.
    public var maximumConnections: Int = 100_000
    /// Outbound QoS 1/2 messages in flight to one client (further limited by the client's Receive Maximum).
    public var maximumInflightMessages: Int = 100
    /// Incoming QoS 2 messages awaiting PUBREL per client (advertised as Receive Maximum in 5.0).
    public var receiveMaximum: Int = 100
    /// Messages queued per session beyond the inflight window, online or offline.
    public var maximumQueuedMessages: Int = 1000
    /// Payload and topic bytes queued per session beyond the inflight window.
    public var maximumQueuedBytes: Int = 16 << 20
    /// Messages queued for one connected subscriber at which the connections publishing to it stop
    /// being read until it drains to half (at most ``publisherPauseLimit`` seconds at a time); 0: never.
    public var backPressureQueueLength: Int = 100
    /// Longest a publisher is paused for one congested subscriber, in seconds.
    public var publisherPauseLimit: Double = 0.1
    /// Kernel receive buffer per client socket, in bytes (0: the kernel's auto-tuning). A fixed, modest
    /// buffer keeps what a paused publisher can have in flight small, so latency stays low under load.
    public var socketReceiveBufferSize: Int = 65536
    /// Retained messages kept at most; a new retained topic beyond this is refused and counted.
    public var maximumRetainedMessages: Int = 100_000
    /// Payload bytes of all retained messages together; a retained message beyond it is refused.
    public var maximumRetainedBytes: Int = 256 << 20
    /// Topic aliases a 5.0 client may use towards the broker.
    public var topicAliasMaximum: Int = 64
    /// Topic aliases the broker uses towards a 5.0 client, at most (the client's own maximum also applies).
    public var outboundTopicAliasMaximum: Int = 64
    /// Longest keep-alive a client may ask for, in seconds (0: no limit). 5.0 clients are told the limit.
    public var maximumKeepAlive: Int = 0
    /// Longest session expiry interval in seconds; 3.1.1 persistent sessions get this too.
    public var maximumSessionExpiryInterval: UInt32 = UInt32.max
    /// Seconds a new connection has to send CONNECT before it is closed.
    public var connectTimeout: Double = 10
    /// Filters a session may hold at most.
    public var maximumSubscriptionsPerSession: Int = 1000
    /// Longest client identifier accepted.
    public var maximumClientIdentifierLength: Int = 256
    /// Whether retained messages are supported.
    public var retainAvailable: Bool = true
    /// Seconds between `$SYS/broker/...` updates (0: off).
    public var systemTopicInterval: Double = 10

    /// The default configuration.
    public init() {}
}
