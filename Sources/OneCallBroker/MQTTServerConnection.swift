import Atomics
import Logging
import NIOCore
import OneCallCore
import OneCallMQTT

/// One client's network connection to the broker: frames bytes into packets, applies the MQTT
/// connection rules (CONNECT first, keep-alive, topic aliases, flow control, authorisation) and hands
/// messages to the ``Broker``. It reads and writes through an ``MQTTTransport``; all of its state is
/// confined to the transport's event loop.
final class MQTTServerConnection: @unchecked Sendable {
    private enum Phase {
        case awaitingConnect
        case connected
        case closed
    }

    let broker: Broker
    let eventLoop: any EventLoop
    /// Set while the connection is open; `nil` before it is activated and after it closed.
    private var transport: (any MQTTTransport)?
    /// Logs at debug level with the client id and remote address attached.
    private func debug(_ message: @autoclosure () -> Logger.Message, _ extra: Logger.Metadata = [:]) {
        broker.logger.debug(
            message(),
            metadata: extra.merging([
                "mqtt.client_id": "\(clientIdentifier)",
                "mqtt.remote": "\(transport?.remoteAddressDescription ?? "?")",
            ]) { a, _ in a })
    }
    private var cumulation: ByteBuffer?
    // The small fields together: a broker holds one connection per device, idle ones included.
    private var phase = Phase.awaitingConnect
    private(set) var version = MQTTProtocolVersion.v3_1_1
    private var connectExpiryWasZero = false
    private var needsDrain = false
    private var counted = false
    private var activated = false
    private var readingPaused = false
    /// Seconds, as the client asked or the server capped it.
    private var keepAlive: UInt16 = 0
    /// Topic aliases a 5.0 client may receive at most.
    private var outboundAliasLimit: UInt16 = 0
    private var clientMaximumPacketSize = UInt32.max
    private var clientIdentifier = ""
    private var session: BrokerSession?
    /// The will and its delay, boxed: most clients have none.
    private var will: PendingWill?
    private var lastReceived = NIODeadline.now()
    /// When an unfinished CONNECT times out.
    private var connectDeadline = NIODeadline.distantFuture
    /// Topic aliases in both directions and the pause timer, once needed.
    private var extras: Extras?
    private var rules: AccessRules?
    /// Packets encoded during this read (acks, SUBACKs, deliveries), written at the end of it.
    private var output: ByteBuffer?
    private static let allocator = ByteBufferAllocator()

    /// What only some connections need, allocated on first use.
    private final class Extras {
        var inboundAliases: [UInt16: String] = [:]
        var outboundAliases: [String: UInt16] = [:]
        /// Resumes reading when a publisher was paused for too long.
        var pauseTimer: Scheduled<Void>?
    }

    private var extrasCreated: Extras {
        if let extras { return extras }
        let created = Extras()
        extras = created
        return created
    }

    /// A will as the connection holds it until the connection ends.
    private final class PendingWill {
        let message: BrokerMessage
        let delay: UInt32
        init(_ message: BrokerMessage, delay: UInt32) {
            self.message = message
            self.delay = delay
        }
    }

    init(broker: Broker, eventLoop: any EventLoop) {
        self.broker = broker
        self.eventLoop = eventLoop
    }

    // MARK: Transport events

    /// The connection is open: counts it and starts the CONNECT deadline; returns `false` (and
    /// closes) when the broker is at its connection limit.
    @discardableResult
    func activate(_ transport: any MQTTTransport) -> Bool {
        guard !activated else { return false }
        activated = true
        self.transport = transport
        broker.statistics.add(.connectionsAccepted)
        if broker.openConnections.wrappingIncrementThenLoad(ordering: .relaxed)
            > broker.configuration.maximumConnections
        {
            broker.statistics.add(.connectionsRejected)
            counted = true
            transport.close()
            return false
        }
        counted = true
        connectDeadline = .now() + .milliseconds(Int64(broker.configuration.connectTimeout * 1000))
        return true
    }

    private func connectTimedOut() {
        broker.statistics.add(.connectTimeouts)
        debug("no CONNECT in time; closing")
        close()
    }

    /// Closes a connection whose CONNECT or keep-alive deadline has passed. Transports call it about
    /// twice a second, so that an idle connection holds no timer of its own.
    func checkDeadlines(now: NIODeadline) {
        switch phase {
        case .awaitingConnect:
            if now >= connectDeadline { connectTimedOut() }
        case .connected:
            if keepAlive > 0 && now >= lastReceived + .milliseconds(Int64(keepAlive) * 1500) { keepAliveTimedOut() }
        case .closed:
            break
        }
    }

    /// The connection closed (either side): ends the session's attachment and publishes the will.
    func inactive() {
        if counted { broker.openConnections.wrappingDecrement(ordering: .relaxed) }
        counted = false
        extras?.pauseTimer?.cancel()
        let wasConnected = phase == .connected
        phase = .closed
        cumulation = nil
        output = nil
        if wasConnected, let session {
            broker.statistics.add(.clientsConnected, -1)
            broker.detach(session, connection: self, will: will?.message, willDelay: will?.delay ?? 0)
        }
        session = nil
        transport = nil
    }

    /// Bytes from the client.
    func received(_ data: ByteBuffer) {
        guard phase != .closed else { return }
        var bytes = data
        broker.statistics.add(.bytesReceived, bytes.readableBytes)
        lastReceived = .now()
        if cumulation == nil {
            cumulation = bytes
        } else {
            cumulation!.writeBuffer(&bytes)
        }
        // Made per read rather than kept: the version is known once CONNECT has been handled.
        var decoder = MQTTPacketDecoder(
            version: phase == .awaitingConnect ? nil : version,
            maximumPacketSize: broker.configuration.maximumPacketSize)
        while phase != .closed, cumulation != nil {
            let packet: MQTTPacket?
            do {
                packet = try decoder.decode(&cumulation!)
            } catch {
                codecFailure(error)
                return
            }
            guard let packet else { break }
            broker.statistics.add(.packetsReceived)
            handle(packet)
        }
        if let c = cumulation, c.readableBytes == 0 {
            cumulation = nil
        } else if cumulation != nil {
            cumulation!.discardReadBytes()
        }
    }

    /// The end of one read from the client: drains what became sendable and flushes.
    func readComplete() {
        if needsDrain {
            needsDrain = false
            drain()
        }
        flushOutput()
    }

    /// Writes and flushes whatever has been encoded since the last flush.
    private func flushOutput() {
        guard let transport else { return }
        if let buffer = output, buffer.readableBytes > 0 {
            broker.statistics.add(.bytesSent, buffer.readableBytes)
            output = nil
            transport.write(buffer)
        }
        transport.flush()
    }

    /// The buffer that outgoing packets are encoded into until the next flush.
    private func withOutput(capacity: Int, _ body: (inout ByteBuffer) -> Void) {
        if output == nil { output = Self.allocator.buffer(capacity: capacity) }
        body(&output!)
    }

    /// The transport can take writes again.
    func becameWritable() {
        drain()
    }

    /// The transport failed (a reset, a TLS error): closes.
    func failed(_ error: any Error) {
        debug("connection error", ["error": "\(error)"])
        close()
    }

    // MARK: Packets

    private func handle(_ packet: MQTTPacket) {
        if phase == .awaitingConnect {
            guard case .connect(let connect) = packet else { return protocolViolation("first packet is not CONNECT") }
            return handleConnect(connect)
        }
        switch packet {
        case .publish(let p): handlePublish(p)
        case .puback(let ack):
            if let session, session.lock.withLock({ session.flow.acknowledge(ack.packetIdentifier) }) {
                needsDrain = true
            }
        case .pubrec(let ack):
            guard let session else { return }
            let known = session.lock.withLock {
                session.flow.received(pubrec: ack.packetIdentifier, failed: ack.reasonCode.isFailure)
            }
            if known {
                send(.pubrel(MQTTAck(packetIdentifier: ack.packetIdentifier)))
            } else {
                if ack.reasonCode.isFailure { needsDrain = true; return }
                send(.pubrel(MQTTAck(packetIdentifier: ack.packetIdentifier, reasonCode: .packetIdentifierNotFound)))
            }
        case .pubrel(let ack):
            guard let session else { return }
            let known = session.lock.withLock { session.inboundQoS2.remove(ack.packetIdentifier) != nil }
            send(
                .pubcomp(
                    MQTTAck(
                        packetIdentifier: ack.packetIdentifier, reasonCode: known ? .success : .packetIdentifierNotFound
                    )))
        case .pubcomp(let ack):
            if let session, session.lock.withLock({ session.flow.received(pubcomp: ack.packetIdentifier) }) {
                needsDrain = true
            }
        case .subscribe(let s): handleSubscribe(s)
        case .unsubscribe(let u): handleUnsubscribe(u)
        case .pingreq: send(.pingresp)
        case .disconnect(let d): handleDisconnect(d)
        case .connect: protocolViolation("second CONNECT")
        case .auth: protocolViolation("AUTH without an authentication method")
        case .connack, .suback, .unsuback, .pingresp: protocolViolation("server-to-client packet from a client")
        }
    }

    private func handleConnect(_ connect: MQTTConnect) {
        version = connect.protocolVersion
        let v5 = version == .v5
        var ackProperties = MQTTProperties()
        if connect.properties.authenticationMethod != nil {
            return refuseConnect(.badAuthenticationMethod, "enhanced authentication is not supported")
        }
        var clientID = connect.clientIdentifier
        if clientID.isEmpty {
            guard version != .v3_1, connect.cleanStart || v5 else {
                return refuseConnect(.clientIdentifierNotValid, "empty client identifier needs a clean session")
            }
            clientID = "onecall-" + RandomText.hex(randomBytes: 8)
            if v5 { ackProperties.assignedClientIdentifier = clientID }
        }
        if clientID.utf8.count > broker.configuration.maximumClientIdentifierLength {
            return refuseConnect(.clientIdentifierNotValid, "client identifier too long")
        }
        let identity: BrokerIdentity
        switch broker.security.authenticate(
            username: connect.username, password: connect.password,
            certificateIdentity: transport?.certificateIdentity)
        {
        case .accepted(let id): identity = id
        case .refused(let reason):
            broker.statistics.add(.authenticationFailures)
            return refuseConnect(reason, "authentication failed")
        }
        rules = broker.security.rules(username: identity.username, clientIdentifier: clientID)

        if let w = connect.will {
            do {
                try Topic.validateName(w.topic)
            } catch {
                return refuseConnect(.topicNameInvalid, "will topic: \(error)")
            }
            if let rules, !rules.allows(w.topic, access: .write) {
                broker.statistics.add(.authorizationDenials)
                return refuseConnect(.notAuthorized, "will topic not authorised")
            }
            var props = BrokerMessage.forwardedProperties(of: w.properties)
            props.messageExpiryInterval = w.properties.messageExpiryInterval
            will = PendingWill(
                BrokerMessage(
                    topic: w.topic, payload: ByteBuffer(bytes: w.payload.readableBytesView), qos: w.qos,
                    retain: w.retain, publisherClientIdentifier: clientID, properties: props),
                delay: w.properties.willDelayInterval ?? 0)
        }

        keepAlive = connect.keepAlive
        let maxKeepAlive = UInt16(clamping: broker.configuration.maximumKeepAlive)
        if maxKeepAlive > 0 && (keepAlive == 0 || keepAlive > maxKeepAlive) {
            if v5 {
                keepAlive = maxKeepAlive
                ackProperties.serverKeepAlive = maxKeepAlive
            }
        }

        var expiry: UInt32
        if v5 {
            expiry = connect.properties.sessionExpiryInterval ?? 0
            if expiry > broker.configuration.maximumSessionExpiryInterval {
                expiry = broker.configuration.maximumSessionExpiryInterval
                ackProperties.sessionExpiryInterval = expiry
            }
        } else {
            expiry = connect.cleanStart ? 0 : broker.configuration.maximumSessionExpiryInterval
        }
        connectExpiryWasZero = expiry == 0
        if v5 {
            if let m = connect.properties.maximumPacketSize { clientMaximumPacketSize = m }
            outboundAliasLimit = UInt16(
                clamping: min(
                    Int(connect.properties.topicAliasMaximum ?? 0), broker.configuration.outboundTopicAliasMaximum))
            ackProperties.receiveMaximum = UInt16(clamping: broker.configuration.receiveMaximum)
            ackProperties.maximumPacketSize = UInt32(clamping: broker.configuration.maximumPacketSize)
            ackProperties.topicAliasMaximum = UInt16(clamping: broker.configuration.topicAliasMaximum)
            if !broker.configuration.retainAvailable { ackProperties.retainAvailable = 0 }
        }
        clientIdentifier = clientID
        let attachment = broker.attach(
            clientIdentifier: clientID, cleanStart: connect.cleanStart, expiryInterval: expiry, connection: self)
        attachment.previousConnection?.takeOver()
        let session = attachment.session
        self.session = session
        let window = min(
            broker.configuration.maximumInflightMessages, Int(connect.properties.receiveMaximum ?? UInt16.max))
        let resend: [OutboundFlow.Outgoing] = session.lock.withLock {
            session.flow.window = max(1, window)
            session.rules = rules
            return session.flow.resend()
        }
        phase = .connected
        broker.statistics.add(.clientsConnected)
        send(
            .connack(
                MQTTConnAck(sessionPresent: attachment.sessionPresent, reasonCode: .success, properties: ackProperties))
        )
        debug(
            "client connected", ["mqtt.version": "\(version)", "mqtt.session_present": "\(attachment.sessionPresent)"])
        if !resend.isEmpty {
            withOutput(capacity: 256 * resend.count) { buffer in
                for item in resend { encode(item, into: &buffer) }
            }
        }
        needsDrain = true
    }

    private func refuseConnect(_ reason: MQTTReasonCode, _ why: String) {
        debug("connect refused", ["mqtt.reason": "\(reason)", "why": "\(why)"])
        send(.connack(MQTTConnAck(sessionPresent: false, reasonCode: reason)))
        will = nil
        close()
    }

    private func handlePublish(_ p: MQTTPublish) {
        guard let session else { return }
        let v5 = version == .v5
        var topic = p.topic
        if v5, let alias = p.properties.topicAlias {
            guard Int(alias) <= broker.configuration.topicAliasMaximum else {
                return disconnect(.topicAliasInvalid, "topic alias above maximum")
            }
            if topic.isEmpty {
                guard let known = extras?.inboundAliases[alias] else {
                    return protocolViolation("unknown topic alias")
                }
                topic = known
            } else {
                extrasCreated.inboundAliases[alias] = topic
            }
        }
        do {
            try Topic.validateName(topic)
        } catch {
            return disconnect(.topicNameInvalid, "invalid topic name: \(error)")
        }
        if p.retain && !broker.configuration.retainAvailable {
            return disconnect(.retainNotSupported, "retain not supported")
        }
        let id = p.packetIdentifier ?? 0
        if p.qos == .exactlyOnce {
            let (duplicate, count) = session.lock.withLock {
                (session.inboundQoS2.contains(id), session.inboundQoS2.count)
            }
            if duplicate {
                send(.pubrec(MQTTAck(packetIdentifier: id)))
                return
            }
            if v5 && count >= broker.configuration.receiveMaximum {
                return disconnect(.receiveMaximumExceeded, "receive maximum exceeded")
            }
        }
        if let rules, !rules.allows(topic, access: .write) {
            broker.statistics.add(.authorizationDenials)
            debug("publish not authorised", ["mqtt.topic": "\(topic)"])
            return acknowledge(p, reason: v5 ? .notAuthorized : .success)
        }
        if v5 && p.properties.payloadFormatIndicator == 1 {
            guard
                (try? p.payload.getUTF8ValidatedString(at: p.payload.readerIndex, length: p.payload.readableBytes))
                    != nil
            else {
                return acknowledge(p, reason: .payloadFormatInvalid)
            }
        }
        var message = BrokerMessage(
            topic: topic, payload: p.payload, qos: p.qos, retain: p.retain, publisherClientIdentifier: clientIdentifier)
        if v5 {
            message.properties = BrokerMessage.forwardedProperties(of: p.properties)
            if let interval = p.properties.messageExpiryInterval {
                message.expiresAt = BrokerClock.now() + Double(interval)
            }
        }
        if p.qos == .exactlyOnce { session.lock.withLock { _ = session.inboundQoS2.insert(id) } }
        let outcome = broker.route(message, counted: true, publisher: self)
        let delivered = outcome.delivered
        if outcome.congested { pauseReading() }
        var reason = MQTTReasonCode.success
        if v5 {
            if delivered == nil { reason = .quotaExceeded } else if delivered == 0 { reason = .noMatchingSubscribers }
        }
        acknowledge(p, reason: reason)
    }

    private func acknowledge(_ p: MQTTPublish, reason: MQTTReasonCode) {
        guard let id = p.packetIdentifier else { return }
        if p.qos == .atLeastOnce {
            send(.puback(MQTTAck(packetIdentifier: id, reasonCode: reason)))
        } else {
            if reason.isFailure, let session { session.lock.withLock { _ = session.inboundQoS2.remove(id) } }
            send(.pubrec(MQTTAck(packetIdentifier: id, reasonCode: reason)))
        }
    }

    private func handleSubscribe(_ s: MQTTSubscribe) {
        guard let session else { return }
        let v5 = version == .v5
        let identifier = s.properties.subscriptionIdentifiers.first
        var codes: [MQTTReasonCode] = []
        var retained: [(BrokerMessage, MQTTSubscriptionOptions)] = []
        for request in s.subscriptions {
            let filter: SharedFilter
            do {
                filter = try SharedFilter(parsing: request.topicFilter)
            } catch {
                codes.append(.topicFilterInvalid)
                continue
            }
            if filter.group != nil && request.options.noLocal {
                return protocolViolation("no-local on a shared subscription")
            }
            if let rules, !rules.allowsSubscribe(filter.filter) {
                broker.statistics.add(.authorizationDenials)
                codes.append(.notAuthorized)
                continue
            }
            let count = session.lock.withLock { session.subscriptions.count }
            if count >= broker.configuration.maximumSubscriptionsPerSession {
                codes.append(.quotaExceeded)
                continue
            }
            let existed = broker.subscribe(session, filter: filter, options: request.options, identifier: identifier)
            codes.append(MQTTReasonCode(rawValue: request.options.qos.rawValue))
            if filter.group == nil {
                let handling = v5 ? request.options.retainHandling : .sendOnSubscribe
                if handling == .sendOnSubscribe || (handling == .sendIfNew && !existed) {
                    for m in broker.retainedMessages(matching: filter.filter) { retained.append((m, request.options)) }
                }
            }
        }
        if !v5 { codes = codes.map { $0.isFailure ? MQTTReasonCode(rawValue: 0x80) : $0 } }
        send(.suback(MQTTSubAck(packetIdentifier: s.packetIdentifier, reasonCodes: codes)))
        for (message, options) in retained {
            session.deliver(message, qos: options.qos, retain: true, identifiers: identifier.map { [$0] } ?? [])
        }
    }

    private func handleUnsubscribe(_ u: MQTTUnsubscribe) {
        guard let session else { return }
        var codes: [MQTTReasonCode] = []
        for text in u.topicFilters {
            guard let filter = try? SharedFilter(parsing: text) else {
                codes.append(.topicFilterInvalid)
                continue
            }
            codes.append(broker.unsubscribe(session, filter: filter) ? .success : .noSubscriptionExisted)
        }
        send(.unsuback(MQTTUnsubAck(packetIdentifier: u.packetIdentifier, reasonCodes: codes)))
    }

    private func handleDisconnect(_ d: MQTTDisconnect) {
        if let expiry = d.properties.sessionExpiryInterval, let session {
            if connectExpiryWasZero && expiry != 0 {
                return protocolViolation("session expiry set on DISCONNECT after 0 on CONNECT")
            }
            session.lock.withLock {
                session.expiryInterval = min(expiry, broker.configuration.maximumSessionExpiryInterval)
            }
        }
        if d.reasonCode != .disconnectWithWill { will = nil }
        close()
    }

    // MARK: Outbound

    /// Asks the connection's loop to write what its session has queued.
    func scheduleDrain() {
        eventLoop.execute { self.drain() }
    }

    /// Writes queued messages while the channel is writable and the window allows.
    private func drain() {
        guard phase == .connected, let session, let transport else { return }
        guard transport.isWritable else {
            // Stay marked as scheduled: channelWritabilityChanged resumes.
            session.lock.withLock { session.drainScheduled = true }
            return
        }
        let batchLimit = 256
        var items: [OutboundFlow.Outgoing] = []
        var expired = 0
        var resume: [MQTTServerConnection] = []
        let more: Bool = session.lock.withLock {
            guard session.connection === self else { return false }
            let now = BrokerClock.now()
            while items.count < batchLimit, let item = session.flow.next(now: now, expired: &expired) {
                items.append(item)
            }
            session.drainScheduled = items.count == batchLimit
            resume = session.takePausedPublishers()
            return items.count == batchLimit
        }
        for publisher in resume { publisher.resumeReading() }
        if expired > 0 { broker.statistics.add(.messagesExpired, expired) }
        if !items.isEmpty {
            withOutput(capacity: 256 * items.count) { buffer in
                for item in items { encode(item, into: &buffer) }
            }
        }
        flushOutput()
        if more { scheduleDrain() }
    }

    private func encode(_ item: OutboundFlow.Outgoing, into buffer: inout ByteBuffer) {
        switch item {
        case .pubrel(let id):
            MQTTPacket.pubrel(MQTTAck(packetIdentifier: id)).write(to: &buffer, version: version)
            broker.statistics.add(.packetsSent)
        case .publish(let pending, let id, let duplicate):
            var publish = MQTTPublish(
                topic: pending.message.topic, payload: pending.message.payload, qos: pending.qos,
                retain: pending.retain,
                duplicate: duplicate, packetIdentifier: id)
            if version == .v5 {
                publish.properties = pending.message.properties
                publish.properties.subscriptionIdentifiers = pending.identifiers
                if let expiresAt = pending.message.expiresAt {
                    publish.properties.messageExpiryInterval = UInt32(
                        max(1, (expiresAt - BrokerClock.now()).rounded(.up)))
                }
                if outboundAliasLimit > 0 {
                    let extras = extrasCreated
                    if let alias = extras.outboundAliases[publish.topic] {
                        publish.properties.topicAlias = alias
                        publish.topic = ""
                    } else if extras.outboundAliases.count < Int(outboundAliasLimit) {
                        let alias = UInt16(extras.outboundAliases.count + 1)
                        extras.outboundAliases[publish.topic] = alias
                        publish.properties.topicAlias = alias
                    }
                }
            }
            let packet = MQTTPacket.publish(publish)
            if packet.encodedSize(version: version) > Int(clientMaximumPacketSize) {
                broker.statistics.add(.messagesOversized)
                if let id, let session { session.lock.withLock { session.flow.discard(id) } }
                return
            }
            packet.write(to: &buffer, version: version)
            broker.statistics.add(.packetsSent)
            broker.statistics.add(.messagesSent)
        }
    }

    private func send(_ packet: MQTTPacket) {
        guard transport != nil, phase != .closed else { return }
        withOutput(capacity: 64) { packet.write(to: &$0, version: version) }
        broker.statistics.add(.packetsSent)
    }

    // MARK: Back-pressure

    /// Stops reading from this client until a congested subscriber drains (or the pause limit passes).
    private func pauseReading() {
        guard !readingPaused, let transport else { return }
        readingPaused = true
        transport.setReadingPaused(true)
        let limit = TimeAmount.milliseconds(Int64(broker.configuration.publisherPauseLimit * 1000))
        extrasCreated.pauseTimer = eventLoop.scheduleTask(in: limit) { [weak self] in self?.resumeNow() }
    }

    /// Reads from this client again; may be called from any thread.
    func resumeReading() {
        eventLoop.execute { self.resumeNow() }
    }

    private func resumeNow() {
        guard readingPaused, phase != .closed, let transport else { return }
        readingPaused = false
        extras?.pauseTimer?.cancel()
        extras?.pauseTimer = nil
        transport.setReadingPaused(false)
    }

    // MARK: Closing

    /// The server is stopping: tell a 5.0 client why, then close.
    func shutDown() {
        eventLoop.execute {
            self.disconnect(.serverShuttingDown, "server shutting down")
        }
    }

    /// Another connection took this session over: tell a 5.0 client why, then close.
    func takeOver() {
        eventLoop.execute {
            self.disconnect(.sessionTakenOver, "session taken over")
        }
    }

    private func codecFailure(_ error: MQTTCodecError) {
        switch error.reasonCode {
        case .malformedPacket: broker.statistics.add(.malformedPackets)
        default: broker.statistics.add(.protocolErrors)
        }
        debug("bad packet", ["error": "\(error)"])
        if phase == .awaitingConnect {
            if error.reasonCode == .unsupportedProtocolVersion {
                // The version is unknown: answer in 3.1.1 form, which every version can read (MQTT-3.1.2-2).
                send(.connack(MQTTConnAck(reasonCode: .unsupportedProtocolVersion)))
            }
            close()
        } else {
            disconnect(error.reasonCode, error.message)
        }
    }

    private func protocolViolation(_ why: String) {
        broker.statistics.add(.protocolErrors)
        disconnect(.protocolError, why)
    }

    /// Closes the connection; a 5.0 client that is connected is first sent DISCONNECT with `reason`.
    ///
    /// After a DISCONNECT the connection closes gently: the session ends at once (the will is
    /// published, a new connection may take the client id over), the server stops writing, and
    /// what the client still sends is read and dropped for up to a second before the socket
    /// closes. A client that was writing when the DISCONNECT came (acknowledgements in flight)
    /// then reads the reason instead of failing on a reset connection.
    private func disconnect(_ reason: MQTTReasonCode, _ why: String) {
        guard phase != .closed else { return }
        debug("closing connection", ["mqtt.reason": "\(reason)", "why": "\(why)"])
        guard phase == .connected && version == .v5, let transport else {
            close()
            return
        }
        var properties = MQTTProperties()
        properties.reasonString = why
        send(.disconnect(MQTTDisconnect(reasonCode: reason, properties: properties)))
        flushOutput()
        phase = .closed
        cumulation = nil
        if let session {
            broker.statistics.add(.clientsConnected, -1)
            broker.detach(session, connection: self, will: will?.message, willDelay: will?.delay ?? 0)
        }
        session = nil
        transport.closeGently()
    }

    private func close() {
        guard let transport, phase != .closed else { return }
        flushOutput()
        transport.close()
    }

    private func keepAliveTimedOut() {
        broker.statistics.add(.keepAliveTimeouts)
        disconnect(.keepAliveTimeout, "keep alive timeout")
    }
}
