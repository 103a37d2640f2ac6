import Atomics

/// Counters and gauges of the broker, shared by every connection; read by `$SYS` topics and metrics.
public final class BrokerStatistics: Sendable {
    /// A counter or gauge; its raw value indexes the storage.
    public enum Name: Int, CaseIterable, Sendable {
        case connectionsAccepted
        case connectionsRejected
        case clientsConnected
        case sessions
        case packetsReceived
        case packetsSent
        case bytesReceived
        case bytesSent
        case messagesReceived
        case messagesSent
        case messagesDropped
        case messagesExpired
        case messagesOversized
        case subscriptions
        case retainedMessages
        case retainedRefused
        case malformedPackets
        case protocolErrors
        case authenticationFailures
        case authorizationDenials
        case keepAliveTimeouts
        case connectTimeouts
        case willsPublished

        /// The metric's name in Prometheus form (without the `onecall_mqtt_` prefix).
        public var metricName: String {
            switch self {
            case .connectionsAccepted: "connections_accepted_total"
            case .connectionsRejected: "connections_rejected_total"
            case .clientsConnected: "clients_connected"
            case .sessions: "sessions"
            case .packetsReceived: "packets_received_total"
            case .packetsSent: "packets_sent_total"
            case .bytesReceived: "bytes_received_total"
            case .bytesSent: "bytes_sent_total"
            case .messagesReceived: "messages_received_total"
            case .messagesSent: "messages_sent_total"
            case .messagesDropped: "messages_dropped_total"
            case .messagesExpired: "messages_expired_total"
            case .messagesOversized: "messages_oversized_total"
            case .subscriptions: "subscriptions"
            case .retainedMessages: "retained_messages"
            case .retainedRefused: "retained_refused_total"
            case .malformedPackets: "malformed_packets_total"
            case .protocolErrors: "protocol_errors_total"
            case .authenticationFailures: "authentication_failures_total"
            case .authorizationDenials: "authorization_denials_total"
            case .keepAliveTimeouts: "keepalive_timeouts_total"
            case .connectTimeouts: "connect_timeouts_total"
            case .willsPublished: "wills_published_total"
            }
        }

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
        values[name.rawValue].wrappingIncrement(by: amount, ordering: .relaxed)
    }

    /// The current value.
    public func value(_ name: Name) -> Int {
        values[name.rawValue].load(ordering: .relaxed)
    }

    /// All values, in declaration order.
    public func snapshot() -> [(Name, Int)] {
        Name.allCases.map { ($0, value($0)) }
    }
}
