import Logging
import OneCallCore
import OneCallStorage
import ServiceLifecycle
import Synchronization

/// Places the calls that triage requests: for each, the roster of the device's site decides whom to
/// call and when; the voice provider dials; the queue's contact flow speaks the ticket and takes
/// the keypress; the ticket is acknowledged, resolved or the escalation snoozed by it; every
/// attempt is recorded on the call. A call nobody acknowledges is retried and escalated until the
/// roster is exhausted. Durable: the attempts are the escalation's memory, and a claimed call holds
/// a lease, so a crash delays a call but never loses or doubles one.
public final class ContactCenterService: Service {
    /// How the service paces its work.
    public struct Configuration: Sendable, Hashable {
        /// Calls placed at once.
        public var concurrency = 8
        /// How long a claimed call is held before another process may take it over, in seconds.
        public var lease: Double = 600
        /// The caller id when the queue names none.
        public var callerID: String?
        /// The longest sleep between looks at the calls.
        public var pollInterval: Duration = .seconds(5)

        public init() {}
    }

    /// Calls and attempts so far, by outcome.
    public struct Statistics: Sendable, Hashable {
        public var attempts = 0
        public var acknowledged = 0
        public var resolved = 0
        public var snoozed = 0
        public var unanswered = 0
        public var failed = 0
        public var exhausted = 0
        public var cancelled = 0
        public var active = 0

        public init() {}
    }

    private let calls: any CallStore
    private let tickets: any TicketStore
    private let devices: any DeviceStore
    private let provider: any VoiceProvider
    private let definitions: @Sendable () -> ContactCenterDefinitions
    private let configuration: Configuration
    private let clock: @Sendable () -> Double
    private let logger: Logger
    private let signal = WakeSignal()
    private let state = Mutex(Statistics())

    public init(
        calls: any CallStore, tickets: any TicketStore, devices: any DeviceStore, provider: any VoiceProvider,
        definitions: @escaping @Sendable () -> ContactCenterDefinitions, configuration: Configuration = Configuration(),
        clock: @escaping @Sendable () -> Double, logger: Logger = Logger(label: "onecall.contact-center")
    ) {
        self.calls = calls
        self.tickets = tickets
        self.devices = devices
        self.provider = provider
        self.definitions = definitions
        self.configuration = configuration
        self.clock = clock
        self.logger = logger
    }

    public var statistics: Statistics { state.withLock { $0 } }

    /// Tells the service that a call may be due (a call request was just recorded).
    public func wake() { signal.signal() }

    public func run() async throws {
        let released = try await calls.releaseRunningCalls()
        if released > 0 { logger.info("resuming calls of an earlier run", metadata: ["calls": "\(released)"]) }
        await withDiscardingTaskGroup { group in
            while !Task.isCancelled && !Task.isShuttingDownGracefully {
                let free = configuration.concurrency - state.withLock { $0.active }
                guard free > 0 else {
                    await signal.wait(timeout: configuration.pollInterval)
                    continue
                }
                let due = try? await calls.nextCallDue()
                if let due, due <= clock() {
                    let claimed: [CallRequest]
                    do {
                        claimed = try await calls.claimDueCalls(now: clock(), limit: free, lease: configuration.lease)
                    } catch {
                        logger.error("cannot claim calls", metadata: ["error": "\(error)"])
                        await signal.wait(timeout: configuration.pollInterval)
                        continue
                    }
                    for call in claimed {
                        state.withLock { $0.active += 1 }
                        group.addTask {
                            await self.advance(call)
                            self.state.withLock { $0.active -= 1 }
                            self.signal.signal()
                        }
                    }
                    if !claimed.isEmpty { continue }
                }
                var sleep = configuration.pollInterval
                if let due {
                    let seconds = max(0, due - clock())
                    if seconds < Double(sleep.components.seconds) { sleep = .milliseconds(Int64(seconds * 1000) + 1) }
                }
                await signal.wait(timeout: sleep)
            }
        }
    }

    /// Claims every call due now and takes each one step, one after the other (for tools and tests;
    /// the service's own loop runs them concurrently). Returns how many were taken.
    public func advanceDueCalls() async throws -> Int {
        let claimed = try await calls.claimDueCalls(
            now: clock(), limit: configuration.concurrency, lease: configuration.lease)
        for call in claimed { await advance(call) }
        return claimed.count
    }

    /// Takes a claimed call one step: places the attempt that is due, or schedules it, or ends the
    /// call; then records what happened.
    func advance(_ call: CallRequest) async {
        do {
            // A call may ring and talk for longer than its lease: renew it while the step runs, so
            // that no other claim takes the call over and dials it a second time.
            let (attempt, progress) = try await withThrowingTaskGroup(of: (CallAttempt?, CallProgress)?.self) {
                group in
                group.addTask { try await self.step(call) }
                group.addTask {
                    let interval = max(self.configuration.lease / 3, 0.01)
                    while true {
                        try await Task.sleep(for: .milliseconds(Int64(interval * 1000)))
                        _ = try await self.calls.renewCallLease(
                            callID: call.id, until: self.clock() + self.configuration.lease)
                    }
                }
                defer { group.cancelAll() }
                while let result = try await group.next() {
                    if let result { return result }
                }
                throw CancellationError()
            }
            try await calls.recordCallProgress(callID: call.id, attempt: attempt, progress: progress, at: clock())
            count(attempt, progress)
            logger.log(
                level: progress.status.isFinal ? .info : .debug, "call \(progress.status.rawValue)",
                metadata: [
                    "call.id": "\(call.id)", "ticket.id": "\(call.ticketID)",
                    "outcome": "\(attempt?.outcome.rawValue ?? "-")",
                ])
        } catch {
            // The lease runs out and a later claim takes the call over.
            logger.error("cannot advance a call", metadata: ["call.id": "\(call.id)", "error": "\(error)"])
        }
    }

    private func count(_ attempt: CallAttempt?, _ progress: CallProgress) {
        state.withLock { statistics in
            if let attempt {
                statistics.attempts += 1
                switch attempt.outcome {
                case .acknowledged: statistics.acknowledged += 1
                case .resolved: statistics.resolved += 1
                case .snoozed: statistics.snoozed += 1
                case .answered, .noAnswer, .busy, .rejected: statistics.unanswered += 1
                case .failed: statistics.failed += 1
                }
            }
            switch progress.status {
            case .exhausted: statistics.exhausted += 1
            case .cancelled: statistics.cancelled += 1
            case .failed where attempt == nil: statistics.failed += 1
            default: break
            }
        }
    }
}

extension ContactCenterService {
    /// What a keypress (or the flow's `onecall_action` attribute) asks for.
    enum Choice: String {
        case acknowledge
        case resolve
        case snooze
    }

    /// Decides the call's next move and, when an attempt is due, places it.
    func step(_ call: CallRequest) async throws -> (CallAttempt?, CallProgress) {
        let now = clock()
        guard let ticket = try await tickets.ticket(id: call.ticketID) else {
            return (nil, CallProgress(status: .failed, nextAttemptAt: nil, outcome: "the ticket is gone"))
        }
        guard ticket.status == .open else {
            let by = ticket.status == .acknowledged ? ticket.acknowledgedBy : ticket.resolvedBy
            return (
                nil,
                CallProgress(
                    status: .cancelled, nextAttemptAt: nil,
                    outcome: "the ticket was \(ticket.status.rawValue)\(by.map { " by \($0)" } ?? "") elsewhere")
            )
        }
        let definitions = self.definitions()
        let roster: Roster
        if let matched = definitions.roster(forDevice: call.deviceID) {
            roster = matched
        } else {
            do {
                roster = try Self.siteRoster(call)
            } catch {
                return (
                    nil,
                    CallProgress(
                        status: .failed, nextAttemptAt: nil,
                        outcome: "no roster matches device \(call.deviceID), and its site contact is not callable: "
                            + error.description)
                )
            }
        }
        let previous = try await calls.callAttempts(callID: call.id)
        var policy = EscalationPolicy(
            roster: roster, hours: definitions.hours, attempts: previous.map(Self.escalationAttempt))
        // Due now: place it; anything else (later, settled, exhausted) is only recorded.
        let step = policy.nextStep(now: now)
        guard case .call(let index, let at) = step, at <= now else {
            return (nil, Self.progress(step, after: previous.last, roster: roster))
        }
        let attempt = await place(
            call, ticket: ticket, roster: roster, operatorIndex: index, number: previous.count + 1,
            definitions: definitions)
        let next = policy.record(Self.escalationAttempt(attempt), now: clock())
        return (attempt, Self.progress(next, after: attempt, roster: roster))
    }

    /// The call's state after an escalation step.
    static func progress(_ step: EscalationPolicy.Step, after last: CallAttempt?, roster: Roster) -> CallProgress {
        switch step {
        case .done(.acknowledged):
            return CallProgress(
                status: .acknowledged, nextAttemptAt: nil, roster: roster.name,
                outcome: "acknowledged by \(last?.operatorName ?? "the operator")")
        case .done(.resolved):
            return CallProgress(
                status: .resolved, nextAttemptAt: nil, roster: roster.name,
                outcome: "resolved by \(last?.operatorName ?? "the operator")")
        case .exhausted(let why):
            let reason: String
            switch why {
            case .roundsCompleted: reason = "nobody acknowledged after \(roster.rounds) rounds of the roster"
            case .noOperators: reason = "the roster has no operators"
            case .noOperatorAvailable: reason = "no operator's hours open within \(EscalationPolicy.lookAheadDays) days"
            }
            return CallProgress(status: .exhausted, nextAttemptAt: nil, roster: roster.name, outcome: reason)
        case .call(let index, let at):
            let name = roster.operators[index].name
            let snoozed = last?.outcome == .snoozed
            return CallProgress(
                status: snoozed ? .snoozed : .waiting, nextAttemptAt: at, roster: roster.name,
                outcome: last.map { "\($0.outcome.rawValue); next: \(name)" } ?? "next: \(name)")
        }
    }

    /// A roster of one: the device's site contact from the registry, for devices no roster covers.
    static func siteRoster(_ call: CallRequest) throws(CallDestinationError) -> Roster {
        Roster(
            name: "site contact", devices: [],
            operators: [
                .init(name: call.contactName ?? "site operator", destination: try CallDestination(call.contact ?? ""))
            ])
    }

    static func escalationAttempt(_ attempt: CallAttempt) -> EscalationPolicy.Attempt {
        let outcome: EscalationPolicy.Outcome
        switch attempt.outcome {
        case .acknowledged: outcome = .acknowledged
        case .resolved: outcome = .resolved
        case .snoozed: outcome = .snoozed
        case .answered: outcome = .answeredNoKey
        case .noAnswer: outcome = .noAnswer
        case .busy: outcome = .busy
        case .rejected: outcome = .rejected
        case .failed: outcome = .failed
        }
        return EscalationPolicy.Attempt(operatorIndex: attempt.operatorIndex, outcome: outcome, time: attempt.endedAt)
    }

    /// Places one attempt: dials, runs the queue's flow on the answered call, and acts on the choice.
    func place(
        _ call: CallRequest, ticket: Ticket, roster: Roster, operatorIndex: Int, number: Int,
        definitions: ContactCenterDefinitions
    ) async -> CallAttempt {
        let person = roster.operators[operatorIndex]
        let queue = definitions.queue(for: roster)
        let request = DialRequest(
            callID: call.id, attempt: number, destination: person.destination.address,
            callerID: queue.outboundCallerID?.e164 ?? configuration.callerID, operatorName: person.name,
            ringTimeout: Double(roster.ringTimeoutSeconds))
        var attempt = CallAttempt(
            callID: call.id, ticketID: call.ticketID, number: number, operatorIndex: operatorIndex,
            operatorName: person.name, destination: person.destination.address, provider: provider.name,
            startedAt: clock(), answeredAt: nil, endedAt: clock(), outcome: .failed)
        logger.debug(
            "dialling", metadata: ["call.id": "\(call.id)", "attempt": "\(number)", "operator": "\(person.name)"])
        let channel: any VoiceChannel
        switch await provider.dial(request) {
        case .failure(let error):
            switch error.failure {
            case .noAnswer: attempt.outcome = .noAnswer
            case .busy: attempt.outcome = .busy
            case .rejected: attempt.outcome = .rejected
            case .failed: attempt.outcome = .failed
            }
            attempt.detail = error.description
            attempt.endedAt = clock()
            return attempt
        case .success(let answered):
            channel = answered
        }
        attempt.answeredAt = clock()
        let device = try? await devices.device(id: call.deviceID)
        let context = ContactFlowContext(
            attributes: Self.attributes(ticket, call: call, device: device), contactID: call.id,
            customerAddress: person.destination.address, systemAddress: request.callerID, queueName: queue.name,
            hours: definitions.hoursLookup(for: queue), now: clock(), clock: clock)
        let run = await ContactFlowRunner().run(definitions.flow(for: queue), on: channel, context: context)
        await channel.hangUp()
        attempt.endedAt = clock()
        attempt.digits = run.inputs.joined()
        attempt.transcript = run.entries.map { "\($0.kind.rawValue): \($0.text)" }
        switch run.ending {
        case .disconnected: attempt.detail = "the flow disconnected"
        case .hungUp: attempt.detail = "the operator hung up"
        case .stepLimit: attempt.detail = "the flow ran \(context.stepLimit) steps (a loop?)"
        case .failed(let why): attempt.detail = "the flow failed: \(why)"
        }
        // The flow reports the operator's choice in an attribute (the built-in flow maps keys 1, 2
        // and 3 to it); a key alone means nothing, since a site's flow may give keys other meanings.
        let choice = run.attributes[EscalationPolicy.Outcome.actionAttribute].flatMap {
            Choice(rawValue: $0.lowercased())
        }
        let actor = "\(person.name) (phone)"
        switch choice {
        case .acknowledge:
            attempt.outcome =
                await setTicket(ticket, to: .acknowledged, by: actor, note: "acknowledged on call \(call.id)")
                ? .acknowledged : .answered
        case .resolve:
            attempt.outcome =
                await setTicket(ticket, to: .resolved, by: actor, note: "resolved on call \(call.id)")
                ? .resolved : .answered
        case .snooze:
            attempt.outcome = .snoozed
        case nil:
            attempt.outcome = .answered
        }
        return attempt
    }

    /// Applies the operator's choice to the ticket; false when the store refused it (the attempt
    /// then counts as answered without a choice, and the escalation goes on).
    private func setTicket(_ ticket: Ticket, to status: Ticket.Status, by actor: String, note: String) async -> Bool {
        do {
            _ = try await tickets.setStatus(ticketID: ticket.uniqueID, to: status, by: actor, note: note, at: clock())
            return true
        } catch {
            logger.warning(
                "cannot change the ticket from the call",
                metadata: ["ticket.id": "\(ticket.uniqueID)", "status": "\(status.rawValue)", "error": "\(error)"])
            return false
        }
    }

    /// What the flow may read as `$.Attributes.*`: the ticket, the device and its site.
    static func attributes(_ ticket: Ticket, call: CallRequest, device: Device?) -> [String: String] {
        var attributes: [String: String] = [
            "unique_id": ticket.uniqueID, "device_id": ticket.deviceID, "error_code": ticket.errorCode,
            "message": call.message, "call_id": call.id, "site": "your site",
        ]
        let steps = ticket.troubleshootingSteps.enumerated().map { "Step \($0.offset + 1): \($0.element)" }
            .joined(separator: " ")
        attributes["steps"] = steps.isEmpty ? "none are listed in the knowledge base." : steps
        attributes["troubleshooting_steps"] = attributes["steps"]
        attributes["title"] =
            ticket.title?.replacingOccurrences(of: "_", with: " ")
            ?? (ticket.noRunbook ? "which no runbook covers" : "a fault")
        if let severity = ticket.severity { attributes["severity"] = severity }
        if let name = call.contactName { attributes["contact_name"] = name }
        if let start = ticket.anomalyStart { attributes["anomaly_start"] = CivilTime(epochSeconds: start).rfc3339 }
        if let end = ticket.anomalyEnd { attributes["anomaly_end"] = CivilTime(epochSeconds: end).rfc3339 }
        if let device {
            let site = [device.address, device.city, device.state].compactMap { $0 }.filter { !$0.isEmpty }
            if !site.isEmpty { attributes["site"] = site.joined(separator: ", ") }
            if let owner = device.siteOwner { attributes["site_owner"] = owner }
        }
        return attributes
    }
}
