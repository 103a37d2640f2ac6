import Atomics
import Logging
import NIOCore
import NIOPosix
import NIOSSL

/// An MQTT 3.1.1/5.0 client: connect (user name/password, TLS), publish and subscribe at QoS 0, 1 and
/// 2, keep-alive, and reconnection with back-off that resumes the session — re-sending unacknowledged
/// messages, and re-subscribing when the broker kept no session.
///
/// All state lives on one event loop; the async methods hop onto it.
public final class MQTTClient: @unchecked Sendable {
    /// The connection settings.
    public let configuration: MQTTClientConfiguration
    /// Messages the broker delivers, in arrival order.
    public let messages: AsyncStream<MQTTPublish>
    /// Incoming messages dropped because ``messages`` was not read fast enough.
    public var droppedMessages: Int { dropped.load(ordering: .relaxed) }

    private let continuation: AsyncStream<MQTTPublish>.Continuation
    private let eventLoop: any EventLoop
    private let logger: Logger
    private let dropped = ManagedAtomic(0)

    private enum State { case idle, connecting, connected, waitingToReconnect, disconnecting, shutDown }

    private struct Outgoing {
        enum Stage { case unsent, awaitingAck, awaitingComplete }
        var publish: MQTTPublish
        var stage: Stage
        let promise: EventLoopPromise<Void>
    }

    // Confined to `eventLoop`.
    private var state = State.idle
    private var channel: (any Channel)?
    private var connectPromise: EventLoopPromise<MQTTConnAck>?
    private var connectTimer: Scheduled<Void>?
    private var pingTimer: RepeatedTask?
    private var pingOutstanding = false
    private var nextIdentifier: UInt16 = 0
    private var outgoing: [UInt16: Outgoing] = [:]
    private var order: [UInt16] = []
    private var subscribeRequests: [UInt16: EventLoopPromise<MQTTSubAck>] = [:]
    private var unsubscribeRequests: [UInt16: EventLoopPromise<MQTTUnsubAck>] = [:]
    private var inboundQoS2: Set<UInt16> = []
    private var inboundAliases: [UInt16: String] = [:]
    private var subscriptions: [String: MQTTSubscription] = [:]
    private var attempts = 0
    private var brokerReceiveMaximum = Int(UInt16.max)
    /// Whether the first CONNACK has been received, so that further connects are reconnects.
    private var reconnecting: Bool { connectPromise == nil }

    /// Creates a client; nothing happens until ``connect()``.
    public init(
        configuration: MQTTClientConfiguration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "onecall.mqtt.client")
    ) {
        self.configuration = configuration
        self.eventLoop = eventLoopGroup.next()
        var logger = logger
        logger[metadataKey: "mqtt.client_id"] = "\(configuration.clientIdentifier)"
        self.logger = logger
        (messages, continuation) = AsyncStream.makeStream(
            of: MQTTPublish.self, bufferingPolicy: .bufferingOldest(configuration.messageBufferLimit))
    }

    // MARK: Public API

    /// Connects and waits for CONNACK; after a successful connect, a lost connection is re-established
    /// by the reconnection policy.
    @discardableResult
    public func connect() async throws -> MQTTConnAck {
        try await eventLoop.flatSubmit { () -> EventLoopFuture<MQTTConnAck> in
            guard self.state == .idle else {
                return self.eventLoop.makeFailedFuture(MQTTClientError(.protocolError))
            }
            let promise = self.eventLoop.makePromise(of: MQTTConnAck.self)
            self.connectPromise = promise
            self.open()
            return promise.futureResult
        }.get()
    }

    /// Publishes a message; returns when it is sent (QoS 0), acknowledged (QoS 1) or complete (QoS 2).
    /// While reconnecting, QoS 1 and 2 messages wait and are sent once connected.
    public func publish(
        topic: String, payload: ByteBuffer, qos: MQTTQoS = .atMostOnce, retain: Bool = false,
        properties: MQTTProperties = MQTTProperties()
    ) async throws {
        try await eventLoop.flatSubmit { () -> EventLoopFuture<Void> in
            var publish = MQTTPublish(topic: topic, payload: payload, qos: qos, retain: retain, properties: properties)
            switch self.state {
            case .shutDown, .disconnecting, .idle:
                return self.eventLoop.makeFailedFuture(MQTTClientError(.notConnected))
            case .connecting, .waitingToReconnect:
                guard qos != .atMostOnce else { return self.eventLoop.makeFailedFuture(MQTTClientError(.notConnected)) }
            case .connected:
                break
            }
            if qos == .atMostOnce {
                return self.write(.publish(publish))
            }
            let id = self.allocateIdentifier()
            publish.packetIdentifier = id
            let promise = self.eventLoop.makePromise(of: Void.self)
            self.outgoing[id] = Outgoing(publish: publish, stage: .unsent, promise: promise)
            self.order.append(id)
            if self.state == .connected { self.sendPending() }
            return promise.futureResult
        }.get()
    }

    /// Subscribes; the broker's SUBACK says what was granted. The subscriptions are remembered and
    /// renewed after a reconnect to a broker that kept no session.
    @discardableResult
    public func subscribe(_ requests: [MQTTSubscription], properties: MQTTProperties = MQTTProperties()) async throws
        -> MQTTSubAck
    {
        try await eventLoop.flatSubmit { () -> EventLoopFuture<MQTTSubAck> in
            guard self.state == .connected else {
                return self.eventLoop.makeFailedFuture(MQTTClientError(.notConnected))
            }
            for r in requests { self.subscriptions[r.topicFilter] = r }
            let id = self.allocateIdentifier()
            let promise = self.eventLoop.makePromise(of: MQTTSubAck.self)
            self.subscribeRequests[id] = promise
            self.write(.subscribe(MQTTSubscribe(packetIdentifier: id, subscriptions: requests, properties: properties)))
                .cascadeFailure(to: promise)
            return promise.futureResult
        }.get()
    }

    /// Subscribes to one filter.
    @discardableResult
    public func subscribe(to filter: String, qos: MQTTQoS = .atLeastOnce) async throws -> MQTTSubAck {
        try await subscribe([MQTTSubscription(topicFilter: filter, options: .init(qos: qos))])
    }

    /// Unsubscribes.
    @discardableResult
    public func unsubscribe(_ filters: [String]) async throws -> MQTTUnsubAck {
        try await eventLoop.flatSubmit { () -> EventLoopFuture<MQTTUnsubAck> in
            guard self.state == .connected else {
                return self.eventLoop.makeFailedFuture(MQTTClientError(.notConnected))
            }
            for f in filters { self.subscriptions[f] = nil }
            let id = self.allocateIdentifier()
            let promise = self.eventLoop.makePromise(of: MQTTUnsubAck.self)
            self.unsubscribeRequests[id] = promise
            self.write(.unsubscribe(MQTTUnsubscribe(packetIdentifier: id, topicFilters: filters))).cascadeFailure(
                to: promise)
            return promise.futureResult
        }.get()
    }

    /// Sends DISCONNECT (normal, so no will), closes, and stops reconnecting. Pending operations fail.
    public func disconnect() async {
        let closed: EventLoopFuture<Void> = eventLoop.flatSubmit {
            self.state = .shutDown
            guard let channel = self.channel else {
                self.failAll(MQTTClientError(.shutDown))
                return self.eventLoop.makeSucceededVoidFuture()
            }
            _ = self.write(.disconnect(MQTTDisconnect()))
            return channel.close().recover { _ in }
        }
        try? await closed.get()
        continuation.finish()
    }

    // MARK: Connection

    private func open() {
        state = .connecting
        let configuration = self.configuration
        var bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(configuration.connectTimeout)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
        let sslContext: NIOSSLContext?
        do {
            sslContext = try configuration.tls.map { try NIOSSLContext(configuration: $0) }
        } catch {
            return connectionFailed(error)
        }
        bootstrap = bootstrap.channelInitializer { channel in
            channel.eventLoop.makeCompletedFuture {
                if let sslContext {
                    let name = configuration.tlsServerName ?? configuration.host
                    let serverName = name.first?.isNumber == true || name.contains(":") ? nil : name
                    try channel.pipeline.syncOperations.addHandler(
                        try NIOSSLClientHandler(context: sslContext, serverHostname: serverName))
                }
                try channel.pipeline.syncOperations.addHandler(
                    MQTTClientHandler(client: self, configuration: configuration))
            }
        }
        connectTimer = eventLoop.scheduleTask(in: configuration.connectTimeout) { [weak self] in
            guard let self, self.state == .connecting else { return }
            self.channel?.close(promise: nil)
            self.connectionFailed(MQTTClientError(.timeout))
        }
        bootstrap.connect(host: configuration.host, port: configuration.port).whenComplete { result in
            switch result {
            case .success(let channel):
                guard self.state == .connecting else {
                    channel.close(promise: nil)
                    return
                }
                self.channel = channel
                // A reconnect asks to resume the session (5.0 clean start is only for the first connect).
                var properties = MQTTProperties()
                if configuration.protocolVersion == .v5 {
                    properties.sessionExpiryInterval = configuration.sessionExpiryInterval
                    properties.maximumPacketSize = UInt32(clamping: configuration.maximumPacketSize)
                    properties.receiveMaximum = UInt16(clamping: max(1, min(65535, configuration.messageBufferLimit)))
                }
                let connect = MQTTConnect(
                    protocolVersion: configuration.protocolVersion, clientIdentifier: configuration.clientIdentifier,
                    cleanStart: self.reconnecting
                        ? configuration.protocolVersion != .v5 && configuration.cleanStart : configuration.cleanStart,
                    keepAlive: configuration.keepAlive, username: configuration.username,
                    password: configuration.password, will: configuration.will, properties: properties)
                _ = self.write(.connect(connect))
            case .failure(let error):
                self.connectionFailed(error)
            }
        }
    }

    /// A connect attempt failed before CONNACK.
    private func connectionFailed(_ error: any Error) {
        connectTimer?.cancel()
        channel = nil
        if let promise = connectPromise {
            connectPromise = nil
            state = .idle
            failAll(MQTTClientError(.connectionClosed))
            promise.fail(error)
            return
        }
        scheduleReconnect()
    }

    private func scheduleReconnect() {
        guard state != .shutDown, state != .disconnecting, let policy = configuration.reconnect else {
            state = state == .shutDown ? .shutDown : .idle
            failAll(MQTTClientError(.connectionClosed))
            return
        }
        state = .waitingToReconnect
        let base = Double(policy.initialDelay.nanoseconds) * Double(1 << min(attempts, 16))
        let capped = min(base, Double(policy.maximumDelay.nanoseconds))
        let delay = capped * (1 + Double.random(in: 0...max(0, policy.jitter)))
        attempts += 1
        logger.debug("reconnecting", metadata: ["mqtt.attempt": "\(attempts)", "mqtt.delay_ms": "\(Int(delay / 1e6))"])
        eventLoop.scheduleTask(in: .nanoseconds(Int64(delay))) { [weak self] in
            guard let self, self.state == .waitingToReconnect else { return }
            self.open()
        }
    }

    // MARK: From the channel handler (on the loop)

    func received(_ packet: MQTTPacket) {
        switch packet {
        case .connack(let ack): handleConnAck(ack)
        case .publish(var p):
            if let alias = p.properties.topicAlias {
                if p.topic.isEmpty {
                    guard let known = inboundAliases[alias] else {
                        // An alias the broker never defined is a protocol error (MQTT 5.0 §3.3.2.3.4).
                        channel?.close(promise: nil)
                        return
                    }
                    p.topic = known
                } else {
                    inboundAliases[alias] = p.topic
                }
            }
            switch p.qos {
            case .atMostOnce:
                deliver(p)
            case .atLeastOnce:
                deliver(p)
                _ = write(.puback(MQTTAck(packetIdentifier: p.packetIdentifier ?? 0)))
            case .exactlyOnce:
                let id = p.packetIdentifier ?? 0
                if inboundQoS2.insert(id).inserted { deliver(p) }
                _ = write(.pubrec(MQTTAck(packetIdentifier: id)))
            }
        case .puback(let ack):
            if let entry = outgoing[ack.packetIdentifier], entry.publish.qos == .atLeastOnce {
                complete(ack.packetIdentifier, failure: ack.reasonCode.isFailure ? ack.reasonCode : nil)
            }
        case .pubrec(let ack):
            guard var entry = outgoing[ack.packetIdentifier] else {
                _ = write(
                    .pubrel(MQTTAck(packetIdentifier: ack.packetIdentifier, reasonCode: .packetIdentifierNotFound)))
                return
            }
            if ack.reasonCode.isFailure {
                complete(ack.packetIdentifier, failure: ack.reasonCode)
                return
            }
            entry.stage = .awaitingComplete
            outgoing[ack.packetIdentifier] = entry
            _ = write(.pubrel(MQTTAck(packetIdentifier: ack.packetIdentifier)))
        case .pubrel(let ack):
            inboundQoS2.remove(ack.packetIdentifier)
            _ = write(.pubcomp(MQTTAck(packetIdentifier: ack.packetIdentifier)))
        case .pubcomp(let ack):
            if outgoing[ack.packetIdentifier]?.stage == .awaitingComplete {
                complete(ack.packetIdentifier, failure: nil)
            }
        case .suback(let ack):
            subscribeRequests.removeValue(forKey: ack.packetIdentifier)?.succeed(ack)
        case .unsuback(let ack):
            unsubscribeRequests.removeValue(forKey: ack.packetIdentifier)?.succeed(ack)
        case .pingresp:
            pingOutstanding = false
        case .disconnect(let d):
            logger.debug("broker sent DISCONNECT", metadata: ["mqtt.reason": "\(d.reasonCode)"])
        case .connect, .subscribe, .unsubscribe, .pingreq, .auth:
            channel?.close(promise: nil)
        }
    }

    func channelClosed(_ closed: any Channel) {
        guard channel === closed || (channel == nil && state == .connecting) else { return }
        if state == .idle {
            channel = nil
            return
        }
        channel = nil
        pingTimer?.cancel()
        pingTimer = nil
        inboundAliases = [:]
        for (_, promise) in subscribeRequests { promise.fail(MQTTClientError(.connectionClosed)) }
        for (_, promise) in unsubscribeRequests { promise.fail(MQTTClientError(.connectionClosed)) }
        subscribeRequests = [:]
        unsubscribeRequests = [:]
        if state == .connecting, connectPromise != nil {
            connectionFailed(MQTTClientError(.connectionClosed))
            return
        }
        if state == .shutDown || state == .disconnecting {
            failAll(MQTTClientError(.shutDown))
            return
        }
        scheduleReconnect()
    }

    private func handleConnAck(_ ack: MQTTConnAck) {
        connectTimer?.cancel()
        guard ack.reasonCode == .success else {
            let error = MQTTClientError(.connectionRefused, reasonCode: ack.reasonCode)
            // A refused first connect ends here (idle, no reconnect); a refused reconnect retries.
            let promise = connectPromise
            if promise != nil {
                connectPromise = nil
                state = .idle
            }
            channel?.close(promise: nil)
            promise?.fail(error)
            return
        }
        state = .connected
        attempts = 0
        brokerReceiveMaximum = Int(ack.properties.receiveMaximum ?? UInt16.max)
        if !ack.sessionPresent {
            inboundQoS2 = []
            // The broker has no session: what was in flight is sent again as new, and the
            // subscriptions are renewed.
            for id in order { outgoing[id]?.stage = .unsent }
            if connectPromise == nil && !subscriptions.isEmpty {
                let id = allocateIdentifier()
                _ = write(.subscribe(MQTTSubscribe(packetIdentifier: id, subscriptions: Array(subscriptions.values))))
            }
        }
        let keepAlive = Int64(ack.properties.serverKeepAlive ?? configuration.keepAlive)
        if keepAlive > 0 {
            pingOutstanding = false
            pingTimer = eventLoop.scheduleRepeatedTask(initialDelay: .seconds(keepAlive), delay: .seconds(keepAlive)) {
                [weak self] _ in
                guard let self, let channel = self.channel else { return }
                if self.pingOutstanding {
                    channel.close(promise: nil)
                } else {
                    self.pingOutstanding = true
                    _ = self.write(.pingreq)
                }
            }
        }
        sendPending(resend: ack.sessionPresent)
        connectPromise?.succeed(ack)
        connectPromise = nil
    }

    // MARK: Helpers

    private func sendPending(resend: Bool = false) {
        var inFlight = outgoing.values.filter { $0.stage != .unsent }.count
        for id in order {
            guard var entry = outgoing[id] else { continue }
            switch entry.stage {
            case .awaitingComplete where resend:
                _ = write(.pubrel(MQTTAck(packetIdentifier: id)))
            case .awaitingAck where resend:
                entry.publish.duplicate = true
                outgoing[id] = entry
                _ = write(.publish(entry.publish))
            case .unsent where inFlight < brokerReceiveMaximum:
                entry.stage = .awaitingAck
                outgoing[id] = entry
                inFlight += 1
                _ = write(.publish(entry.publish))
            default:
                continue
            }
        }
    }

    private func complete(_ id: UInt16, failure: MQTTReasonCode?) {
        guard let entry = outgoing.removeValue(forKey: id) else { return }
        order.removeAll { $0 == id }
        if let failure {
            entry.promise.fail(MQTTClientError(.protocolError, reasonCode: failure))
        } else {
            entry.promise.succeed(())
        }
        if state == .connected { sendPending() }
    }

    private func failAll(_ error: MQTTClientError) {
        for (_, entry) in outgoing { entry.promise.fail(error) }
        outgoing = [:]
        order = []
        for (_, p) in subscribeRequests { p.fail(error) }
        for (_, p) in unsubscribeRequests { p.fail(error) }
        subscribeRequests = [:]
        unsubscribeRequests = [:]
    }

    private func deliver(_ publish: MQTTPublish) {
        if case .dropped = continuation.yield(publish) { dropped.wrappingIncrement(ordering: .relaxed) }
    }

    private func allocateIdentifier() -> UInt16 {
        repeat {
            nextIdentifier = nextIdentifier == UInt16.max ? 1 : nextIdentifier + 1
        } while outgoing[nextIdentifier] != nil || subscribeRequests[nextIdentifier] != nil
            || unsubscribeRequests[nextIdentifier] != nil
        return nextIdentifier
    }

    @discardableResult
    private func write(_ packet: MQTTPacket) -> EventLoopFuture<Void> {
        guard let channel else { return eventLoop.makeFailedFuture(MQTTClientError(.notConnected)) }
        var buffer = channel.allocator.buffer(capacity: packet.encodedSize(version: configuration.protocolVersion))
        packet.write(to: &buffer, version: configuration.protocolVersion)
        return channel.writeAndFlush(buffer)
    }
}

/// Frames the bytes of a client connection into packets for its ``MQTTClient``.
final class MQTTClientHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer

    private let client: MQTTClient
    private var decoder: MQTTPacketDecoder
    private var cumulation: ByteBuffer?

    init(client: MQTTClient, configuration: MQTTClientConfiguration) {
        self.client = client
        self.decoder = MQTTPacketDecoder(
            version: configuration.protocolVersion, maximumPacketSize: configuration.maximumPacketSize)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        if cumulation == nil { cumulation = bytes } else { cumulation!.writeBuffer(&bytes) }
        do {
            while let packet = try decoder.decode(&cumulation!) { client.received(packet) }
        } catch {
            context.close(promise: nil)
            return
        }
        if cumulation!.readableBytes == 0 { cumulation = nil } else { cumulation!.discardReadBytes() }
    }

    func channelInactive(context: ChannelHandlerContext) {
        client.channelClosed(context.channel)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
