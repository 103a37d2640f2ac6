import GRDB
import OneCallCore
import OneCallStorage

extension SQLiteStorage {
    /// Tickets, their actions (the outbox) and call requests. The partial unique index is the rule
    /// "one unresolved ticket per device and code"; `events.ticket_id` says which ticket an event
    /// went to, so a replayed event is recognised.
    static let ticketSchema = """
        ALTER TABLE events ADD COLUMN ticket_id TEXT;
        CREATE INDEX events_untriaged ON events(sequence) WHERE ticket_id IS NULL;
        CREATE TABLE tickets (
            unique_id TEXT PRIMARY KEY NOT NULL,
            device_id TEXT NOT NULL,
            error_code TEXT NOT NULL,
            time_stamp REAL NOT NULL,
            troubleshooting_steps TEXT NOT NULL DEFAULT '[]',
            anomaly_start REAL,
            anomaly_end REAL,
            status TEXT NOT NULL CHECK (status IN ('open', 'acknowledged', 'resolved')),
            occurrences INTEGER NOT NULL DEFAULT 1,
            last_occurrence_at REAL NOT NULL,
            severity TEXT,
            title TEXT,
            no_runbook INTEGER NOT NULL DEFAULT 0,
            attention TEXT NOT NULL DEFAULT '[]',
            event_id TEXT NOT NULL,
            created_at REAL NOT NULL,
            updated_at REAL NOT NULL,
            acknowledged_at REAL,
            acknowledged_by TEXT,
            resolved_at REAL,
            resolved_by TEXT,
            resolution TEXT,
            fault_cleared_at REAL,
            plan TEXT NOT NULL DEFAULT '{}'
        );
        CREATE UNIQUE INDEX tickets_one_unresolved ON tickets(device_id, error_code) WHERE status != 'resolved';
        CREATE INDEX tickets_created ON tickets(created_at);
        CREATE TABLE ticket_actions (
            id INTEGER PRIMARY KEY,
            ticket_id TEXT NOT NULL REFERENCES tickets(unique_id) ON DELETE CASCADE,
            sequence INTEGER NOT NULL,
            tool TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('pending', 'running', 'done', 'failed')),
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at REAL NOT NULL,
            lease_until REAL,
            created_at REAL NOT NULL,
            started_at REAL,
            completed_at REAL,
            last_error TEXT,
            result TEXT,
            UNIQUE (ticket_id, tool)
        );
        CREATE INDEX ticket_actions_due ON ticket_actions(next_attempt_at) WHERE status IN ('pending', 'running');
        CREATE TABLE calls (
            id TEXT PRIMARY KEY NOT NULL,
            ticket_id TEXT NOT NULL REFERENCES tickets(unique_id) ON DELETE CASCADE,
            action_id INTEGER NOT NULL UNIQUE,
            device_id TEXT NOT NULL,
            contact_name TEXT,
            contact TEXT,
            message TEXT NOT NULL,
            status TEXT NOT NULL,
            created_at REAL NOT NULL
        );
        CREATE INDEX calls_ticket ON calls(ticket_id);
        """

    static let ticketColumns = """
        unique_id, device_id, error_code, time_stamp, troubleshooting_steps, anomaly_start, anomaly_end, status,
        occurrences, last_occurrence_at, severity, title, no_runbook, attention, event_id, created_at, updated_at,
        acknowledged_at, acknowledged_by, resolved_at, resolved_by, resolution, fault_cleared_at, plan
        """

    static let actionColumns = """
        id, ticket_id, sequence, tool, status, attempts, next_attempt_at, lease_until, created_at, started_at,
        completed_at, last_error, result
        """

    static func strings(_ text: String) -> [String] {
        ((try? JSONValue(parsing: text))?.arrayValue ?? []).compactMap(\.stringValue)
    }

    static func text(_ strings: [String]) -> String { JSONValue.array(strings.map(JSONValue.string)).jsonString }

    static func object(_ text: String?) -> JSONObject? {
        guard let text else { return nil }
        return (try? JSONValue(parsing: text))?.objectValue
    }

    static func ticket(_ row: Row, actions: [TicketAction]) -> Ticket {
        let statusText: String = row["status"]
        let noRunbook: Int = row["no_runbook"]
        return Ticket(
            uniqueID: row["unique_id"], deviceID: row["device_id"], errorCode: row["error_code"],
            timeStamp: row["time_stamp"], troubleshootingSteps: strings(row["troubleshooting_steps"]),
            anomalyStart: row["anomaly_start"], anomalyEnd: row["anomaly_end"],
            status: Ticket.Status(rawValue: statusText) ?? .open, occurrences: row["occurrences"],
            lastOccurrenceAt: row["last_occurrence_at"], severity: row["severity"], title: row["title"],
            noRunbook: noRunbook != 0, attention: strings(row["attention"]), eventID: row["event_id"],
            createdAt: row["created_at"], updatedAt: row["updated_at"], acknowledgedAt: row["acknowledged_at"],
            acknowledgedBy: row["acknowledged_by"], resolvedAt: row["resolved_at"], resolvedBy: row["resolved_by"],
            resolution: row["resolution"], faultClearedAt: row["fault_cleared_at"],
            plan: object(row["plan"]) ?? JSONObject(), actions: actions)
    }

    static func action(_ row: Row) -> TicketAction {
        let statusText: String = row["status"]
        return TicketAction(
            id: row["id"], ticketID: row["ticket_id"], sequence: row["sequence"], tool: row["tool"],
            status: TicketAction.Status(rawValue: statusText) ?? .pending, attempts: row["attempts"],
            nextAttemptAt: row["next_attempt_at"], leaseUntil: row["lease_until"], createdAt: row["created_at"],
            startedAt: row["started_at"], completedAt: row["completed_at"], lastError: row["last_error"],
            result: object(row["result"]))
    }

    static func fetchTicket(_ db: Database, id: String) throws -> Ticket? {
        guard
            let row = try Row.fetchOne(
                db, sql: "SELECT \(ticketColumns) FROM tickets WHERE unique_id = ?", arguments: [id])
        else { return nil }
        let actions = try Row.fetchAll(
            db, sql: "SELECT \(actionColumns) FROM ticket_actions WHERE ticket_id = ? ORDER BY sequence, id",
            arguments: [id]
        ).map(action)
        return ticket(row, actions: actions)
    }

    /// Inserts pending actions, or with `lease` actions already claimed until `time + lease`.
    static func insertActions(
        _ db: Database, ticketID: String, tools: [String], from sequence: Int, at time: Double, lease: Double? = nil
    ) throws {
        let insert = try db.cachedStatement(
            sql: """
                INSERT OR IGNORE INTO ticket_actions (ticket_id, sequence, tool, status, attempts, next_attempt_at,
                    lease_until, created_at, started_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
        for (offset, tool) in tools.enumerated() {
            if let lease {
                try insert.execute(arguments: [
                    ticketID, sequence + offset, tool, "running", 1, time + lease, time + lease, time, time,
                ])
            } else {
                try insert.execute(arguments: [ticketID, sequence + offset, tool, "pending", 0, time, nil, time, nil])
            }
        }
    }
}

extension SQLiteStorage: TicketStore {
    public func openTicket(_ opening: TicketOpening) async throws -> TicketOpeningResult {
        try await writer.write { db in
            let event = opening.event
            try db.execute(
                sql: """
                    INSERT OR IGNORE INTO events (id, device_id, error_code, timestamp, received_at, source, details)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    event.id, event.deviceID, event.errorCode, event.timestamp, event.receivedAt,
                    event.source.rawValue, JSONValue.object(event.details).jsonString,
                ])
            if let triaged = try String.fetchOne(
                db, sql: "SELECT ticket_id FROM events WHERE id = ? AND ticket_id IS NOT NULL", arguments: [event.id]),
                let ticket = try Self.fetchTicket(db, id: triaged)
            {
                return .alreadyTriaged(ticket)
            }
            if let existing = try String.fetchOne(
                db,
                sql: "SELECT unique_id FROM tickets WHERE device_id = ? AND error_code = ? AND status != 'resolved'",
                arguments: [event.deviceID, event.errorCode])
            {
                try db.execute(
                    sql: """
                        UPDATE tickets SET occurrences = occurrences + 1,
                            last_occurrence_at = max(last_occurrence_at, ?), updated_at = ?,
                            anomaly_end = CASE WHEN ? IS NULL THEN anomaly_end ELSE max(coalesce(anomaly_end, ?), ?) END
                        WHERE unique_id = ?
                        """,
                    arguments: [
                        event.timestamp, opening.now, opening.anomalyEnd, opening.anomalyEnd, opening.anomalyEnd,
                        existing,
                    ])
                try db.execute(sql: "UPDATE events SET ticket_id = ? WHERE id = ?", arguments: [existing, event.id])
                guard let ticket = try Self.fetchTicket(db, id: existing) else {
                    throw TicketStoreError(.notFound, "ticket \(existing) vanished")
                }
                return .repeated(ticket)
            }
            try db.execute(
                sql: """
                    INSERT INTO tickets (unique_id, device_id, error_code, time_stamp, troubleshooting_steps,
                        anomaly_start, anomaly_end, status, occurrences, last_occurrence_at, severity, title,
                        no_runbook, attention, event_id, created_at, updated_at, plan)
                    VALUES (?, ?, ?, ?, ?, ?, ?, 'open', 1, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    opening.ticketID, event.deviceID, event.errorCode, event.timestamp,
                    Self.text(opening.troubleshootingSteps), opening.anomalyStart, opening.anomalyEnd,
                    event.timestamp, opening.severity, opening.title, opening.noRunbook ? 1 : 0,
                    Self.text(opening.attention), event.id, opening.now, opening.now,
                    JSONValue.object(opening.plan).jsonString,
                ])
            try Self.insertActions(
                db, ticketID: opening.ticketID, tools: opening.actions, from: 0, at: opening.now,
                lease: opening.leaseActions)
            try db.execute(
                sql: "UPDATE events SET ticket_id = ? WHERE id = ?", arguments: [opening.ticketID, event.id])
            guard let ticket = try Self.fetchTicket(db, id: opening.ticketID) else {
                throw TicketStoreError(.notFound, "ticket \(opening.ticketID) vanished")
            }
            return .opened(ticket)
        }
    }

    public func ticket(id: String) async throws -> Ticket? {
        try await writer.read { db in try Self.fetchTicket(db, id: id) }
    }

    public func tickets(_ query: TicketQuery) async throws -> [Ticket] {
        try await writer.read { db in
            var conditions: [String] = []
            var arguments: [(any DatabaseValueConvertible)?] = []
            if let status = query.status {
                conditions.append("status = ?")
                arguments.append(status.rawValue)
            }
            if let deviceID = query.deviceID {
                conditions.append("device_id = ?")
                arguments.append(deviceID)
            }
            if let errorCode = query.errorCode {
                conditions.append("error_code = ?")
                arguments.append(errorCode)
            }
            let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            arguments.append(max(0, query.limit))
            let rows = try Row.fetchAll(
                db,
                sql: "SELECT \(Self.ticketColumns) FROM tickets \(filter) ORDER BY created_at DESC, rowid DESC LIMIT ?",
                arguments: StatementArguments(arguments))
            guard !rows.isEmpty else { return [] }
            let ids: [String] = rows.map { $0["unique_id"] }
            var actions: [String: [TicketAction]] = [:]
            let placeholders = Array(repeating: "?", count: ids.count).joined(separator: ", ")
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT \(Self.actionColumns) FROM ticket_actions WHERE ticket_id IN (\(placeholders))
                    ORDER BY sequence, id
                    """,
                arguments: StatementArguments(ids))
            {
                let action = Self.action(row)
                actions[action.ticketID, default: []].append(action)
            }
            return rows.map { row in
                let id: String = row["unique_id"]
                return Self.ticket(row, actions: actions[id] ?? [])
            }
        }
    }

    public func setStatus(
        ticketID: String, to status: Ticket.Status, by actor: String?, note: String?, at time: Double
    ) async throws -> Ticket {
        try await writer.write { db in
            guard let ticket = try Self.fetchTicket(db, id: ticketID) else {
                throw TicketStoreError(.notFound, "no ticket \(ticketID)")
            }
            guard ticket.status.allows(status) else {
                throw TicketStoreError(
                    .invalidTransition,
                    "ticket \(ticketID) is \(ticket.status.rawValue); it cannot become \(status.rawValue)")
            }
            guard ticket.status != status else { return ticket }
            switch status {
            case .open:
                return ticket
            case .acknowledged:
                try db.execute(
                    sql: """
                        UPDATE tickets SET status = 'acknowledged', acknowledged_at = ?, acknowledged_by = ?, updated_at = ?
                        WHERE unique_id = ?
                        """,
                    arguments: [time, actor, time, ticketID])
            case .resolved:
                try db.execute(
                    sql: """
                        UPDATE tickets SET status = 'resolved', resolved_at = ?, resolved_by = ?, resolution = ?,
                            acknowledged_at = coalesce(acknowledged_at, ?),
                            acknowledged_by = coalesce(acknowledged_by, ?), updated_at = ?
                        WHERE unique_id = ?
                        """,
                    arguments: [time, actor, note, time, actor, time, ticketID])
            }
            guard let updated = try Self.fetchTicket(db, id: ticketID) else {
                throw TicketStoreError(.notFound, "no ticket \(ticketID)")
            }
            return updated
        }
    }

    public func addActions(ticketID: String, tools: [String], at time: Double) async throws -> Ticket {
        try await writer.write { db in
            guard let ticket = try Self.fetchTicket(db, id: ticketID) else {
                throw TicketStoreError(.notFound, "no ticket \(ticketID)")
            }
            guard ticket.status != .resolved else {
                throw TicketStoreError(.invalidTransition, "ticket \(ticketID) is resolved")
            }
            let next = (ticket.actions.map(\.sequence).max() ?? -1) + 1
            try Self.insertActions(db, ticketID: ticketID, tools: tools, from: next, at: time)
            try db.execute(sql: "UPDATE tickets SET updated_at = ? WHERE unique_id = ?", arguments: [time, ticketID])
            guard let updated = try Self.fetchTicket(db, id: ticketID) else {
                throw TicketStoreError(.notFound, "no ticket \(ticketID)")
            }
            return updated
        }
    }

    public func claimDueActions(now: Double, limit: Int, lease: Double) async throws -> [TicketAction] {
        try await writer.write { db in
            try Row.fetchAll(
                db,
                sql: """
                    UPDATE ticket_actions
                    SET status = 'running', attempts = attempts + 1, lease_until = ?, next_attempt_at = ?,
                        started_at = coalesce(started_at, ?)
                    WHERE id IN (
                        SELECT id FROM ticket_actions
                        WHERE status IN ('pending', 'running') AND next_attempt_at <= ?
                        ORDER BY next_attempt_at, id LIMIT ?)
                    RETURNING \(Self.actionColumns)
                    """,
                arguments: [now + lease, now + lease, now, now, max(0, limit)]
            ).map(Self.action).sorted { ($0.nextAttemptAt, $0.id) < ($1.nextAttemptAt, $1.id) }
        }
    }

    public func releaseRunningActions() async throws -> Int {
        try await writer.write { db in
            try db.execute(
                sql: """
                    UPDATE ticket_actions SET status = 'pending', lease_until = NULL,
                        next_attempt_at = coalesce(started_at, next_attempt_at)
                    WHERE status = 'running'
                    """)
            return db.changesCount
        }
    }

    public func completeAction(id: Int64, outcome: TicketActionOutcome, at time: Double) async throws {
        try await writer.write { db in
            switch outcome {
            case .done(let result, let call):
                try db.execute(
                    sql: """
                        UPDATE ticket_actions SET status = 'done', completed_at = ?, lease_until = NULL, result = ?,
                            last_error = NULL
                        WHERE id = ? AND status != 'done'
                        """,
                    arguments: [time, JSONValue.object(result).jsonString, id])
                if let call, db.changesCount > 0 {
                    try db.execute(
                        sql: """
                            INSERT OR IGNORE INTO calls (id, ticket_id, action_id, device_id, contact_name, contact,
                                message, status, created_at, attempts, next_attempt_at, roster, outcome, updated_at)
                            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                            """,
                        arguments: [
                            call.id, call.ticketID, call.actionID, call.deviceID, call.contactName, call.contact,
                            call.message, call.status.rawValue, call.createdAt, call.attempts, call.nextAttemptAt,
                            call.roster, call.outcome, call.updatedAt,
                        ])
                }
            case .retry(let error, let retryAt):
                try db.execute(
                    sql: """
                        UPDATE ticket_actions SET status = 'pending', next_attempt_at = ?, lease_until = NULL,
                            last_error = ?
                        WHERE id = ? AND status = 'running'
                        """,
                    arguments: [retryAt, error, id])
            case .failed(let error):
                try db.execute(
                    sql: """
                        UPDATE ticket_actions SET status = 'failed', completed_at = ?, lease_until = NULL, last_error = ?
                        WHERE id = ? AND status = 'running'
                        """,
                    arguments: [time, error, id])
            }
        }
    }

    public func nextActionDue() async throws -> Double? {
        try await writer.read { db in
            try Double.fetchOne(
                db, sql: "SELECT min(next_attempt_at) FROM ticket_actions WHERE status IN ('pending', 'running')")
        }
    }

    public func confirmFaultCleared(deviceID: String, at time: Double) async throws -> [Ticket] {
        try await writer.write { db in
            let ids = try String.fetchAll(
                db,
                sql: """
                    SELECT t.unique_id FROM tickets t
                    WHERE t.device_id = ? AND t.status != 'resolved' AND t.fault_cleared_at IS NULL
                      AND EXISTS (SELECT 1 FROM ticket_actions a
                                  WHERE a.ticket_id = t.unique_id AND a.tool = 'clear_fault' AND a.status = 'done')
                    """,
                arguments: [deviceID])
            for id in ids {
                try db.execute(
                    sql: """
                        UPDATE tickets SET fault_cleared_at = ?, status = 'resolved', resolved_at = ?,
                            resolved_by = 'device', resolution = 'the device reported the fault cleared', updated_at = ?
                        WHERE unique_id = ?
                        """,
                    arguments: [time, time, time, id])
            }
            return try ids.compactMap { try Self.fetchTicket(db, id: $0) }
        }
    }

    public func devicesAwaitingClearConfirmation() async throws -> Set<String> {
        try await writer.read { db in
            Set(
                try String.fetchAll(
                    db,
                    sql: """
                        SELECT DISTINCT t.device_id FROM tickets t JOIN ticket_actions a ON a.ticket_id = t.unique_id
                        WHERE a.tool = 'clear_fault' AND t.status != 'resolved' AND t.fault_cleared_at IS NULL
                        """))
        }
    }

    public func untriagedEvents(limit: Int) async throws -> [ErrorEvent] {
        try await writer.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT id, device_id, error_code, timestamp, received_at, source, details FROM events
                    WHERE ticket_id IS NULL ORDER BY sequence LIMIT ?
                    """,
                arguments: [max(0, limit)]
            ).map(Self.event)
        }
    }

    public func calls(ticketID: String?, limit: Int) async throws -> [CallRequest] {
        try await writer.read { db in
            let columns = Self.callColumns
            let rows: [Row]
            if let ticketID {
                rows = try Row.fetchAll(
                    db,
                    sql:
                        "SELECT \(columns) FROM calls WHERE ticket_id = ? ORDER BY created_at DESC, rowid DESC LIMIT ?",
                    arguments: [ticketID, max(0, limit)])
            } else {
                rows = try Row.fetchAll(
                    db, sql: "SELECT \(columns) FROM calls ORDER BY created_at DESC, rowid DESC LIMIT ?",
                    arguments: [max(0, limit)])
            }
            return rows.map(Self.call)
        }
    }
}
