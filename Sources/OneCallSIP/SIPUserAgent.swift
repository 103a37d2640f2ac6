import Logging
import NIOCore
import NIOPosix

/// A SIP user agent over UDP (RFC 3261) that places outbound calls through an outbound proxy,
/// speaks G.711 audio over RTP and receives key presses; it can also REGISTER.
///
/// The signalling logic is in ``SIPCallStateMachine`` and ``SIPRegistrationStateMachine``; this
/// actor moves datagrams, runs their timers on the event loop, and routes messages by Call-ID.
/// Call ``start()`` before dialing and ``shutdown()`` at the end: the agent owns one task, which
/// reads the socket until then.
public actor SIPUserAgent {
    /// What reaches the agent's input stream: datagrams from the socket, timers, and requests from
    /// cancellation handlers (which cannot await).
    enum Input: Sendable {
        case datagram([UInt8], SocketAddress)
        case callTimer(String, SIPCallStateMachine.Timer, UInt64)
        case registrationTimer(String, SIPRegistrationStateMachine.Timer, UInt64)
        case cancelDial(String)
        case callSendFailed(String, SIPError)
        case registrationSendFailed(String, SIPError)
    }

    private struct CallRecord {
        var machine: SIPCallStateMachine
        var session: RTPSession
        var dialWaiter: CheckedContinuation<SIPCallStateMachine.DialResult, Never>?
        var hangUpWaiters: [CheckedContinuation<Void, Never>] = []
        var timers: [SIPCallStateMachine.Timer: (generation: UInt64, task: Scheduled<Void>)] = [:]
    }

    private struct RegistrationRecord {
        var machine: SIPRegistrationStateMachine
        var waiter: CheckedContinuation<SIPRegistrationStateMachine.Outcome, Never>?
        var timers: [SIPRegistrationStateMachine.Timer: (generation: UInt64, task: Scheduled<Void>)] = [:]
    }

    /// The configuration the agent runs with.
    public nonisolated let configuration: SIPUserAgentConfiguration
    private let group: any EventLoopGroup
    private let logger: Logger
    private let counters = SIPCounters()
    private let parser: SIPMessageParser
    private var channel: (any Channel)?
    private var proxyAddress: SocketAddress?
    private var reader: Task<Void, Never>?
    /// Reads the socket's datagrams (a bounded stream of their own, so that a flood of datagrams
    /// can never crowd out the timers and control events on `input`).
    private var datagramReader: Task<Void, Never>?
    private var datagramInput: AsyncStream<Input>.Continuation?
    /// The start in progress, which concurrent callers of `start()` wait for.
    private var starting: Task<Void, any Error>?

    /// Datagrams waiting to be processed at most; more are dropped and counted.
    static let datagramBacklog = 256
    private var input: AsyncStream<Input>.Continuation?
    private var calls: [String: CallRecord] = [:]
    private var registrations: [String: RegistrationRecord] = [:]
    private let registrationCallID: String
    private var registrationCSeq: UInt32 = 0
    private var timerGeneration: UInt64 = 0
    private var random = SystemRandomNumberGenerator()

    /// Creates an agent; nothing is bound until ``start()``.
    public init(
        configuration: SIPUserAgentConfiguration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "onecall.sip")
    ) {
        self.configuration = configuration
        self.group = eventLoopGroup
        self.logger = logger
        self.parser = SIPMessageParser(limits: configuration.limits)
        var random = SystemRandomNumberGenerator()
        self.registrationCallID = SIPSyntax.randomHex(byteCount: 16, using: &random)
    }

    /// What the agent has accepted, rejected and dropped.
    public nonisolated var statistics: SIPStatistics { counters.snapshot }

    /// The local SIP port, once started.
    public var localPort: Int? { channel?.localAddress?.port }

    /// Whether the agent is running.
    public var isRunning: Bool { channel != nil }

    /// Binds the SIP socket, resolves the outbound proxy and starts reading. Does nothing when
    /// already running; throws ``SIPError`` for an invalid configuration or a socket that cannot be bound.
    public func start() async throws(SIPError) {
        guard channel == nil else { return }
        let task: Task<Void, any Error>
        if let starting {
            task = starting
        } else {
            task = Task { try await self.bindAndRead() }
            starting = task
        }
        defer { starting = nil }
        do {
            try await task.value
        } catch let error as SIPError {
            throw error
        } catch {
            throw SIPError(.transportFailed, "the agent did not start", detail: "\(error)")
        }
    }

    private func bindAndRead() async throws(SIPError) {
        guard channel == nil else { return }
        try configuration.validate()
        let host = configuration.proxyHost
        let port = configuration.proxyPort
        var proxy: SocketAddress?
        if !host.isEmpty {
            do {
                if let literal = try? SocketAddress(ipAddress: host, port: port) {
                    proxy = literal
                } else {
                    proxy = try await NIOThreadPool.singleton.runIfActive {
                        try SocketAddress.makeAddressResolvingHost(host, port: port)
                    }
                }
            } catch {
                throw SIPError(.transportFailed, "cannot resolve the outbound proxy", detail: "\(host): \(error)")
            }
        }
        let (stream, continuation) = AsyncStream.makeStream(of: Input.self, bufferingPolicy: .unbounded)
        let (datagrams, datagramContinuation) = AsyncStream.makeStream(
            of: Input.self, bufferingPolicy: .bufferingOldest(Self.datagramBacklog))
        let counters = self.counters
        let maximumSize = configuration.limits.maximumMessageSize
        let bootstrap = DatagramBootstrap(group: group)
            .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: 65_536))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        SIPDatagramHandler(input: datagramContinuation, maximumSize: maximumSize, counters: counters))
                }
            }
        do {
            channel = try await bootstrap.bind(host: configuration.localHost, port: configuration.localPort).get()
        } catch {
            continuation.finish()
            datagramContinuation.finish()
            throw SIPError(
                .transportFailed, "cannot bind the SIP socket",
                detail: "\(configuration.localHost):\(configuration.localPort): \(error)")
        }
        proxyAddress = proxy
        input = continuation
        datagramInput = datagramContinuation
        reader = Task {
            for await item in stream { self.process(item) }
        }
        datagramReader = Task {
            for await item in datagrams { self.process(item) }
        }
        logger.debug(
            "sip agent started",
            metadata: [
                "sip.port": "\(localPort ?? 0)", "sip.proxy": "\(configuration.proxyHost):\(configuration.proxyPort)",
            ])
    }

    /// Ends every call (BYE or CANCEL, not awaited), closes the socket and stops the reading task.
    /// Dials and hang-ups still waiting return.
    public func shutdown() async {
        guard let channel else { return }
        for callID in calls.keys { run(callID) { $0.hangUp() } }
        for callID in Array(calls.keys) {
            forgetCall(callID, result: .failed(SIPError(.notRunning, "the agent shut down")))
        }
        for id in Array(registrations.keys) {
            forgetRegistration(id, outcome: .failed(SIPError(.notRunning, "the agent shut down")))
        }
        self.channel = nil
        try? await channel.close()
        input?.finish()
        input = nil
        datagramInput?.finish()
        datagramInput = nil
        await reader?.value
        await datagramReader?.value
        reader = nil
        datagramReader = nil
        logger.debug("sip agent stopped")
    }

    // MARK: Dialing

    /// Places a call to `destination` and returns once it is answered, refused, unanswered after
    /// `ringTimeout`, or failed. `callerID` (a user part such as `+15551230000`) is asserted in
    /// `P-Asserted-Identity` (RFC 3325); From stays the account's, which a PBX matches its endpoint
    /// by. Cancelling the task sends CANCEL and returns
    /// ``SIPDialOutcome/failed(_:)`` with ``SIPError/Code/cancelled``.
    public func dial(_ destination: SIPURI, ringTimeout: Duration, callerID: String? = nil) async -> SIPDialOutcome {
        guard channel != nil else { return .failed(SIPError(.notRunning, "the agent is not started")) }
        // Calls that ended but still absorb retransmissions do not count.
        let active = calls.values.filter { $0.machine.phase != .ended && $0.machine.phase != .terminated }.count
        guard active < configuration.maximumCalls else {
            return .failed(SIPError(.transportFailed, "too many calls in progress"))
        }
        if let callerID,
            (try? SIPURI(parsing: "sip:\(callerID)@\(configuration.domain)")) == nil || callerID.contains("@")
        {
            return .failed(SIPError(.invalidConfiguration, "callerID: not a valid user part"))
        }
        let session: RTPSession
        do {
            session = try await RTPSession.bind(
                host: configuration.localHost, portRange: configuration.rtpPortRange, group: group,
                counters: counters,
                offeredEventPayloadType: UInt8(SessionDescription.defaultTelephoneEventPayloadType))
        } catch {
            return .failed(error)
        }
        guard let channel, let localPort = channel.localAddress?.port else {
            session.stop()
            return .failed(SIPError(.notRunning, "the agent shut down"))
        }
        let callID = SIPSyntax.randomHex(byteCount: 16, using: &random)
        let endpoint = makeEndpoint(port: localPort)
        let from = SIPNameAddress(
            displayName: configuration.displayName,
            uri: SIPURI(user: configuration.effectiveFromUser, host: configuration.domain),
            parameters: SIPParameters([.init(name: "tag", value: SIPSyntax.randomHex(byteCount: 8, using: &random))]))
        let offer = SessionDescription.audioOffer(
            address: configuration.contactHost, port: session.localPort,
            sessionID: UInt64(UInt32.random(in: 1...UInt32.max, using: &random)), codecs: configuration.codecs)
        let settings = SIPCallStateMachine.Settings(
            endpoint: endpoint, callID: callID, from: from, to: SIPNameAddress(uri: destination),
            requestURI: destination,
            offer: offer, ringTimeout: ringTimeout,
            extraHeaders: callerID.map {
                [
                    .init(
                        name: "P-Asserted-Identity",
                        value: SIPNameAddress(uri: SIPURI(user: $0, host: configuration.domain)).description)
                ]
            } ?? [])
        calls[callID] = CallRecord(machine: SIPCallStateMachine(settings: settings), session: session)
        counters.update { $0.callsPlaced += 1 }
        logger.debug("sip dialing", metadata: ["sip.call_id": "\(callID)"])
        logger.trace("sip destination", metadata: ["sip.call_id": "\(callID)", "sip.destination": "\(destination)"])

        let input = self.input
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation {
                (continuation: CheckedContinuation<SIPCallStateMachine.DialResult, Never>) in
                calls[callID]?.dialWaiter = continuation
                run(callID) { $0.start() }
            }
        } onCancel: {
            input?.yield(.cancelDial(callID))
        }
        logger.debug("sip dial finished", metadata: ["sip.call_id": "\(callID)", "sip.outcome": "\(result)"])
        switch result {
        case .answered(let media):
            counters.update { $0.callsAnswered += 1 }
            return .answered(SIPCall(callID: callID, media: media, agent: self, session: session))
        case .busy(let status, let reason): return .busy(status: status, reason: reason)
        case .noAnswer(let status): return .noAnswer(status: status)
        case .rejected(let status, let reason): return .rejected(status: status, reason: reason)
        case .failed(let error): return .failed(error)
        }
    }

    /// Ends a call with BYE and waits for the outcome (see ``SIPCall/hangUp()``).
    func hangUp(callID: String) async {
        guard calls[callID] != nil else { return }
        calls[callID]?.session.keypresses.end(remotely: false)
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            calls[callID]?.hangUpWaiters.append(continuation)
            run(callID) { $0.hangUp() }
        }
    }

    // MARK: Registration

    /// Registers this agent's Contact for `sip:user@domain` with the outbound proxy as registrar,
    /// answering one digest challenge, and returns the lifetime granted in seconds. `expires` 0
    /// removes the binding. Throws ``SIPError`` when refused, challenged again, or unanswered.
    public func register(expires: Int = 3_600) async throws(SIPError) -> Int {
        guard let channel, let localPort = channel.localAddress?.port else {
            throw SIPError(.notRunning, "the agent is not started")
        }
        guard (0...604_800).contains(expires) else {
            throw SIPError(.invalidConfiguration, "expires: must be 0 through 604800")
        }
        let id = registrationCallID
        guard registrations[id] == nil else { throw SIPError(.refused, "a registration is already in progress") }
        registrationCSeq += 1
        let aor = SIPNameAddress(
            displayName: configuration.displayName,
            uri: SIPURI(user: configuration.username ?? configuration.effectiveFromUser, host: configuration.domain),
            parameters: SIPParameters([.init(name: "tag", value: SIPSyntax.randomHex(byteCount: 8, using: &random))]))
        let settings = SIPRegistrationStateMachine.Settings(
            endpoint: makeEndpoint(port: localPort), registrar: SIPURI(host: configuration.domain),
            addressOfRecord: aor, callID: id, cseq: registrationCSeq, expires: expires)
        registrations[id] = RegistrationRecord(machine: SIPRegistrationStateMachine(settings: settings))
        let outcome = await withCheckedContinuation {
            (continuation: CheckedContinuation<SIPRegistrationStateMachine.Outcome, Never>) in
            registrations[id]?.waiter = continuation
            runRegistration(id) { $0.start() }
        }
        switch outcome {
        case .registered(let granted): return granted
        case .failed(let error): throw error
        }
    }

    // MARK: Input

    private func process(_ item: Input) {
        switch item {
        case .datagram(let bytes, let source):
            receive(bytes, from: source)
        case .callTimer(let callID, let timer, let generation):
            guard let scheduled = calls[callID]?.timers[timer], scheduled.generation == generation else { return }
            calls[callID]?.timers[timer] = nil
            run(callID) { $0.timerFired(timer) }
        case .registrationTimer(let id, let timer, let generation):
            guard let scheduled = registrations[id]?.timers[timer], scheduled.generation == generation else { return }
            registrations[id]?.timers[timer] = nil
            runRegistration(id) { $0.timerFired(timer) }
        case .cancelDial(let callID):
            run(callID) { $0.cancel() }
        case .callSendFailed(let callID, let error):
            run(callID) { $0.transportFailed(error) }
        case .registrationSendFailed(let id, let error):
            forgetRegistration(id, outcome: .failed(error))
        }
    }

    private func receive(_ bytes: [UInt8], from source: SocketAddress) {
        if SIPMessageParser.isKeepAlive(bytes) { return }
        let message: SIPMessage
        do {
            message = try parser.parse(bytes)
        } catch {
            counters.update {
                $0.messagesDropped += 1
                $0.malformedMessages += 1
            }
            logger.debug("sip message dropped", metadata: ["sip.error": "\(error.description)"])
            return
        }
        let callID = message.headers.callID ?? ""
        switch message {
        case .response(let response):
            if calls[callID] != nil {
                run(callID) { $0.responseReceived(response) }
            } else if registrations[callID] != nil {
                runRegistration(callID) { $0.responseReceived(response) }
            } else {
                counters.update { $0.messagesDropped += 1 }
            }
        case .request(let request):
            if calls[callID] != nil {
                run(callID, replyTo: source) { $0.requestReceived(request) }
            } else {
                answerOutOfDialog(request, source: source)
            }
        }
    }

    /// Requests for no known call: OPTIONS is answered, an INVITE declined (this agent only calls
    /// out), and anything else but ACK gets 481.
    private func answerOutOfDialog(_ request: SIPRequest, source: SocketAddress) {
        let toTag = SIPSyntax.randomHex(byteCount: 8, using: &random)
        let response: SIPResponse
        switch request.method {
        case .ack:
            return
        case .options:
            response = SIPResponse(
                replyingTo: request, status: 200, toTag: toTag,
                extra: [.init(name: "Allow", value: SIPLocalEndpoint.allowedMethods)])
        case .invite:
            response = SIPResponse(replyingTo: request, status: 603, toTag: toTag)
        default:
            response = SIPResponse(replyingTo: request, status: 481, toTag: toTag)
        }
        send(.response(response), to: source, onFailure: nil)
    }

    // MARK: Actions

    private func run(
        _ callID: String, replyTo source: SocketAddress? = nil,
        _ event: (inout SIPCallStateMachine) -> [SIPCallStateMachine.Action]
    ) {
        guard calls[callID] != nil else { return }
        let actions = event(&calls[callID]!.machine)
        for action in actions { perform(action, callID: callID, replyTo: source) }
    }

    private func perform(_ action: SIPCallStateMachine.Action, callID: String, replyTo source: SocketAddress?) {
        guard calls[callID] != nil else { return }
        switch action {
        case .sendRequest(let request):
            counters.update { $0.requestsSent += 1 }
            logger.trace("sip request", metadata: ["sip.call_id": "\(callID)", "sip.method": "\(request.method)"])
            let input = self.input
            send(.request(request), to: proxyAddress ?? Self.directAddress(request.uri)) { error in
                input?.yield(.callSendFailed(callID, error))
            }
        case .sendResponse(let response):
            send(.response(response), to: source, onFailure: nil)
        case .startTimer(let timer, let delay):
            calls[callID]?.timers[timer]?.task.cancel()
            timerGeneration += 1
            let generation = timerGeneration
            let input = self.input
            let task = group.any().scheduleTask(in: TimeAmount(delay)) {
                _ = input?.yield(.callTimer(callID, timer, generation))
            }
            calls[callID]?.timers[timer] = (generation, task)
        case .cancelTimer(let timer):
            calls[callID]?.timers[timer]?.task.cancel()
            calls[callID]?.timers[timer] = nil
        case .startMedia(let media):
            calls[callID]?.session.start(media)
        case .stopMedia:
            calls[callID]?.session.stop()
        case .dialFinished(let result):
            let waiter = calls[callID]?.dialWaiter
            calls[callID]?.dialWaiter = nil
            waiter?.resume(returning: result)
        case .digitReceived(let key):
            counters.update { $0.keypressesReceived += 1 }
            calls[callID]?.session.keypresses.push(key)
        case .remoteHungUp:
            logger.debug("sip remote hung up", metadata: ["sip.call_id": "\(callID)"])
            calls[callID]?.session.keypresses.end(remotely: true)
        case .hangUpFinished:
            let waiters = calls[callID]?.hangUpWaiters ?? []
            calls[callID]?.hangUpWaiters = []
            calls[callID]?.session.keypresses.end(remotely: false)
            for waiter in waiters { waiter.resume() }
        case .terminate:
            forgetCall(callID, result: .failed(SIPError(.cancelled, "the call ended")))
        }
    }

    private func forgetCall(_ callID: String, result: SIPCallStateMachine.DialResult) {
        guard let record = calls.removeValue(forKey: callID) else { return }
        for timer in record.timers.values { timer.task.cancel() }
        record.session.keypresses.end(remotely: false)
        record.session.stop()
        record.dialWaiter?.resume(returning: result)
        for waiter in record.hangUpWaiters { waiter.resume() }
    }

    private func runRegistration(
        _ id: String, _ event: (inout SIPRegistrationStateMachine) -> [SIPRegistrationStateMachine.Action]
    ) {
        guard registrations[id] != nil else { return }
        let actions = event(&registrations[id]!.machine)
        for action in actions {
            switch action {
            case .sendRequest(let request):
                counters.update { $0.requestsSent += 1 }
                let input = self.input
                send(.request(request), to: proxyAddress ?? Self.directAddress(request.uri)) { error in
                    input?.yield(.registrationSendFailed(id, error))
                }
            case .startTimer(let timer, let delay):
                registrations[id]?.timers[timer]?.task.cancel()
                timerGeneration += 1
                let generation = timerGeneration
                let input = self.input
                let task = group.any().scheduleTask(in: TimeAmount(delay)) {
                    _ = input?.yield(.registrationTimer(id, timer, generation))
                }
                registrations[id]?.timers[timer] = (generation, task)
            case .cancelTimer(let timer):
                registrations[id]?.timers[timer]?.task.cancel()
                registrations[id]?.timers[timer] = nil
            case .finished(let outcome):
                forgetRegistration(id, outcome: outcome)
            }
        }
    }

    private func forgetRegistration(_ id: String, outcome: SIPRegistrationStateMachine.Outcome) {
        guard let record = registrations.removeValue(forKey: id) else { return }
        for timer in record.timers.values { timer.task.cancel() }
        record.waiter?.resume(returning: outcome)
    }

    /// Where a request goes without an outbound proxy: the request URI's own address (an IP
    /// literal, or `localhost`; port 5060 when it names none). Names that need DNS need a proxy.
    static func directAddress(_ uri: SIPURI) -> SocketAddress? {
        let host = uri.host == "localhost" ? "127.0.0.1" : uri.host
        return try? SocketAddress(ipAddress: host, port: uri.port ?? 5060)
    }

    private func send(
        _ message: SIPMessage, to address: SocketAddress?, onFailure: (@Sendable (SIPError) -> Void)?
    ) {
        guard let channel, let address else {
            onFailure?(SIPError(.transportFailed, "no socket or no destination"))
            return
        }
        let buffer = channel.allocator.buffer(bytes: message.serialized())
        let promise = channel.eventLoop.makePromise(of: Void.self)
        channel.writeAndFlush(AddressedEnvelope(remoteAddress: address, data: buffer), promise: promise)
        if let onFailure {
            promise.futureResult.whenFailure { error in
                onFailure(SIPError(.transportFailed, "cannot send a datagram", detail: "\(error)"))
            }
        }
    }

    private func makeEndpoint(port: Int) -> SIPLocalEndpoint {
        SIPLocalEndpoint(
            viaHost: configuration.contactHost, viaPort: port,
            contact: SIPURI(user: configuration.effectiveFromUser, host: configuration.contactHost, port: port),
            userAgent: configuration.userAgent, credentials: configuration.credentials, timers: configuration.timers)
    }
}
