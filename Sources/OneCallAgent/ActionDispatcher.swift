import Logging
import OneCallCore
import OneCallStorage
import ServiceLifecycle
import Synchronization

/// Runs the ticket actions of the outbox: claims due ones with a lease, runs them (a bounded
/// number at once), and records each outcome; failures are retried with exponential back-off until
/// they succeed, fail permanently or run out of attempts. At start it releases the actions that a
/// crashed process held, so `kill -9` delays work but never loses it.
public final class ActionDispatcher: Service {
    /// How the dispatcher paces its work.
    public struct Configuration: Sendable, Hashable {
        /// Actions running at once.
        public var concurrency = 16
        /// How long a claimed action is held before another claim may take it over, in seconds.
        public var lease: Double = 120
        /// The first retry's delay, doubled each attempt up to `maximumRetryDelay`, in seconds.
        public var retryDelay: Double = 1
        public var maximumRetryDelay: Double = 300
        /// Attempts before an action is given up.
        public var maximumAttempts = 12
        /// The longest sleep between looks at the outbox.
        public var pollInterval: Duration = .seconds(5)

        public init() {}
    }

    /// Actions finished so far, by outcome.
    public struct Statistics: Sendable, Hashable {
        public var done = 0
        public var retried = 0
        public var failed = 0
        public var running = 0

        public init() {}
    }

    private let store: any TicketStore
    private let runner: any TicketActionRunning
    private let configuration: Configuration
    private let clock: @Sendable () -> Double
    private let logger: Logger
    private let signal = WakeSignal()
    private let state = Mutex(Statistics())
    private let observers = Mutex<[@Sendable (TicketAction, TicketActionOutcome, Double) -> Void]>([])
    /// Actions claimed by their creator and handed over to run at once, and whether the dispatcher
    /// has released what an earlier process held (before that, nothing is handed over).
    private let handoff = Mutex((jobs: [(TicketAction, Ticket)](), started: false))

    public init(
        store: any TicketStore, runner: any TicketActionRunning, configuration: Configuration = Configuration(),
        clock: @escaping @Sendable () -> Double, logger: Logger = Logger(label: "onecall.dispatcher")
    ) {
        self.store = store
        self.runner = runner
        self.configuration = configuration
        self.clock = clock
        self.logger = logger
    }

    public var statistics: Statistics { state.withLock { $0 } }

    /// Also calls `body` with each action, its outcome and the time the outcome was committed (the
    /// contact center learns of new call requests this way; benchmarks and tests time the workflow).
    public func observe(_ body: @escaping @Sendable (TicketAction, TicketActionOutcome, Double) -> Void) {
        observers.withLock { $0.append(body) }
    }

    /// Tells the dispatcher that new actions may be due.
    public func wake() { signal.signal() }

    /// How long a claim holds an action, in seconds.
    public var lease: Double { configuration.lease }

    /// Makes room for `count` actions that their creator claims and hands over with `handOver`;
    /// false when the dispatcher is full or not started (the actions are then left pending).
    public func reserve(_ count: Int) -> Bool {
        guard handoff.withLock({ $0.started }) else { return false }
        return state.withLock { statistics in
            guard statistics.running + count <= configuration.concurrency else { return false }
            statistics.running += count
            return true
        }
    }

    /// Gives back room reserved for actions that were not created after all.
    public func cancelReservation(_ count: Int) {
        state.withLock { $0.running -= count }
        signal.signal()
    }

    /// Runs actions already claimed (within a reservation), without another claim.
    public func handOver(_ actions: [TicketAction], of ticket: Ticket) {
        handoff.withLock { $0.jobs += actions.map { ($0, ticket) } }
        signal.signal()
    }

    public func run() async throws {
        let released = try await store.releaseRunningActions()
        if released > 0 { logger.info("resuming actions of an earlier run", metadata: ["actions": "\(released)"]) }
        handoff.withLock { $0.started = true }
        defer { handoff.withLock { $0.started = false } }
        await withDiscardingTaskGroup { group in
            while !Task.isCancelled && !Task.isShuttingDownGracefully {
                for (action, ticket) in handoff.withLock({ state in
                    defer { state.jobs = [] }; return state.jobs
                }) {
                    group.addTask {
                        await self.execute(action, of: ticket)
                        self.state.withLock { $0.running -= 1 }
                        self.signal.signal()
                    }
                }
                // A read first: the claim is a write transaction, and most wake-ups (an action
                // finished, a ticket's actions handed over) find nothing due.
                let free = configuration.concurrency - state.withLock { $0.running }
                guard free > 0 else {
                    // Full: a finishing action signals.
                    await signal.wait(timeout: configuration.pollInterval)
                    continue
                }
                let due = try? await store.nextActionDue()
                if let due, due <= clock() {
                    let claimed: [TicketAction]
                    do {
                        claimed = try await store.claimDueActions(now: clock(), limit: free, lease: configuration.lease)
                    } catch {
                        logger.error("cannot claim actions", metadata: ["error": "\(error)"])
                        await signal.wait(timeout: configuration.pollInterval)
                        continue
                    }
                    for action in claimed {
                        state.withLock { $0.running += 1 }
                        group.addTask {
                            await self.execute(action)
                            self.state.withLock { $0.running -= 1 }
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

    /// Runs one claimed action and records its outcome; `ticket` saves reading it again.
    func execute(_ action: TicketAction, of known: Ticket? = nil) async {
        let outcome: TicketActionOutcome
        do {
            var ticket = known
            if ticket == nil { ticket = try await store.ticket(id: action.ticketID) }
            guard let ticket else {
                outcome = .failed(error: "the ticket is gone")
                try await store.completeAction(id: action.id, outcome: outcome, at: clock())
                return
            }
            outcome = decide(action, await runner.run(action, of: ticket))
            try await store.completeAction(id: action.id, outcome: outcome, at: clock())
            let observers = observers.withLock { $0 }
            if !observers.isEmpty {
                let time = clock()
                for observe in observers { observe(action, outcome, time) }
            }
        } catch {
            // The lease runs out and another attempt takes the action over.
            logger.error("cannot record an action", metadata: ["action.id": "\(action.id)", "error": "\(error)"])
            return
        }
        state.withLock { statistics in
            switch outcome {
            case .done: statistics.done += 1
            case .retry: statistics.retried += 1
            case .failed: statistics.failed += 1
            }
        }
        let level: Logger.Level
        switch outcome {
        case .done: level = .debug
        case .retry: level = .warning
        case .failed: level = .error
        }
        logger.log(
            level: level, "action \(action.tool)",
            metadata: ["ticket.id": "\(action.ticketID)", "action.id": "\(action.id)", "outcome": "\(outcome)"])
    }

    /// Turns a transient failure into a retry, or into a failure once the attempts are used up.
    func decide(_ action: TicketAction, _ outcome: TicketActionOutcome) -> TicketActionOutcome {
        guard case .retry(let error, _) = outcome else { return outcome }
        guard action.attempts < configuration.maximumAttempts else {
            return .failed(error: "\(error) (gave up after \(action.attempts) attempts)")
        }
        let delay = min(
            configuration.maximumRetryDelay,
            configuration.retryDelay * Double(1 << min(max(action.attempts - 1, 0), 30)))
        return .retry(error: error, retryAt: clock() + delay)
    }
}

/// Runs one action of a ticket. A transient failure is reported as `.retry` (its time is
/// decided by the dispatcher), a permanent one as `.failed`.
public protocol TicketActionRunning: Sendable {
    func run(_ action: TicketAction, of ticket: Ticket) async -> TicketActionOutcome
}
