import GRDB
import OneCallCore
import OneCallStorage

extension SQLiteStorage {
    /// The contact center's state of a call and the attempts placed for it. A call due again keeps
    /// its time in `next_attempt_at`; one being placed holds a lease, so a crash mid-call makes it
    /// due again rather than lost.
    static let callSchema = """
        ALTER TABLE calls ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE calls ADD COLUMN next_attempt_at REAL;
        ALTER TABLE calls ADD COLUMN lease_until REAL;
        ALTER TABLE calls ADD COLUMN roster TEXT;
        ALTER TABLE calls ADD COLUMN outcome TEXT;
        ALTER TABLE calls ADD COLUMN updated_at REAL;
        UPDATE calls SET next_attempt_at = created_at, updated_at = created_at WHERE status = 'requested';
        UPDATE calls SET updated_at = created_at WHERE updated_at IS NULL;
        CREATE INDEX calls_due ON calls(next_attempt_at) WHERE next_attempt_at IS NOT NULL;
        CREATE TABLE call_attempts (
            call_id TEXT NOT NULL REFERENCES calls(id) ON DELETE CASCADE,
            number INTEGER NOT NULL CHECK (number > 0),
            ticket_id TEXT NOT NULL,
            operator_index INTEGER NOT NULL,
            operator_name TEXT,
            destination TEXT NOT NULL,
            provider TEXT NOT NULL,
            started_at REAL NOT NULL,
            answered_at REAL,
            ended_at REAL NOT NULL,
            outcome TEXT NOT NULL,
            digits TEXT NOT NULL DEFAULT '',
            detail TEXT,
            transcript TEXT NOT NULL DEFAULT '[]',
            PRIMARY KEY (call_id, number)
        );
        """

    static let callColumns = """
        id, ticket_id, action_id, device_id, contact_name, contact, message, status, created_at, attempts,
        next_attempt_at, roster, outcome, updated_at
        """

    static func call(_ row: Row) -> CallRequest {
        let status: String = row["status"]
        let createdAt: Double = row["created_at"]
        return CallRequest(
            id: row["id"], ticketID: row["ticket_id"], actionID: row["action_id"], deviceID: row["device_id"],
            contactName: row["contact_name"], contact: row["contact"], message: row["message"],
            status: CallRequest.Status(rawValue: status) ?? .failed, createdAt: createdAt, attempts: row["attempts"],
            nextAttemptAt: row["next_attempt_at"], roster: row["roster"], outcome: row["outcome"],
            updatedAt: row["updated_at"] ?? createdAt)
    }

    static func attempt(_ row: Row) -> CallAttempt {
        let outcome: String = row["outcome"]
        return CallAttempt(
            callID: row["call_id"], ticketID: row["ticket_id"], number: row["number"],
            operatorIndex: row["operator_index"], operatorName: row["operator_name"], destination: row["destination"],
            provider: row["provider"], startedAt: row["started_at"], answeredAt: row["answered_at"],
            endedAt: row["ended_at"], outcome: CallAttempt.Outcome(rawValue: outcome) ?? .failed,
            digits: row["digits"], detail: row["detail"], transcript: strings(row["transcript"]))
    }
}

extension SQLiteStorage: CallStore {
    public func claimDueCalls(now: Double, limit: Int, lease: Double) async throws -> [CallRequest] {
        try await writer.write { db in
            try Row.fetchAll(
                db,
                sql: """
                    UPDATE calls SET status = 'calling', lease_until = ?, updated_at = ?
                    WHERE id IN (
                        SELECT id FROM calls
                        WHERE (status IN ('requested', 'waiting', 'snoozed') AND next_attempt_at <= ?)
                           OR (status = 'calling' AND lease_until <= ?)
                        ORDER BY next_attempt_at, created_at LIMIT ?)
                    RETURNING \(Self.callColumns)
                    """,
                arguments: [now + lease, now, now, now, max(0, limit)]
            ).map(Self.call).sorted { ($0.nextAttemptAt ?? 0, $0.createdAt) < ($1.nextAttemptAt ?? 0, $1.createdAt) }
        }
    }

    public func recordCallProgress(callID: String, attempt: CallAttempt?, progress: CallProgress, at time: Double)
        async throws
    {
        try await writer.write { db in
            if let attempt {
                try db.execute(
                    sql: """
                        INSERT OR IGNORE INTO call_attempts (call_id, number, ticket_id, operator_index, operator_name,
                            destination, provider, started_at, answered_at, ended_at, outcome, digits, detail,
                            transcript)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        callID, attempt.number, attempt.ticketID, attempt.operatorIndex, attempt.operatorName,
                        attempt.destination, attempt.provider, attempt.startedAt, attempt.answeredAt,
                        attempt.endedAt, attempt.outcome.rawValue, attempt.digits, attempt.detail,
                        Self.text(attempt.transcript),
                    ])
            }
            try db.execute(
                sql: """
                    UPDATE calls SET status = ?, next_attempt_at = ?, lease_until = NULL,
                        roster = coalesce(?, roster), outcome = ?, updated_at = ?,
                        attempts = (SELECT count(*) FROM call_attempts WHERE call_id = calls.id)
                    WHERE id = ? AND status = 'calling'
                    """,
                arguments: [
                    progress.status.rawValue, progress.status.isFinal ? nil : progress.nextAttemptAt,
                    progress.roster, progress.outcome, time, callID,
                ])
        }
    }

    public func renewCallLease(callID: String, until: Double) async throws -> Bool {
        try await writer.write { db in
            try db.execute(
                sql: "UPDATE calls SET lease_until = ? WHERE id = ? AND status = 'calling'",
                arguments: [until, callID])
            return db.changesCount > 0
        }
    }

    public func call(id: String) async throws -> CallRequest? {
        try await writer.read { db in
            try Row.fetchOne(db, sql: "SELECT \(Self.callColumns) FROM calls WHERE id = ?", arguments: [id])
                .map(Self.call)
        }
    }

    public func callAttempts(callID: String) async throws -> [CallAttempt] {
        try await writer.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM call_attempts WHERE call_id = ? ORDER BY number", arguments: [callID]
            ).map(Self.attempt)
        }
    }

    public func nextCallDue() async throws -> Double? {
        try await writer.read { db in
            try Double.fetchOne(
                db,
                sql: """
                    SELECT min(CASE WHEN status = 'calling' THEN lease_until ELSE next_attempt_at END) FROM calls
                    WHERE status IN ('requested', 'waiting', 'snoozed', 'calling')
                    """)
        }
    }

    public func releaseRunningCalls() async throws -> Int {
        try await writer.write { db in
            try db.execute(
                sql: """
                    UPDATE calls SET status = 'waiting', lease_until = NULL,
                        next_attempt_at = coalesce(next_attempt_at, updated_at)
                    WHERE status = 'calling'
                    """)
            return db.changesCount
        }
    }
}
