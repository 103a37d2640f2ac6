import Atomics
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import OneCallCore
import OneCallMQTT

/// The MQTT broker's shared state: sessions, the subscription tree and the retained store, with the
/// routing of every message. Network listeners and in-process users both go through it.
///
/// All methods are thread-safe. Routing runs on the caller's thread (a publisher's event loop) and
/// hands each delivery to the subscriber's session, whose connection writes it on its own loop.
public final class Broker: Sendable {
    /// Limits and behaviour.
    public let configuration: BrokerConfiguration
    /// Counters shared with `$SYS` topics and metrics.
    public let statistics: BrokerStatistics
    /// Who may connect, publish and subscribe.
    public let security: BrokerSecurity
    let logger: Logger
    let timers: any EventLoopGroup

    /// Only touched under `state`'s lock.
    private struct State: @unchecked Sendable {
        var sessions: [String: BrokerSession] = [:]
        var tree = SubscriptionTree()
        var retained: [String: BrokerMessage] = [:]
        var retainedBytes = 0
        var localSubscriberCount = 0
    }

    private let state = NIOLockedValueBox(State())
    /// Network connections open now, whether or not they have sent CONNECT.
    let openConnections = ManagedAtomic(0)

    /// Creates a broker. `timers` runs session-expiry and will-delay timers.
    public init(
        configuration: BrokerConfiguration = BrokerConfiguration(), security: BrokerSecurity = BrokerSecurity(),
        statistics: BrokerStatistics = BrokerStatistics(),
        timers: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "onecall.broker")
    ) {
        self.configuration = configuration
        self.security = security
        self.statistics = statistics
        self.timers = timers
        self.logger = logger
    }

    // MARK: Routing

    /// Routes a message to every matching subscription and, when its RETAIN flag is set, updates the
    /// retained store. Returns the number of sessions it was given to, or `nil` when a new retained
    /// topic was refused because the store is full.
    @discardableResult
    public func publish(_ message: BrokerMessage) -> Int? {
        route(message, counted: true).delivered
    }

    /// What routing one message did.
    struct RouteOutcome {
        /// Sessions it was given to, or `nil` when a new retained topic was refused.
        var delivered: Int?
        /// Whether a subscriber's queue is long enough that the publisher should pause.
        var congested = false
    }

    /// Routes a message; `counted` is false for the broker's own `$SYS` updates, `publisher` is the
    /// connection it came from (for back-pressure).
    @discardableResult
    func route(_ message: BrokerMessage, counted: Bool, publisher: MQTTServerConnection? = nil) -> RouteOutcome {
        var refused = false
        let deliveries: [Delivery] = state.withLockedValue { state in
            if message.retain {
                refused = !storeRetained(message, in: &state)
            }
            return state.tree.match(topic: message.topic, publisher: message.publisherClientIdentifier)
        }
        if counted { statistics.add(.messagesReceived) }
        var outcome = RouteOutcome(delivered: 0)
        for delivery in deliveries {
            let retain = delivery.retainAsPublished ? message.retain : false
            switch delivery.session.deliver(
                message, qos: delivery.qos, retain: retain, identifiers: delivery.identifiers, publisher: publisher)
            {
            case .queued(let congested):
                outcome.delivered! += 1
                outcome.congested = outcome.congested || congested
            case .skipped:
                break
            case .dropped:
                statistics.add(.messagesDropped)
                logDrop(delivery.session)
            }
        }
        if refused { outcome.delivered = nil }
        return outcome
    }

    private func logDrop(_ session: BrokerSession) {
        let dropped = session.lock.withLock { session.droppedMessages }
        if dropped == 1 || dropped % 1000 == 0 {
            logger.warning(
                "session queue full; message dropped",
                metadata: ["mqtt.client_id": "\(session.clientIdentifier)", "mqtt.dropped": "\(dropped)"])
        }
    }

    /// Updates the retained store with `message`; returns false when a new topic was refused.
    private func storeRetained(_ message: BrokerMessage, in state: inout State) -> Bool {
        guard configuration.retainAvailable else { return true }
        let previous = state.retained[message.topic]
        if message.payload.readableBytes == 0 {
            if let previous {
                state.retained[message.topic] = nil
                state.retainedBytes -= previous.payload.readableBytes
                statistics.add(.retainedMessages, -1)
            }
            return true
        }
        let growth = message.payload.readableBytes - (previous?.payload.readableBytes ?? 0)
        if (previous == nil && state.retained.count >= configuration.maximumRetainedMessages)
            || state.retainedBytes + growth > configuration.maximumRetainedBytes
        {
            statistics.add(.retainedRefused)
            return false
        }
        var stored = message
        // Copy the payload so that a retained message does not pin the connection's read buffer.
        stored.payload = ByteBuffer(bytes: message.payload.readableBytesView)
        stored.retain = true
        state.retained[message.topic] = stored
        state.retainedBytes += growth
        if previous == nil { statistics.add(.retainedMessages) }
        return true
    }

    /// The retained messages whose topics match `filter`.
    func retainedMessages(matching filter: String) -> [BrokerMessage] {
        let now = BrokerClock.now()
        return state.withLockedValue { state in
            var result: [BrokerMessage] = []
            if !Topic.hasWildcard(filter) {
                if let m = state.retained[filter] { result.append(m) }
            } else {
                for (topic, m) in state.retained where Topic.matches(filter: filter, name: topic) {
                    result.append(m)
                }
            }
            return result.filter { m in
                guard let e = m.expiresAt else { return true }
                return e > now
            }
        }
    }

    /// How many retained messages are stored.
    public var retainedCount: Int { state.withLockedValue { $0.retained.count } }

    // MARK: Subscriptions

    /// Adds or replaces a session's subscription; returns whether it existed already.
    func subscribe(_ session: BrokerSession, filter: SharedFilter, options: MQTTSubscriptionOptions, identifier: Int?)
        -> Bool
    {
        let existed = state.withLockedValue { state in
            state.tree.insert(
                filter, entry: SubscriptionEntry(session: session, options: options, identifier: identifier))
        }
        session.lock.withLock {
            session.subscriptions[filter] = .init(options: options, identifier: identifier)
        }
        if !existed { statistics.add(.subscriptions) }
        return existed
    }

    /// Removes a session's subscription; returns whether it existed.
    func unsubscribe(_ session: BrokerSession, filter: SharedFilter) -> Bool {
        let removed = state.withLockedValue { $0.tree.remove(filter, clientIdentifier: session.clientIdentifier) }
        session.lock.withLock { session.subscriptions[filter] = nil }
        if removed { statistics.add(.subscriptions, -1) }
        return removed
    }

    // MARK: Sessions

    /// The result of attaching a connection to a session.
    struct Attachment {
        let session: BrokerSession
        let sessionPresent: Bool
        let previousConnection: MQTTServerConnection?
    }

    /// Finds or creates the session for `clientIdentifier` and attaches `connection` to it, taking over
    /// any connection that holds it. With `cleanStart` an existing session ends first.
    func attach(clientIdentifier: String, cleanStart: Bool, expiryInterval: UInt32, connection: MQTTServerConnection)
        -> Attachment
    {
        var ended: BrokerSession?
        let (session, present, previous): (BrokerSession, Bool, MQTTServerConnection?) = state.withLockedValue {
            state in
            var previous: MQTTServerConnection?
            if let existing = state.sessions[clientIdentifier] {
                previous = existing.lock.withLock {
                    let p = existing.connection
                    existing.setConnection(nil)
                    return p
                }
                if !cleanStart {
                    return (existing, true, previous)
                }
                removeSessionLocked(existing, state: &state)
                ended = existing
            }
            let session = BrokerSession(clientIdentifier: clientIdentifier, configuration: configuration)
            state.sessions[clientIdentifier] = session
            statistics.add(.sessions)
            return (session, false, previous)
        }
        if let ended { sessionEnded(ended) }
        session.lock.withLock {
            session.generation += 1
            session.expiryTimer?.cancel()
            session.expiryTimer = nil
            session.delayedWill?.timer.cancel()
            session.delayedWill = nil
            session.expiryInterval = expiryInterval
            session.setConnection(connection)
            session.drainScheduled = false
        }
        return Attachment(session: session, sessionPresent: present, previousConnection: previous)
    }

    /// Detaches `connection` from its session after the network connection closed. Publishes or
    /// schedules the will, and ends or schedules the end of the session by its expiry interval.
    func detach(_ session: BrokerSession, connection: MQTTServerConnection, will: BrokerMessage?, willDelay: UInt32) {
        var paused: [MQTTServerConnection] = []
        let (isCurrent, expiry, generation): (Bool, UInt32, Int) = session.lock.withLock {
            guard session.connection === connection else { return (false, 0, 0) }
            paused = session.takePausedPublishers(all: true)
            session.setConnection(nil)
            session.drainScheduled = false
            _ = session.flow.dropQueuedQoS0()
            return (true, session.expiryInterval, session.generation)
        }
        for publisher in paused { publisher.resumeReading() }
        guard isCurrent else {
            // Taken over: the will (if any) goes out now unless delayed; the new connection cancels delays.
            if let will, willDelay == 0 { publishWill(will) }
            return
        }
        if let will {
            if willDelay == 0 || expiry == 0 {
                publishWill(will)
            } else {
                let delay = min(willDelay, expiry)
                let timer = timers.next().scheduleTask(in: .seconds(Int64(delay))) { [self] in
                    let fire: BrokerMessage? = session.lock.withLock {
                        guard session.generation == generation, session.connection == nil else { return nil }
                        defer { session.delayedWill = nil }
                        return session.delayedWill?.message
                    }
                    if let fire { publishWill(fire) }
                }
                session.lock.withLock {
                    session.delayedWill = BrokerSession.DelayedWill(message: will, timer: timer)
                }
            }
        }
        if expiry == 0 {
            endSession(session, generation: generation)
        } else if expiry != UInt32.max {
            let timer = timers.next().scheduleTask(in: .seconds(Int64(expiry))) { [self] in
                endSession(session, generation: generation)
            }
            session.lock.withLock { session.expiryTimer = BrokerSession.ExpiryTimer(timer) }
        }
    }

    /// Ends a disconnected session if it has not been resumed since `generation`.
    private func endSession(_ session: BrokerSession, generation: Int) {
        let removed = state.withLockedValue { state -> Bool in
            let stillIdle = session.lock.withLock { session.generation == generation && session.connection == nil }
            guard stillIdle, state.sessions[session.clientIdentifier] === session else { return false }
            removeSessionLocked(session, state: &state)
            return true
        }
        if removed { sessionEnded(session) }
    }

    private func removeSessionLocked(_ session: BrokerSession, state: inout State) {
        let filters = session.lock.withLock { Array(session.subscriptions.keys) }
        for filter in filters where state.tree.remove(filter, clientIdentifier: session.clientIdentifier) {
            statistics.add(.subscriptions, -1)
        }
        state.sessions[session.clientIdentifier] = nil
        statistics.add(.sessions, -1)
    }

    /// After a session has left the table: a will still waiting for its delay goes out now.
    private func sessionEnded(_ session: BrokerSession) {
        let will: BrokerMessage? = session.lock.withLock {
            session.expiryTimer?.cancel()
            session.delayedWill?.timer.cancel()
            session.subscriptions = [:]
            defer { session.delayedWill = nil }
            return session.delayedWill?.message
        }
        if let will { publishWill(will) }
    }

    func publishWill(_ will: BrokerMessage) {
        statistics.add(.willsPublished)
        var message = will
        if let interval = will.properties.messageExpiryInterval {
            message.expiresAt = BrokerClock.now() + Double(interval)
            message.properties.messageExpiryInterval = nil
        }
        publish(message)
    }

    /// How many sessions exist (connected or not).
    public var sessionCount: Int { state.withLockedValue { $0.sessions.count } }

    /// Whether a client with this identifier is connected now.
    public func isConnected(clientIdentifier: String) -> Bool {
        state.withLockedValue { $0.sessions[clientIdentifier] }?.isConnected ?? false
    }

    // MARK: In-process API

    /// Publishes from inside OneCall, without a socket.
    @discardableResult
    public func publish(
        topic: String, payload: ByteBuffer, qos: MQTTQoS = .atMostOnce, retain: Bool = false,
        properties: MQTTProperties = MQTTProperties()
    ) throws(TopicError) -> Int? {
        try Topic.validateName(topic)
        return publish(BrokerMessage(topic: topic, payload: payload, qos: qos, retain: retain, properties: properties))
    }

    /// Subscribes from inside OneCall. Messages arrive on the returned subscription's `messages`,
    /// which buffers at most `bufferLimit` messages and `byteLimit` payload bytes; beyond either a
    /// new message is dropped and counted.
    /// When `backPressureLength` messages are buffered (default: the broker's back-pressure queue
    /// length), publishers pause until the consumer has taken half of them, as they do for a
    /// congested network subscriber. Retained messages that match are delivered first. Cancel by
    /// ending the iteration or calling `cancel`.
    public func subscribe(
        filter text: String, qos: MQTTQoS = .atLeastOnce, bufferLimit: Int = 10_000, byteLimit: Int = 64 << 20,
        backPressureLength: Int? = nil
    ) throws(TopicError) -> BrokerSubscription {
        let filter = try SharedFilter(parsing: text)
        let (stream, continuation) = AsyncStream.makeStream(
            of: BrokerMessage.self, bufferingPolicy: .unbounded)
        let id = state.withLockedValue { state -> Int in
            state.localSubscriberCount += 1
            return state.localSubscriberCount
        }
        let threshold = min(backPressureLength ?? configuration.backPressureQueueLength, bufferLimit)
        let sink = LocalSink(
            continuation: continuation, statistics: statistics, congestionThreshold: threshold,
            messageLimit: bufferLimit, byteLimit: byteLimit)
        let session = BrokerSession(clientIdentifier: "$local/\(id)", configuration: configuration, localSink: sink)
        if filter.group == nil {
            for message in retainedMessages(matching: filter.filter) {
                session.deliver(message, qos: qos, retain: true, identifiers: [])
            }
        }
        _ = subscribe(session, filter: filter, options: MQTTSubscriptionOptions(qos: qos), identifier: nil)
        let subscription = BrokerSubscription(
            stream: stream,
            onConsumed: { size in
                guard sink.consumed(size: size) else { return }
                let paused = session.lock.withLock { session.takePausedPublishers(all: true) }
                for publisher in paused { publisher.resumeReading() }
            },
            onCancel: { [self] in
                _ = unsubscribe(session, filter: filter)
                // What is buffered is still delivered; then the iteration ends.
                continuation.finish()
            })
        continuation.onTermination = { _ in subscription.cancel() }
        return subscription
    }
}

/// An in-process subscription: an async sequence of messages that ends when cancelled.
public final class BrokerSubscription: Sendable {
    /// The messages, in the order the broker routed them. Taking a message is what lets paused
    /// publishers resume, so a slow consumer slows publishers down instead of losing messages.
    public var messages: Messages { Messages(stream: stream, onConsumed: onConsumed) }

    private let stream: AsyncStream<BrokerMessage>
    private let onConsumed: @Sendable (Int) -> Void
    private let onCancel: NIOLockedValueBox<(@Sendable () -> Void)?>

    init(
        stream: AsyncStream<BrokerMessage>, onConsumed: @escaping @Sendable (Int) -> Void,
        onCancel: @escaping @Sendable () -> Void
    ) {
        self.stream = stream
        self.onConsumed = onConsumed
        self.onCancel = NIOLockedValueBox(onCancel)
    }

    /// Removes the subscription from the broker.
    public func cancel() {
        let action = onCancel.withLockedValue { value in
            defer { value = nil }
            return value
        }
        action?()
    }

    /// The messages of a subscription; iterate it once.
    public struct Messages: AsyncSequence, Sendable {
        public typealias Element = BrokerMessage
        let stream: AsyncStream<BrokerMessage>
        let onConsumed: @Sendable (Int) -> Void

        public func makeAsyncIterator() -> AsyncIterator {
            AsyncIterator(base: stream.makeAsyncIterator(), onConsumed: onConsumed)
        }

        /// Yields the next message and tells the broker it was taken.
        public struct AsyncIterator: AsyncIteratorProtocol {
            var base: AsyncStream<BrokerMessage>.AsyncIterator
            let onConsumed: @Sendable (Int) -> Void

            public mutating func next() async -> BrokerMessage? {
                let message = await base.next()
                if let message { onConsumed(message.payload.readableBytes) }
                return message
            }
        }
    }
}
