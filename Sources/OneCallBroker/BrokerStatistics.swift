import Atomics

/// Counters and gauges of the broker, shared by every connection; read by `$SYS` topics and metrics.
public final class BrokerStatistics: Sendable {
    /// A named counter or gauge, as listed by ``snapshot()``.
    public enum Name: String, CaseIterable, Sendable {
        case connectionsAccepted = "connections_accepted_total"
        case connectionsRejected = "connections_rejected_total"
        case clientsConnected = "clients_connected"
        case sessions = "sessions"
        case packetsReceived = "packets_received_total"
        case packetsSent = "packets_sent_total"
        case bytesReceived = "bytes_received_total"
        case bytesSent = "bytes_sent_total"
        case messagesReceived = "messages_received_total"
        case messagesSent = "messages_sent_total"
        case messagesDropped = "messages_dropped_total"
        case messagesExpired = "messages_expired_total"
        case messagesOversized = "messages_oversized_total"
        case subscriptions = "subscriptions"
        case retainedMessages = "retained_messages"
        case retainedRefused = "retained_refused_total"
        case malformedPackets = "malformed_packets_total"
        case protocolErrors = "protocol_errors_total"
        case authenticationFailures = "authentication_failures_total"
        case authorizationDenials = "authorization_denials_total"
        case keepAliveTimeouts = "keepalive_timeouts_total"
        case connectTimeouts = "connect_timeouts_total"
        case willsPublished = "wills_published_total"

        /// Whether the value can go down.
        public var isGauge: Bool {
            switch self {
            case .clientsConnected, .sessions, .subscriptions, .retainedMessages: true
            default: false
            }
        }
    }

    private let values: [ManagedAtomic<Int>]

    /// Creates zeroed statistics.
    public init() {
        values = Name.allCases.map { _ in ManagedAtomic(0) }
    }

    /// Adds `amount` (negative to decrease a gauge).
    public func add(_ name: Name, _ amount: Int = 1) {
        values[name.offset].wrappingIncrement(by: amount, ordering: .relaxed)
    }

    /// The current value.
    public func value(_ name: Name) -> Int {
        values[name.offset].load(ordering: .relaxed)
    }

    /// All values, in declaration order.
    public func snapshot() -> [(Name, Int)] {
        Name.allCases.map { ($0, value($0)) }
    }
}

extension BrokerStatistics.Name {
    fileprivate var offset: Int {
        switch self {
        case .connectionsAccepted: 0
        case .connectionsRejected: 1
        case .clientsConnected: 2
        case .sessions: 3
        case .packetsReceived: 4
        case .packetsSent: 5
        case .bytesReceived: 6
        case .bytesSent: 7
        case .messagesReceived: 8
        case .messagesSent: 9
        case .messagesDropped: 10
        case .messagesExpired: 11
        case .messagesOversized: 12
        case .subscriptions: 13
        case .retainedMessages: 14
        case .retainedRefused: 15
        case .malformedPackets: 16
        case .protocolErrors: 17
        case .authenticationFailures: 18
        case .authorizationDenials: 19
        case .keepAliveTimeouts: 20
        case .connectTimeouts: 21
        case .willsPublished: 22
        }
    }
}
