import Atomics
import NIOConcurrencyHelpers
import NIOCore
import OneCallCore
import OneCallMQTT

/// The state the broker keeps for one client identifier, across connections: subscriptions, the
/// outbound flow, incoming QoS 2 identifiers, expiry and a pending will.
///
/// Its mutable state is guarded by `lock`. The broker's lock may be held while taking a session's
/// lock, never the other way round.
final class BrokerSession: @unchecked Sendable {
    /// A subscription as the session remembers it.
    struct Subscription {
        var options: MQTTSubscriptionOptions
        var identifier: Int?
    }

    let clientIdentifier: String
    let lock = NIOLock()
    private let connected = ManagedAtomic(false)

    // Guarded by `lock`.
    var flow: OutboundFlow
    var connection: MQTTServerConnection?
    var drainScheduled = false
    var subscriptions: [SharedFilter: Subscription] = [:]
    var inboundQoS2: Set<UInt16> = []
    var expiryInterval: UInt32 = 0
    var expiryTimer: Scheduled<Void>?
    var pendingWill: BrokerMessage?
    var willTimer: Scheduled<Void>?
    var generation = 0
    var droppedMessages = 0
    /// What the attached client may read; `nil` when no access control applies.
    var rules: AccessRules?
    /// For in-process subscribers: receives every delivery instead of a connection.
    let localSink: (@Sendable (BrokerMessage) -> Void)?

    init(
        clientIdentifier: String, configuration: BrokerConfiguration,
        localSink: (@Sendable (BrokerMessage) -> Void)? = nil
    ) {
        self.clientIdentifier = clientIdentifier
        self.flow = OutboundFlow(
            window: configuration.maximumInflightMessages, maximumQueued: configuration.maximumQueuedMessages)
        self.localSink = localSink
    }

    /// Whether a connection is attached (read without the lock, for share-group choice).
    var isConnected: Bool { localSink != nil || connected.load(ordering: .relaxed) }

    /// Sets the attached connection; call with `lock` held.
    func setConnection(_ connection: MQTTServerConnection?) {
        self.connection = connection
        connected.store(connection != nil, ordering: .relaxed)
    }

    /// Queues a message for this session and wakes its connection. Returns false if it was dropped.
    @discardableResult
    func deliver(_ message: BrokerMessage, qos: MQTTQoS, retain: Bool, identifiers: [Int]) -> Bool {
        if let localSink {
            var copy = message
            copy.qos = min(qos, message.qos)
            copy.retain = retain
            localSink(copy)
            return true
        }
        let effective = min(qos, message.qos)
        var wake: MQTTServerConnection?
        let result: OutboundFlow.EnqueueResult? = lock.withLock {
            if connection == nil && effective == .atMostOnce { return nil }
            if let rules, !rules.allows(message.topic, access: .read) { return nil }
            let result = flow.enqueue(
                .init(message: message, qos: effective, retain: retain, identifiers: identifiers))
            if result == .dropped {
                droppedMessages += 1
            } else if let connection, !drainScheduled {
                drainScheduled = true
                wake = connection
            }
            return result
        }
        wake?.scheduleDrain()
        return result != .dropped
    }
}
