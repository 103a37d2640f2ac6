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

/// A request to phone a person about a ticket, recorded for the contact center (or, without one,
/// by the local voice provider, which keeps what would have been said).
public struct CallRequest: Sendable, Hashable {
    public var id: String
    public var ticketID: String
    /// The action that asked for the call: one call per action, ever.
    public var actionID: Int64
    public var deviceID: String
    /// Who to call and how to reach them, from the device registry (site owner and contact).
    public var contactName: String?
    public var contact: String?
    /// What the call says.
    public var message: String
    public var status: String
    public var createdAt: Double

    public init(
        id: String, ticketID: String, actionID: Int64, deviceID: String, contactName: String?, contact: String?,
        message: String, status: String = "requested", createdAt: Double
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
    }
}
