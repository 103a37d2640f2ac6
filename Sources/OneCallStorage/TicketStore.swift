import OneCallCore

/// What triage asks the store to record for an error event: a new ticket with its actions, or a
/// repeat of an open one.
public struct TicketOpening: Sendable, Hashable {
    public var event: ErrorEvent
    /// The id the ticket gets if a new one is opened.
    public var ticketID: String
    public var troubleshootingSteps: [String]
    public var severity: String?
    public var title: String?
    public var noRunbook: Bool
    public var attention: [String]
    /// The tools to run, in order.
    public var actions: [String]
    public var anomalyStart: Double?
    public var anomalyEnd: Double?
    public var plan: JSONObject
    public var now: Double
    /// When set, a new ticket's actions start claimed for this many seconds by the caller, which
    /// runs them at once (a dispatcher with room for them), instead of waiting to be claimed.
    public var leaseActions: Double?

    public init(
        event: ErrorEvent, ticketID: String, troubleshootingSteps: [String], severity: String? = nil,
        title: String? = nil, noRunbook: Bool = false, attention: [String] = [], actions: [String],
        anomalyStart: Double? = nil, anomalyEnd: Double? = nil, plan: JSONObject = JSONObject(), now: Double,
        leaseActions: Double? = nil
    ) {
        self.leaseActions = leaseActions
        self.event = event
        self.ticketID = ticketID
        self.troubleshootingSteps = troubleshootingSteps
        self.severity = severity
        self.title = title
        self.noRunbook = noRunbook
        self.attention = attention
        self.actions = actions
        self.anomalyStart = anomalyStart
        self.anomalyEnd = anomalyEnd
        self.plan = plan
        self.now = now
    }
}

/// What became of a ticket opening.
public enum TicketOpeningResult: Sendable, Hashable {
    /// A new ticket, with its pending actions.
    case opened(Ticket)
    /// The device already had an open ticket for the code: its count went up, nothing else.
    case repeated(Ticket)
    /// This event was triaged before (a replay after a restart): nothing changed.
    case alreadyTriaged(Ticket)

    /// The ticket, whichever the case.
    public var ticket: Ticket {
        switch self {
        case .opened(let ticket), .repeated(let ticket), .alreadyTriaged(let ticket): return ticket
        }
    }
}

/// Which tickets to list, newest first.
public struct TicketQuery: Sendable, Hashable {
    public var status: Ticket.Status?
    public var deviceID: String?
    public var errorCode: String?
    public var limit: Int

    public init(status: Ticket.Status? = nil, deviceID: String? = nil, errorCode: String? = nil, limit: Int = 100) {
        self.status = status
        self.deviceID = deviceID
        self.errorCode = errorCode
        self.limit = limit
    }
}

/// How a dispatcher reports an action it ran.
public enum TicketActionOutcome: Sendable, Hashable {
    /// The action is done; a call request, if any, is recorded in the same transaction.
    case done(result: JSONObject, call: CallRequest?)
    /// It failed and runs again at `retryAt`.
    case retry(error: String, retryAt: Double)
    /// It failed for good.
    case failed(error: String)
}

/// Why a ticket could not change as asked.
public struct TicketStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of refusal.
    public enum Code: String, Sendable, Hashable {
        case notFound
        case invalidTransition
    }

    public var code: Code
    public var description: String

    public init(_ code: Code, _ description: String) {
        self.code = code
        self.description = description
    }
}

/// Where tickets, their actions (the outbox) and call requests are kept. A ticket and its pending
/// actions are written in one transaction; an event is triaged at most once; a device has at most
/// one unresolved ticket per error code.
public protocol TicketStore: Sendable {
    /// Opens a ticket for the event, or bumps the open one, or recognises a replayed event — all in
    /// one transaction.
    func openTicket(_ opening: TicketOpening) async throws -> TicketOpeningResult

    func ticket(id: String) async throws -> Ticket?

    func tickets(_ query: TicketQuery) async throws -> [Ticket]

    /// Moves a ticket to `status` (acknowledged or resolved), if its lifecycle allows.
    func setStatus(
        ticketID: String, to status: Ticket.Status, by actor: String?, note: String?, at time: Double
    ) async throws -> Ticket

    /// Adds actions to an open ticket unless it already has them (for tools called by an agent);
    /// returns the ticket.
    func addActions(ticketID: String, tools: [String], at time: Double) async throws -> Ticket

    /// Claims up to `limit` actions that are due at `now` — pending ones, and running ones whose
    /// lease ran out — leasing them for `lease` seconds.
    func claimDueActions(now: Double, limit: Int, lease: Double) async throws -> [TicketAction]

    /// Releases every running action (at start, when no other dispatcher can hold one).
    func releaseRunningActions() async throws -> Int

    /// Records what became of a claimed action.
    func completeAction(id: Int64, outcome: TicketActionOutcome, at time: Double) async throws

    /// The soonest time a pending action becomes due, if any.
    func nextActionDue() async throws -> Double?

    /// Marks the fault gone on the device's unresolved tickets whose `clear_fault` action is done,
    /// and resolves them; returns those tickets.
    func confirmFaultCleared(deviceID: String, at time: Double) async throws -> [Ticket]

    /// Devices with a ticket waiting for the device to confirm a cleared fault.
    func devicesAwaitingClearConfirmation() async throws -> Set<String>

    /// Events that no ticket accounts for yet, oldest first.
    func untriagedEvents(limit: Int) async throws -> [ErrorEvent]

    /// Call requests, newest first, optionally of one ticket.
    func calls(ticketID: String?, limit: Int) async throws -> [CallRequest]
}
