import Foundation
import GRDB
import OneCallCore
import OneCallStorage

/// OneCall's stores in one SQLite database, through GRDB: WAL mode, so that readers never wait for
/// the writer, and `synchronous = NORMAL`, which survives a crash of the process (not of the
/// machine) without an fsync per transaction.
public final class SQLiteStorage: Sendable {
    let writer: any DatabaseWriter
    /// A connection of its own for checkpoints, so that copying the WAL into the database (and its
    /// fsync) happens beside the writer, not inside one of its commits.
    private let checkpointer: DatabaseQueue?

    /// WAL pages after which a commit checkpoints by itself: a safety net when `checkpoint()` is not
    /// called often (SQLite's default, 1000, puts a checkpoint into about one commit in a hundred).
    static let automaticCheckpointPages = 10_000

    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    public init(path: String) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(5)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            try db.execute(sql: "PRAGMA wal_autocheckpoint = \(Self.automaticCheckpointPages)")
        }
        writer = try DatabasePool(path: path, configuration: configuration)
        try Self.migrator.migrate(writer)
        var checkpointing = Configuration()
        checkpointing.busyMode = .timeout(5)
        checkpointer = try DatabaseQueue(path: path, configuration: checkpointing)
    }

    /// An in-memory database, for tests and throwaway runs.
    public init() throws {
        writer = try DatabaseQueue()
        checkpointer = nil
        try Self.migrator.migrate(writer)
    }

    /// Copies what the write-ahead log holds into the database without blocking writers or readers
    /// (a passive checkpoint). The server calls it every second.
    public func checkpoint() async throws {
        guard let checkpointer else { return }
        try await checkpointer.writeWithoutTransaction { db in _ = try db.checkpoint(.passive) }
    }

    /// The schema. Migrations are append-only: never edit one that has landed; add another.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-telemetry") { db in
            try db.execute(
                sql: """
                    CREATE TABLE telemetry (
                        sequence INTEGER PRIMARY KEY,
                        device_id TEXT NOT NULL,
                        timestamp REAL NOT NULL,
                        received_at REAL NOT NULL,
                        topic TEXT NOT NULL,
                        payload TEXT NOT NULL
                    );
                    CREATE INDEX telemetry_device_time ON telemetry(device_id, timestamp);
                    CREATE TABLE dead_letters (
                        sequence INTEGER PRIMARY KEY,
                        topic TEXT NOT NULL,
                        client_id TEXT,
                        received_at REAL NOT NULL,
                        reason TEXT NOT NULL,
                        payload BLOB NOT NULL
                    );
                    CREATE TABLE checkpoints (
                        name TEXT PRIMARY KEY,
                        value INTEGER NOT NULL
                    );
                    """)
        }
        migrator.registerMigration("v1-devices") { db in
            try db.execute(
                sql: """
                    CREATE TABLE devices (
                        id TEXT PRIMARY KEY NOT NULL CHECK (length(id) BETWEEN 1 AND 128),
                        type TEXT NOT NULL,
                        address TEXT, city TEXT, state TEXT, zip TEXT, country TEXT,
                        site_owner TEXT, site_owner_contact TEXT,
                        attributes TEXT NOT NULL DEFAULT '{}',
                        password_hash TEXT,
                        created_at REAL NOT NULL,
                        updated_at REAL NOT NULL,
                        last_seen REAL,
                        auto_registered INTEGER NOT NULL DEFAULT 0
                    );
                    """)
        }
        migrator.registerMigration("v1-shadows") { db in
            try db.execute(
                sql: """
                    CREATE TABLE shadows (
                        thing_name TEXT NOT NULL,
                        shadow_name TEXT NOT NULL,
                        version INTEGER NOT NULL,
                        document BLOB NOT NULL,
                        PRIMARY KEY (thing_name, shadow_name)
                    ) WITHOUT ROWID;
                    """)
        }
        migrator.registerMigration("v1-events") { db in
            try db.execute(
                sql: """
                    CREATE TABLE events (
                        sequence INTEGER PRIMARY KEY,
                        id TEXT NOT NULL UNIQUE,
                        device_id TEXT NOT NULL,
                        error_code TEXT NOT NULL,
                        timestamp REAL NOT NULL,
                        received_at REAL NOT NULL,
                        source TEXT NOT NULL,
                        details TEXT NOT NULL
                    );
                    CREATE INDEX events_device ON events(device_id, sequence);
                    """)
        }
        migrator.registerMigration("v2-tickets") { db in
            try db.execute(sql: SQLiteStorage.ticketSchema)
        }
        migrator.registerMigration("v3-call-attempts") { db in
            try db.execute(sql: SQLiteStorage.callSchema)
        }
        return migrator
    }
}

// MARK: - Telemetry

extension SQLiteStorage: TelemetryStore {
    public func append(_ records: [TelemetryRecord], deadLetters: [DeadLetter]) async throws {
        guard !records.isEmpty || !deadLetters.isEmpty else { return }
        try await writer.write { db in
            if !records.isEmpty {
                let insert = try db.cachedStatement(
                    sql:
                        "INSERT INTO telemetry (device_id, timestamp, received_at, topic, payload) VALUES (?, ?, ?, ?, ?)"
                )
                var newest: [String: Double] = [:]
                for record in records {
                    insert.setUncheckedArguments([
                        record.deviceID, record.timestamp, record.receivedAt, record.topic,
                        String(decoding: record.payload, as: UTF8.self),
                    ])
                    try insert.execute()
                    newest[record.deviceID] = max(newest[record.deviceID] ?? -.infinity, record.timestamp)
                }
                let touch = try db.cachedStatement(
                    sql: "UPDATE devices SET last_seen = max(coalesce(last_seen, ?1), ?1) WHERE id = ?2")
                for (device, timestamp) in newest {
                    touch.setUncheckedArguments([timestamp, device])
                    try touch.execute()
                }
            }
            if !deadLetters.isEmpty {
                let insert = try db.cachedStatement(
                    sql:
                        "INSERT INTO dead_letters (topic, client_id, received_at, reason, payload) VALUES (?, ?, ?, ?, ?)"
                )
                for letter in deadLetters {
                    insert.setUncheckedArguments([
                        letter.topic, letter.clientID, letter.receivedAt, letter.reason, Data(letter.payload),
                    ])
                    try insert.execute()
                }
            }
        }
    }

    public func readings(_ query: TelemetryQuery) async throws -> [TelemetryRecord] {
        try await writer.read { db in
            var clauses: [String] = []
            var arguments: StatementArguments = []
            if let device = query.deviceID {
                clauses.append("device_id = ?")
                arguments += [device]
            }
            if let from = query.from {
                clauses.append("timestamp >= ?")
                arguments += [from]
            }
            if let to = query.to {
                clauses.append("timestamp < ?")
                arguments += [to]
            }
            let whereClause = clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
            let order = query.newestFirst ? "DESC" : "ASC"
            arguments += [max(0, query.limit)]
            let sql = """
                SELECT sequence, device_id, timestamp, received_at, topic, payload FROM telemetry \(whereClause)
                ORDER BY timestamp \(order), sequence \(order) LIMIT ?
                """
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map(Self.record)
        }
    }

    public func readings(after sequence: Int64, limit: Int) async throws -> [TelemetryRecord] {
        try await writer.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT sequence, device_id, timestamp, received_at, topic, payload FROM telemetry
                    WHERE sequence > ? ORDER BY sequence LIMIT ?
                    """,
                arguments: [sequence, max(0, limit)]
            ).map(Self.record)
        }
    }

    static func record(_ row: Row) -> TelemetryRecord {
        let payload: String = row[5]
        return TelemetryRecord(
            sequence: row[0], deviceID: row[1], timestamp: row[2], receivedAt: row[3], topic: row[4],
            payload: Array(payload.utf8))
    }

    public func aggregate(_ aggregation: TelemetryAggregation) async throws -> [TelemetryBucket] {
        // A JSON path such as $."state"."power": each level quoted, so names with spaces or other
        // punctuation work (SQLite's paths cannot spell a `"` inside a name).
        let path =
            "$"
            + aggregation.field.split(separator: ".", omittingEmptySubsequences: false).map { ".\"\($0)\"" }.joined()
        return try await writer.read { db in
            var clauses = ["device_id = :device"]
            var arguments: [String: (any DatabaseValueConvertible)?] = [
                "width": aggregation.bucketSeconds, "path": path, "device": aggregation.deviceID,
            ]
            if let from = aggregation.from {
                clauses.append("timestamp >= :from")
                arguments["from"] = from
            }
            if let to = aggregation.to {
                clauses.append("timestamp < :to")
                arguments["to"] = to
            }
            let sql = """
                SELECT bucket, count(value), avg(value), min(value), max(value) FROM (
                    SELECT CAST(timestamp / :width AS INTEGER) AS bucket, json_extract(payload, :path) AS value,
                        json_type(payload, :path) AS kind
                    FROM telemetry WHERE \(clauses.joined(separator: " AND "))
                )
                WHERE kind IN ('integer', 'real')
                GROUP BY bucket ORDER BY bucket
                """
            return try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments)).map { row in
                let bucket: Double = row[0]
                return TelemetryBucket(
                    start: bucket * aggregation.bucketSeconds, count: row[1], average: row[2], minimum: row[3],
                    maximum: row[4])
            }
        }
    }

    public func latestSequence() async throws -> Int64 {
        try await writer.read { db in try Int64.fetchOne(db, sql: "SELECT max(sequence) FROM telemetry") ?? 0 }
    }

    public func readingCount(deviceID: String?) async throws -> Int {
        try await writer.read { db in
            if let deviceID {
                return try Int.fetchOne(
                    db, sql: "SELECT count(*) FROM telemetry WHERE device_id = ?", arguments: [deviceID])
                    ?? 0
            }
            return try Int.fetchOne(db, sql: "SELECT count(*) FROM telemetry") ?? 0
        }
    }

    public func deleteReadings(before timestamp: Double, notAfter sequence: Int64? = nil) async throws -> Int {
        try await writer.write { db in
            // Sequence numbers grow with arrival, so the first reading received at or after the cut-off
            // bounds everything older: no index on arrival time is needed, and only what goes is read.
            let cut = try Int64.fetchOne(
                db, sql: "SELECT sequence FROM telemetry WHERE received_at >= ? ORDER BY sequence LIMIT 1",
                arguments: [timestamp])
            if let sequence {
                // Readings after `sequence` stay (not exported yet), and so does the newest row.
                let newest = try Int64.fetchOne(db, sql: "SELECT max(sequence) FROM telemetry") ?? 0
                let limit = min(cut ?? newest, sequence + 1, newest)
                try db.execute(sql: "DELETE FROM telemetry WHERE sequence < ?", arguments: [limit])
            } else if let cut {
                try db.execute(sql: "DELETE FROM telemetry WHERE sequence < ?", arguments: [cut])
            } else {
                // Everything is older: keep the newest row anyway, because SQLite would hand out
                // sequence numbers from 1 again on an empty table, behind the exporter's checkpoint.
                try db.execute(sql: "DELETE FROM telemetry WHERE sequence < (SELECT max(sequence) FROM telemetry)")
            }
            let deleted = db.changesCount
            try db.execute(sql: "DELETE FROM dead_letters WHERE received_at < ?", arguments: [timestamp])
            return deleted
        }
    }

    public func deadLetters(limit: Int) async throws -> [DeadLetter] {
        try await writer.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT sequence, topic, client_id, received_at, reason, payload FROM dead_letters
                    ORDER BY sequence DESC LIMIT ?
                    """,
                arguments: [max(0, limit)]
            ).map { row in
                let payload: Data = row[5]
                return DeadLetter(
                    sequence: row[0], topic: row[1], clientID: row[2], receivedAt: row[3], reason: row[4],
                    payload: Array(payload))
            }
        }
    }

    public func checkpoint(_ name: String) async throws -> Int64? {
        try await writer.read { db in
            try Int64.fetchOne(db, sql: "SELECT value FROM checkpoints WHERE name = ?", arguments: [name])
        }
    }

    public func setCheckpoint(_ name: String, to value: Int64) async throws {
        try await writer.write { db in
            try db.execute(
                sql:
                    "INSERT INTO checkpoints (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value",
                arguments: [name, value])
        }
    }
}

// MARK: - Devices

extension SQLiteStorage: DeviceStore {
    static let deviceColumns = """
        id, type, address, city, state, zip, country, site_owner, site_owner_contact, attributes, password_hash,
        created_at, updated_at, last_seen, auto_registered
        """

    public func devices() async throws -> [Device] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT \(Self.deviceColumns) FROM devices ORDER BY id").map(Self.device)
        }
    }

    public func device(id: String) async throws -> Device? {
        try await writer.read { db in
            try Row.fetchOne(db, sql: "SELECT \(Self.deviceColumns) FROM devices WHERE id = ?", arguments: [id])
                .map(Self.device)
        }
    }

    public func save(_ device: Device) async throws {
        try await save([device])
    }

    public func save(_ devices: [Device]) async throws {
        try await writer.write { db in
            let statement = try db.cachedStatement(
                sql: """
                    INSERT INTO devices (\(Self.deviceColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT(id) DO UPDATE SET type = excluded.type, address = excluded.address,
                        city = excluded.city, state = excluded.state, zip = excluded.zip, country = excluded.country,
                        site_owner = excluded.site_owner, site_owner_contact = excluded.site_owner_contact,
                        attributes = excluded.attributes, password_hash = excluded.password_hash,
                        updated_at = excluded.updated_at, last_seen = excluded.last_seen,
                        auto_registered = excluded.auto_registered
                    """)
            for device in devices {
                try statement.execute(arguments: [
                    device.id, device.type, device.address, device.city, device.state, device.zip, device.country,
                    device.siteOwner, device.siteOwnerContact, JSONValue.object(device.attributes).jsonString,
                    device.passwordHash, device.createdAt, device.updatedAt, device.lastSeen, device.autoRegistered,
                ])
            }
        }
    }

    public func insert(_ device: Device) async throws -> Bool {
        try await writer.write { db in
            try db.execute(
                sql: """
                    INSERT INTO devices (\(Self.deviceColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT(id) DO NOTHING
                    """,
                arguments: [
                    device.id, device.type, device.address, device.city, device.state, device.zip, device.country,
                    device.siteOwner, device.siteOwnerContact, JSONValue.object(device.attributes).jsonString,
                    device.passwordHash, device.createdAt, device.updatedAt, device.lastSeen, device.autoRegistered,
                ])
            return db.changesCount > 0
        }
    }

    public func deleteDevice(id: String) async throws -> Bool {
        try await writer.write { db in
            try db.execute(sql: "DELETE FROM devices WHERE id = ?", arguments: [id])
            return db.changesCount > 0
        }
    }

    static func device(_ row: Row) -> Device {
        let attributesText: String = row[9]
        let attributes = (try? JSONValue(parsing: attributesText))?.objectValue ?? JSONObject()
        return Device(
            id: row[0], type: row[1], address: row[2], city: row[3], state: row[4], zip: row[5], country: row[6],
            siteOwner: row[7], siteOwnerContact: row[8], attributes: attributes, passwordHash: row[10],
            createdAt: row[11], updatedAt: row[12], lastSeen: row[13], autoRegistered: row[14])
    }
}

// MARK: - Shadows

extension SQLiteStorage: ShadowStore {
    public func shadow(thingName: String, shadowName: String) async throws -> StoredShadow? {
        try await writer.read { db in
            try Row.fetchOne(
                db, sql: "SELECT version, document FROM shadows WHERE thing_name = ? AND shadow_name = ?",
                arguments: [thingName, shadowName]
            ).map { row in
                let document: Data = row[1]
                return StoredShadow(
                    thingName: thingName, shadowName: shadowName, version: row[0], document: Array(document))
            }
        }
    }

    public func save(_ shadow: StoredShadow) async throws {
        try await writer.write { db in
            try db.execute(
                sql: """
                    INSERT INTO shadows (thing_name, shadow_name, version, document) VALUES (?, ?, ?, ?)
                    ON CONFLICT(thing_name, shadow_name) DO UPDATE SET version = excluded.version,
                        document = excluded.document
                    """,
                arguments: [shadow.thingName, shadow.shadowName, shadow.version, Data(shadow.document)])
        }
    }

    public func deleteShadow(thingName: String, shadowName: String) async throws -> Bool {
        try await writer.write { db in
            try db.execute(
                sql: "DELETE FROM shadows WHERE thing_name = ? AND shadow_name = ?", arguments: [thingName, shadowName])
            return db.changesCount > 0
        }
    }

    public func shadowNames(thingName: String) async throws -> [String] {
        try await writer.read { db in
            try String.fetchAll(
                db,
                sql: "SELECT shadow_name FROM shadows WHERE thing_name = ? AND shadow_name <> '' ORDER BY shadow_name",
                arguments: [thingName])
        }
    }
}

// MARK: - Events

extension SQLiteStorage: EventStore {
    public func append(_ events: [ErrorEvent]) async throws {
        guard !events.isEmpty else { return }
        try await writer.write { db in
            let insert = try db.cachedStatement(
                sql: """
                    INSERT INTO events (id, device_id, error_code, timestamp, received_at, source, details)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """)
            for event in events {
                try insert.execute(arguments: [
                    event.id, event.deviceID, event.errorCode, event.timestamp, event.receivedAt, event.source.rawValue,
                    JSONValue.object(event.details).jsonString,
                ])
            }
        }
    }

    public func events(deviceID: String?, limit: Int) async throws -> [ErrorEvent] {
        try await writer.read { db in
            let columns = "id, device_id, error_code, timestamp, received_at, source, details"
            let rows: [Row]
            if let deviceID {
                rows = try Row.fetchAll(
                    db, sql: "SELECT \(columns) FROM events WHERE device_id = ? ORDER BY sequence DESC LIMIT ?",
                    arguments: [deviceID, max(0, limit)])
            } else {
                rows = try Row.fetchAll(
                    db, sql: "SELECT \(columns) FROM events ORDER BY sequence DESC LIMIT ?", arguments: [max(0, limit)])
            }
            return rows.map(Self.event)
        }
    }

    /// An event from a row of `id, device_id, error_code, timestamp, received_at, source, details`.
    static func event(_ row: Row) -> ErrorEvent {
        let detailsText: String = row[6]
        let sourceText: String = row[5]
        return ErrorEvent(
            id: row[0], deviceID: row[1], errorCode: row[2], timestamp: row[3], receivedAt: row[4],
            source: ErrorEvent.Source(rawValue: sourceText) ?? .http,
            details: (try? JSONValue(parsing: detailsText))?.objectValue ?? JSONObject())
    }
}
