/// A ticket: one open fault of one device (the reference's error table, plus what a real ticket
/// needs — a lifecycle, an occurrence count and the actions taken with their outcomes).
public struct Ticket: Sendable, Hashable {
    /// A ticket's place in its lifecycle: open → acknowledged → resolved.
    public enum Status: String, Sendable, Hashable, CaseIterable {
        case open
        case acknowledged
        case resolved

        /// Whether a ticket may move from this status to `next`. Moving to the status a ticket
        /// already has is allowed (and changes nothing), so that a retried request succeeds.
        public func allows(_ next: Status) -> Bool {
            switch (self, next) {
            case (.open, _), (.acknowledged, .acknowledged), (.acknowledged, .resolved), (.resolved, .resolved):
                return true
            case (.acknowledged, .open), (.resolved, .open), (.resolved, .acknowledged):
                return false
            }
        }
    }

    /// A UUID string.
    public var uniqueID: String
    public var deviceID: String
    public var errorCode: String
    /// When the fault first happened (the first event's time), in seconds since 1970.
    public var timeStamp: Double
    /// The guide's troubleshooting steps for the code, in order.
    public var troubleshootingSteps: [String]
    /// For anomalies: the window in which the device behaved abnormally.
    public var anomalyStart: Double?
    public var anomalyEnd: Double?
    public var status: Status
    /// How many times the fault was reported while this ticket was open (1 at first).
    public var occurrences: Int
    public var lastOccurrenceAt: Double
    /// The guide's severity and fault type (or section title), when it gives them.
    public var severity: String?
    public var title: String?
    /// No section of the knowledge base covers the code: a person must look.
    public var noRunbook: Bool
    /// What a person should look at (phrases of the guide that map to no tool, a missing action list).
    public var attention: [String]
    /// The event that opened the ticket.
    public var eventID: String
    public var createdAt: Double
    public var updatedAt: Double
    public var acknowledgedAt: Double?
    public var acknowledgedBy: String?
    public var resolvedAt: Double?
    public var resolvedBy: String?
    public var resolution: String?
    /// When the device reported the fault gone after a `clear_fault` action.
    public var faultClearedAt: Double?
    /// The plan the ticket's actions came from (planner, section, unmapped phrases).
    public var plan: JSONObject
    /// The actions the guide lists, in order, with their outcomes.
    public var actions: [TicketAction]

    public init(
        uniqueID: String, deviceID: String, errorCode: String, timeStamp: Double, troubleshootingSteps: [String] = [],
        anomalyStart: Double? = nil, anomalyEnd: Double? = nil, status: Status = .open, occurrences: Int = 1,
        lastOccurrenceAt: Double? = nil, severity: String? = nil, title: String? = nil, noRunbook: Bool = false,
        attention: [String] = [], eventID: String, createdAt: Double, updatedAt: Double? = nil,
        acknowledgedAt: Double? = nil, acknowledgedBy: String? = nil, resolvedAt: Double? = nil,
        resolvedBy: String? = nil, resolution: String? = nil, faultClearedAt: Double? = nil,
        plan: JSONObject = JSONObject(), actions: [TicketAction] = []
    ) {
        self.uniqueID = uniqueID
        self.deviceID = deviceID
        self.errorCode = errorCode
        self.timeStamp = timeStamp
        self.troubleshootingSteps = troubleshootingSteps
        self.anomalyStart = anomalyStart
        self.anomalyEnd = anomalyEnd
        self.status = status
        self.occurrences = occurrences
        self.lastOccurrenceAt = lastOccurrenceAt ?? timeStamp
        self.severity = severity
        self.title = title
        self.noRunbook = noRunbook
        self.attention = attention
        self.eventID = eventID
        self.createdAt = createdAt
        self.updatedAt = updatedAt ?? createdAt
        self.acknowledgedAt = acknowledgedAt
        self.acknowledgedBy = acknowledgedBy
        self.resolvedAt = resolvedAt
        self.resolvedBy = resolvedBy
        self.resolution = resolution
        self.faultClearedAt = faultClearedAt
        self.plan = plan
        self.actions = actions
    }
}

/// One action of a ticket (an entry of the outbox): a tool to run, once, with retries until it
/// succeeds or gives up.
public struct TicketAction: Sendable, Hashable {
    /// Where an action stands.
    public enum Status: String, Sendable, Hashable, CaseIterable {
        /// Waiting to run (again, after `nextAttemptAt`).
        case pending
        /// Claimed by a dispatcher, until `leaseUntil`.
        case running
        case done
        /// Gave up: a permanent error, or too many attempts.
        case failed
    }

    public var id: Int64
    public var ticketID: String
    /// The action's place in the guide's list (0, 1, …).
    public var sequence: Int
    /// The tool's wire name (`log_ticket`, `call_operator`, `clear_fault`).
    public var tool: String
    public var status: Status
    public var attempts: Int
    public var nextAttemptAt: Double
    public var leaseUntil: Double?
    public var createdAt: Double
    public var startedAt: Double?
    public var completedAt: Double?
    public var lastError: String?
    /// What the tool reported (an SMTP receipt, a call id, the command sent).
    public var result: JSONObject?

    public init(
        id: Int64, ticketID: String, sequence: Int, tool: String, status: Status = .pending, attempts: Int = 0,
        nextAttemptAt: Double, leaseUntil: Double? = nil, createdAt: Double, startedAt: Double? = nil,
        completedAt: Double? = nil, lastError: String? = nil, result: JSONObject? = nil
    ) {
        self.id = id
        self.ticketID = ticketID
        self.sequence = sequence
        self.tool = tool
        self.status = status
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.leaseUntil = leaseUntil
        self.createdAt = createdAt
        self.startedAt = startedAt
        self.completedAt = completedAt
        self.lastError = lastError
        self.result = result
    }
}

/// A request to phone a person about a ticket, recorded for the contact center, which places it,
/// retries it and escalates it along the site's roster until someone acknowledges.
public struct CallRequest: Sendable, Hashable {
    /// Where a call request stands.
    public enum Status: String, Sendable, Hashable, CaseIterable {
        /// Recorded, not placed yet.
        case requested
        /// An attempt is ringing or running its flow.
        case calling
        /// An attempt went unacknowledged; the next one is due at `nextAttemptAt`.
        case waiting
        /// The operator pressed snooze; the next attempt is due at `nextAttemptAt`.
        case snoozed
        /// A person acknowledged the ticket on the phone.
        case acknowledged
        /// A person resolved the ticket on the phone.
        case resolved
        /// The ticket was acknowledged or resolved elsewhere before anyone answered.
        case cancelled
        /// Every operator of every round was tried and nobody acknowledged.
        case exhausted
        /// The call could not be placed at all (no roster, no number, no voice provider).
        case failed

        /// Whether the call is over: no further attempt will be made.
        public var isFinal: Bool {
            switch self {
            case .requested, .calling, .waiting, .snoozed: return false
            case .acknowledged, .resolved, .cancelled, .exhausted, .failed: return true
            }
        }
    }

    public var id: String
    public var ticketID: String
    /// The action that asked for the call: one call per action, ever.
    public var actionID: Int64
    public var deviceID: String
    /// Who to call and how to reach them, from the device registry (site owner and contact); the
    /// roster, when one matches the device, takes precedence.
    public var contactName: String?
    public var contact: String?
    /// What the call says.
    public var message: String
    public var status: Status
    public var createdAt: Double
    /// How many attempts were placed.
    public var attempts: Int
    /// When the next attempt is due (`nil` once the call is over).
    public var nextAttemptAt: Double?
    /// The roster the call escalates along, once chosen.
    public var roster: String?
    /// Why the call ended the way it did, in words.
    public var outcome: String?
    public var updatedAt: Double

    public init(
        id: String, ticketID: String, actionID: Int64, deviceID: String, contactName: String?, contact: String?,
        message: String, status: Status = .requested, createdAt: Double, attempts: Int = 0,
        nextAttemptAt: Double? = nil, roster: String? = nil, outcome: String? = nil, updatedAt: Double? = nil
    ) {
        self.id = id
        self.ticketID = ticketID
        self.actionID = actionID
        self.deviceID = deviceID
        self.contactName = contactName
        self.contact = contact
        self.message = message
        self.status = status
        self.createdAt = createdAt
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt ?? (status == .requested ? createdAt : nil)
        self.roster = roster
        self.outcome = outcome
        self.updatedAt = updatedAt ?? createdAt
    }
}

/// One phone call placed for a ``CallRequest``: who was called, when, what happened and which
/// keys they pressed.
public struct CallAttempt: Sendable, Hashable {
    /// How an attempt ended.
    public enum Outcome: String, Sendable, Hashable, CaseIterable {
        /// Answered, and the person acknowledged the ticket.
        case acknowledged
        /// Answered, and the person resolved the ticket.
        case resolved
        /// Answered, and the person asked to be called again later.
        case snoozed
        /// Answered, but no key (or no valid key) was pressed.
        case answered
        /// Rang out, or the callee was unavailable.
        case noAnswer = "no_answer"
        case busy
        /// Refused with another final status.
        case rejected
        /// Not placed or broken off: transport or provider failure.
        case failed

        /// Whether a person took responsibility for the ticket on this attempt.
        public var closesCall: Bool { self == .acknowledged || self == .resolved }
    }

    public var callID: String
    public var ticketID: String
    /// 1 for the first attempt of the call, then 2, 3, …
    public var number: Int
    /// The operator's place in the roster, their name and the number or address dialled.
    public var operatorIndex: Int
    public var operatorName: String?
    public var destination: String
    /// The voice provider that placed it (`sip`, `local`).
    public var provider: String
    public var startedAt: Double
    public var answeredAt: Double?
    public var endedAt: Double
    public var outcome: Outcome
    /// Every key pressed, in order.
    public var digits: String
    /// The provider's word on a failure (`486 Busy Here`), or the flow's ending.
    public var detail: String?
    /// What was said and pressed, line by line.
    public var transcript: [String]

    public init(
        callID: String, ticketID: String, number: Int, operatorIndex: Int, operatorName: String?,
        destination: String, provider: String, startedAt: Double, answeredAt: Double?, endedAt: Double,
        outcome: Outcome, digits: String = "", detail: String? = nil, transcript: [String] = []
    ) {
        self.callID = callID
        self.ticketID = ticketID
        self.number = number
        self.operatorIndex = operatorIndex
        self.operatorName = operatorName
        self.destination = destination
        self.provider = provider
        self.startedAt = startedAt
        self.answeredAt = answeredAt
        self.endedAt = endedAt
        self.outcome = outcome
        self.digits = digits
        self.detail = detail
        self.transcript = transcript
    }

    /// Seconds from dialling to hanging up.
    public var duration: Double { max(0, endedAt - startedAt) }
}
