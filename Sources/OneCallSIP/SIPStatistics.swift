/// What a ``SIPUserAgent`` has accepted, rejected and dropped since it started.
public struct SIPStatistics: Sendable, Hashable {
    /// SIP datagrams received (keep-alives included).
    public var datagramsReceived = 0
    /// SIP datagrams dropped: malformed, over a bound, or for no known call or transaction.
    public var messagesDropped = 0
    /// SIP datagrams that were not parseable messages (a subset of ``messagesDropped``).
    public var malformedMessages = 0
    /// Requests sent, retransmissions included.
    public var requestsSent = 0
    /// Calls dialed.
    public var callsPlaced = 0
    /// Calls answered.
    public var callsAnswered = 0
    /// RTP packets sent.
    public var rtpPacketsSent = 0
    /// RTP packets received.
    public var rtpPacketsReceived = 0
    /// RTP packets dropped: malformed or too large.
    public var rtpPacketsDropped = 0
    /// Key presses received (RFC 4733 events and INFO requests).
    public var keypressesReceived = 0

    /// Creates empty statistics.
    public init() {}
}
