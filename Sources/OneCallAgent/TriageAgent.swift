import Logging
import OneCallCore
import OneCallStorage
import ServiceLifecycle
import Synchronization

/// Takes every error event to a ticket: plans it, opens the ticket with its actions in one
/// transaction (or bumps the open one), and wakes the dispatcher. Events that a crash or a full
/// buffer kept from it are found in the store and triaged late, never lost; a replayed event
/// changes nothing.
public final class TriageAgent: Service {
    /// What triage did so far.
    public struct Statistics: Sendable, Hashable {
        public var opened = 0
        public var repeated = 0
        public var replayed = 0
        public var failed = 0
        /// Events found untriaged in the store by a sweep.
        public var recovered = 0
    }

    private let store: any TicketStore
    private let pipeline: EventPipeline
    private let planner: any TriagePlanning
    private let dispatcher: ActionDispatcher?
    private let clock: @Sendable () -> Double
    private let sweepInterval: Duration
    private let logger: Logger
    private let state = Mutex(Statistics())
    private let observer = Mutex<(@Sendable (TicketOpeningResult, Double) -> Void)?>(nil)
    /// Events triaged at once, at most.
    private let concurrency: Int
    private let inFlight = Mutex(0)
    private let slotFreed = WakeSignal()

    public init(
        store: any TicketStore, pipeline: EventPipeline, planner: any TriagePlanning, dispatcher: ActionDispatcher?,
        sweepInterval: Duration = .seconds(5), concurrency: Int = 8, clock: @escaping @Sendable () -> Double,
        logger: Logger = Logger(label: "onecall.triage")
    ) {
        self.concurrency = max(1, concurrency)
        self.store = store
        self.pipeline = pipeline
        self.planner = planner
        self.dispatcher = dispatcher
        self.sweepInterval = sweepInterval
        self.clock = clock
        self.logger = logger
    }

    public var statistics: Statistics { state.withLock { $0 } }

    /// Calls `body` with each triage's result and the time its transaction committed (for
    /// benchmarks and tests).
    public func observe(_ body: @escaping @Sendable (TicketOpeningResult, Double) -> Void) {
        observer.withLock { $0 = body }
    }

    public func run() async throws {
        let events = pipeline.events()
        await withDiscardingTaskGroup { group in
            group.addTask {
                await self.sweep(olderThan: 0)
                while !Task.isCancelled && !Task.isShuttingDownGracefully {
                    try? await Task.sleep(for: self.sweepInterval)
                    await self.sweep(olderThan: 2)
                }
            }
            // Events are triaged side by side, so that one slow plan (an LLM that takes its time)
            // does not hold the others up; the store keeps one ticket per fault either way.
            await withDiscardingTaskGroup { triage in
                for await event in events.cancelOnGracefulShutdown() {
                    while inFlight.withLock({ $0 }) >= concurrency { await slotFreed.wait(timeout: .milliseconds(100)) }
                    inFlight.withLock { $0 += 1 }
                    triage.addTask {
                        _ = try? await self.triage(event)
                        self.inFlight.withLock { $0 -= 1 }
                        self.slotFreed.signal()
                    }
                }
            }
            group.cancelAll()
        }
    }

    /// Triages one event: returns what became of its ticket. With `tools`, those actions replace
    /// the plan's (an agent that asked only to log a ticket); the guide still gives the steps.
    @discardableResult
    public func triage(_ event: ErrorEvent, tools: [String]? = nil) async throws -> TicketOpeningResult {
        var plan = await planner.plan(for: event)
        if let tools { plan.tools = tools }
        // With room in the dispatcher, the new ticket's actions are created claimed and handed over
        // at once: no second transaction to claim them, no wait for the dispatcher to look.
        let reserved = !plan.tools.isEmpty && (dispatcher?.reserve(plan.tools.count) ?? false)
        var opening = TicketOpening(
            event: event, ticketID: UUIDText.random(), troubleshootingSteps: plan.steps, severity: plan.severity,
            title: plan.title, noRunbook: plan.noRunbook, attention: plan.attention, actions: plan.tools,
            anomalyStart: event.details["anomaly_start"]?.doubleValue,
            anomalyEnd: event.details["anomaly_end"]?.doubleValue, plan: plan.json, now: clock())
        if reserved, let dispatcher { opening.leaseActions = dispatcher.lease }
        let result: TicketOpeningResult
        do {
            result = try await store.openTicket(opening)
        } catch {
            if reserved { dispatcher?.cancelReservation(plan.tools.count) }
            state.withLock { $0.failed += 1 }
            logger.error(
                "triage failed",
                metadata: ["event.id": "\(event.id)", "device.id": "\(event.deviceID)", "error": "\(error)"])
            throw error
        }
        if let observe = observer.withLock({ $0 }) { observe(result, clock()) }
        state.withLock { statistics in
            switch result {
            case .opened: statistics.opened += 1
            case .repeated: statistics.repeated += 1
            case .alreadyTriaged: statistics.replayed += 1
            }
        }
        if reserved, let dispatcher {
            if case .opened(let ticket) = result {
                let claimed = ticket.actions.filter { $0.status == .running }
                dispatcher.handOver(claimed, of: ticket)
                if claimed.count < plan.tools.count { dispatcher.cancelReservation(plan.tools.count - claimed.count) }
            } else {
                dispatcher.cancelReservation(plan.tools.count)
            }
        }
        if case .opened(let ticket) = result {
            logger.debug(
                "ticket opened",
                metadata: [
                    "ticket.id": "\(ticket.uniqueID)", "device.id": "\(ticket.deviceID)",
                    "ticket.code": "\(ticket.errorCode)", "ticket.actions": "\(plan.tools.joined(separator: ","))",
                ])
            dispatcher?.wake()
        }
        return result
    }

    /// Triages events that the store holds untriaged and that arrived more than `age` seconds ago.
    func sweep(olderThan age: Double) async {
        while !Task.isCancelled {
            guard let events = try? await store.untriagedEvents(limit: 200) else { return }
            let now = clock()
            let due = events.filter { now - $0.receivedAt >= age }
            var progress = 0
            for event in due {
                guard let result = try? await triage(event) else { continue }
                progress += 1
                if case .alreadyTriaged = result { continue }
                state.withLock { $0.recovered += 1 }
            }
            if due.count < 200 || progress == 0 { return }
        }
    }
}
