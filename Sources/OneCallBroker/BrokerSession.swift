import NIOCore
import OneCallCore
import OneCallMQTT
import Synchronization

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

    /// The timer that ends an offline session (boxed: connected sessions have none).
    final class ExpiryTimer {
        let timer: Scheduled<Void>
        init(_ timer: Scheduled<Void>) { self.timer = timer }
        func cancel() { timer.cancel() }
    }

    /// A will waiting for its delay to pass, and the timer that publishes it.
    final class DelayedWill {
        let message: BrokerMessage
        let timer: Scheduled<Void>
        init(message: BrokerMessage, timer: Scheduled<Void>) {
            self.message = message
            self.timer = timer
        }
    }

    let clientIdentifier: String
    /// Stored inline, like `connected`: a broker holds one session per client, idle ones included.
    let lock = InlineLock()
    private let connected = Atomic<Bool>(false)

    // Guarded by `lock`; the small fields first, so that they share a word.
    var drainScheduled = false
    var expiryInterval: UInt32 = 0
    var flow: OutboundFlow
    var connection: MQTTServerConnection?
    var subscriptions: [SharedFilter: Subscription] = [:]
    var inboundQoS2: Set<UInt16> = []
    /// Ends an offline session when its expiry interval has passed.
    var expiryTimer: ExpiryTimer?
    var delayedWill: DelayedWill?
    var generation = 0
    var droppedMessages = 0
    /// What the attached client may read; `nil` when no access control applies.
    var rules: AccessRules?
    /// Publishers paused because this session's queue is long; resumed when it drains.
    var pausedPublishers: [MQTTServerConnection] = []
    /// The queue length that pauses publishers (0: never).
    let backPressureQueueLength: Int
    /// For in-process subscribers: receives every delivery instead of a connection.
    let localSink: LocalSink?

    init(
        clientIdentifier: String, configuration: BrokerConfiguration,
        localSink: LocalSink? = nil
    ) {
        self.clientIdentifier = clientIdentifier
        self.flow = OutboundFlow(
            window: configuration.maximumInflightMessages, maximumQueued: configuration.maximumQueuedMessages,
            maximumQueuedBytes: configuration.maximumQueuedBytes)
        self.localSink = localSink
        self.backPressureQueueLength = configuration.backPressureQueueLength
    }

    /// Whether a connection is attached (read without the lock, for share-group choice).
    var isConnected: Bool { localSink != nil || connected.load(ordering: .relaxed) }

    /// Sets the attached connection; call with `lock` held.
    func setConnection(_ connection: MQTTServerConnection?) {
        self.connection = connection
        connected.store(connection != nil, ordering: .relaxed)
    }

    /// What became of a delivery.
    enum DeliveryOutcome {
        /// Queued (or handed to an in-process sink); `congested` when the publisher should pause.
        case queued(congested: Bool)
        /// Not for this session (QoS 0 while offline, or not readable under its ACL).
        case skipped
        /// Dropped because the queue was full.
        case dropped
    }

    /// Queues a message for this session and wakes its connection. When the queue of a connected
    /// session is long, `publisher` (if any, and not this session's own connection) is recorded to be
    /// resumed later and the outcome says so.
    @discardableResult
    func deliver(
        _ message: BrokerMessage, qos: MQTTQoS, retain: Bool, identifiers: [Int], publisher: MQTTServerConnection? = nil
    ) -> DeliveryOutcome {
        if let localSink {
            var copy = message
            copy.qos = min(qos, message.qos)
            copy.retain = retain
            guard localSink.deliver(copy), let publisher else { return .queued(congested: false) }
            lock.withLock {
                if !pausedPublishers.contains(where: { $0 === publisher }) { pausedPublishers.append(publisher) }
            }
            localSink.hasPausedPublishers.store(true, ordering: .releasing)
            // The consumer may have drained everything before the flag was set; then nobody else
            // would resume this publisher.
            if localSink.drainedWhilePausing() {
                let resume = lock.withLock { takePausedPublishers(all: true) }
                for paused in resume where paused !== publisher { paused.resumeReading() }
                return .queued(congested: false)
            }
            return .queued(congested: true)
        }
        let effective = min(qos, message.qos)
        var wake: MQTTServerConnection?
        let outcome: DeliveryOutcome = lock.withLock {
            if connection == nil && effective == .atMostOnce { return .skipped }
            if let rules, !rules.allows(message.topic, access: .read) { return .skipped }
            let result = flow.enqueue(
                .init(message: message, qos: effective, retain: retain, identifiers: identifiers))
            if result == .dropped {
                droppedMessages += 1
                return .dropped
            }
            if let connection, !drainScheduled {
                drainScheduled = true
                wake = connection
            }
            var congested = false
            if let publisher, let connection, connection !== publisher, backPressureQueueLength > 0,
                flow.queuedCount >= backPressureQueueLength
            {
                congested = true
                if !pausedPublishers.contains(where: { $0 === publisher }) { pausedPublishers.append(publisher) }
            }
            return .queued(congested: congested)
        }
        wake?.scheduleDrain()
        return outcome
    }

    /// Takes the paused publishers once the queue has drained to half the back-pressure length (or
    /// unconditionally with `all`); call with `lock` held.
    func takePausedPublishers(all: Bool = false) -> [MQTTServerConnection] {
        guard !pausedPublishers.isEmpty, all || flow.queuedCount <= backPressureQueueLength / 2 else { return [] }
        defer { pausedPublishers = [] }
        return pausedPublishers
    }
}

/// A mutual-exclusion lock stored inside its owner, without an allocation of its own.
struct InlineLock: ~Copyable, @unchecked Sendable {
    private let mutex = Mutex<Void>(())

    /// Runs `body` with the lock held.
    func withLock<Result>(_ body: () -> Result) -> Result {
        mutex.withLock { _ in
            nonisolated(unsafe) let result = body()
            return result
        }
    }
}
