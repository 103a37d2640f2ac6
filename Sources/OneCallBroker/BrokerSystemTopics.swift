import NIOCore
import ServiceLifecycle

/// Publishes the broker's counters as retained `$SYS/broker/...` messages at a fixed interval, in the
/// layout Mosquitto uses (`$SYS/broker/clients/connected`, `$SYS/broker/messages/received`, ...).
public struct BrokerSystemTopics: Service {
    private let broker: Broker
    private let interval: Double
    private let started = ContinuousClock.now

    /// Creates the publisher; `interval` is in seconds.
    public init(broker: Broker, interval: Double) {
        self.broker = broker
        self.interval = interval
    }

    /// The topic each statistic is published to.
    static func topic(for name: BrokerStatistics.Name) -> String {
        switch name {
        case .connectionsAccepted: "$SYS/broker/connections/accepted"
        case .connectionsRejected: "$SYS/broker/connections/rejected"
        case .clientsConnected: "$SYS/broker/clients/connected"
        case .sessions: "$SYS/broker/clients/total"
        case .packetsReceived: "$SYS/broker/packets/received"
        case .packetsSent: "$SYS/broker/packets/sent"
        case .bytesReceived: "$SYS/broker/bytes/received"
        case .bytesSent: "$SYS/broker/bytes/sent"
        case .messagesReceived: "$SYS/broker/messages/received"
        case .messagesSent: "$SYS/broker/messages/sent"
        case .messagesDropped: "$SYS/broker/messages/dropped"
        case .messagesExpired: "$SYS/broker/messages/expired"
        case .messagesOversized: "$SYS/broker/messages/oversized"
        case .subscriptions: "$SYS/broker/subscriptions/count"
        case .retainedMessages: "$SYS/broker/retained messages/count"
        case .retainedRefused: "$SYS/broker/retained messages/refused"
        case .malformedPackets: "$SYS/broker/errors/malformed"
        case .protocolErrors: "$SYS/broker/errors/protocol"
        case .authenticationFailures: "$SYS/broker/errors/authentication"
        case .authorizationDenials: "$SYS/broker/errors/authorization"
        case .keepAliveTimeouts: "$SYS/broker/errors/keepalive"
        case .connectTimeouts: "$SYS/broker/errors/connect timeout"
        case .willsPublished: "$SYS/broker/messages/wills"
        }
    }

    /// Publishes every statistic once.
    public func publishNow() {
        let uptime = ContinuousClock.now - started
        broker.publishSystem("$SYS/broker/uptime", "\(uptime.components.seconds) seconds")
        broker.publishSystem("$SYS/broker/version", "OneCall broker")
        for (name, value) in broker.statistics.snapshot() {
            broker.publishSystem(Self.topic(for: name), "\(value)")
        }
    }

    public func run() async throws {
        guard interval > 0 else {
            try? await gracefulShutdown()
            return
        }
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            publishNow()
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .milliseconds(Int(interval * 1000))) }
        }
    }
}

extension Broker {
    func publishSystem(_ topic: String, _ value: String) {
        route(BrokerMessage(topic: topic, payload: ByteBuffer(string: value), retain: true), counted: false)
    }
}
