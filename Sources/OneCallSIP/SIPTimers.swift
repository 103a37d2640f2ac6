/// The RFC 3261 timer values (§17.1.1.1, table 4). Tests shorten them; production keeps the defaults.
public struct SIPTimers: Sendable, Hashable {
    /// T1, the round-trip estimate: first retransmission interval (default 500 ms).
    public var t1: Duration
    /// T2, the cap on non-INVITE retransmission intervals (default 4 s).
    public var t2: Duration
    /// T4, how long a message may stay in the network (default 5 s).
    public var t4: Duration

    /// Creates timer values.
    public init(t1: Duration = .milliseconds(500), t2: Duration = .seconds(4), t4: Duration = .seconds(5)) {
        self.t1 = t1
        self.t2 = t2
        self.t4 = t4
    }

    /// Timers B and F: how long a client transaction waits for a final response (64·T1).
    public var transactionTimeout: Duration { t1 * 64 }
}
