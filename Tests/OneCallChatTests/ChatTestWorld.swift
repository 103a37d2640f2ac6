import Foundation
import OneCallChat
import OneCallCore
import OneCallKnowledge
import OneCallStorage
import OneCallStorageSQLite
import Testing

/// A small world for the chat to answer about: the reference's four air conditioners plus a chiller
/// and a pump with other fields, readings every five minutes for three hours, a few tickets (one an
/// anomaly with a call), the reference guide and a chiller guide. The clock stands still at `now`.
struct ChatTestWorld {
    /// 2025-10-09 09:00:00 UTC.
    static let now: Double = 1_760_000_400
    static let step: Double = 300
    /// Readings at `now - k * step` for k in 0...36 (three hours).
    static let readingCount = 37

    let store: SQLiteStorage
    let engine: ChatEngine
    let index: KnowledgeIndex
    /// E2 on aircon_2, open, seen twice, its first action done.
    let lowPressureTicket: Ticket
    /// W1 on aircon_3, an anomaly window two to three hours ago, called and acknowledged.
    let anomalyTicket: Ticket
    /// CH-101 on chiller-north, open.
    let chillerTicket: Ticket
    /// E1 on aircon_1, resolved two days ago.
    let resolvedTicket: Ticket

    /// Loads a fixture file of this test target.
    static func fixture(_ name: String) throws -> String {
        let parts = name.split(separator: ".")
        let url = try #require(
            Bundle.module.url(
                forResource: String(parts[0]), withExtension: String(parts[1]), subdirectory: "Fixtures"))
        return try String(contentsOf: url, encoding: .utf8)
    }

    static func knowledge() throws -> KnowledgeIndex {
        KnowledgeIndex(documents: [
            KnowledgeDocument(name: "troubleshooting-guide.md", text: try fixture("troubleshooting-guide.md")),
            KnowledgeDocument(name: "chiller-alarms.md", text: try fixture("chiller-alarms.md")),
        ])
    }

    /// The aircon reading k steps before now.
    static func airconReading(_ device: String, _ k: Int) -> JSONValue {
        let isTwo = device == "aircon_2"
        let isThree = device == "aircon_3"
        let anomalous = isThree && k >= 24
        let power: Double = anomalous ? 1500 + Double(k) : 880 + Double(k % 3) * 10
        let pressure: Double = isTwo && k <= 6 ? 55 + Double(k % 2) : 180 + Double(k % 4)
        let error: JSONValue = isTwo && k <= 6 ? "E2" : "None"
        return [
            "device_name": .string(device), "timestamp": .double(now - Double(k) * step),
            "indoor_temperature_c": .double(24 + Double(k % 2) * 0.5), "outdoor_temperature_c": 30,
            "setpoint_temperature_c": 22, "mode": k % 4 == 0 ? "fan_only" : "cool", "indoor_humidity_percent": 45,
            "power_consumption_watts": .double(power), "compressor_status": "On", "fan_speed_rpm": 1200,
            "refrigerant_pressure_psi": .double(pressure), "error_code": error, "filter_status": "Clean",
            "runtime_hours": .double(100 + Double(36 - k) * 0.08),
        ]
    }

    /// The chiller reading k steps before now: other field names, an alarm field instead of error_code.
    static func chillerReading(_ k: Int) -> JSONValue {
        [
            "thing_name": "chiller-north", "ts": .double(now - Double(k) * step),
            "supplyWaterTempC": .double(7 + Double(k % 3)), "returnWaterTempC": 12,
            "condenser_pressure_kpa": .double(900 + Double(k)), "compressor_load_percent": 70,
            "alarm": k <= 2 ? "CH-101" : "none",
        ]
    }

    /// The pump reading k steps before now.
    static func pumpReading(_ k: Int) -> JSONValue {
        [
            "device_id": "unit-7", "timestamp": .double(now - Double(k) * step), "flow_lpm": .double(400 - Double(k)),
            "discharge_pressure_bar": .double(4 + Double(k % 5) * 0.1), "motor_current_a": 11.5, "state": "running",
        ]
    }

    static func record(_ device: String, _ k: Int, _ payload: JSONValue) -> TelemetryRecord {
        let time = now - Double(k) * step
        return TelemetryRecord(
            deviceID: device, timestamp: time, receivedAt: time, topic: "site/telemetry", payload: payload.jsonBytes)
    }

    init(configuration: ChatConfiguration = .default) async throws {
        let store = try SQLiteStorage()
        let now = Self.now
        var devices: [Device] = (1...4).map { number in
            Device(
                id: "aircon_\(number)", type: "aircon", address: "Street \(number)", city: "City \(number)",
                state: "CA", zip: "9000\(number)", country: "US", siteOwner: "Customer \(number)",
                siteOwnerContact: "+1555000000\(number)", createdAt: 0, updatedAt: 0)
        }
        devices.append(
            Device(
                id: "chiller-north", type: "chiller", address: "1 Harbour Road", city: "Bergen", zip: "5003",
                country: "NO", siteOwner: "Harbour Cold Storage", siteOwnerContact: "+4755000000", createdAt: 0,
                updatedAt: 0))
        devices.append(
            Device(
                id: "unit-7", type: "pump", address: "Pump house 2", city: "Leeds", country: "GB",
                siteOwner: "Aire Water", createdAt: 0, updatedAt: 0))
        try await store.save(devices)

        var records: [TelemetryRecord] = []
        for k in 0..<Self.readingCount {
            for device in ["aircon_1", "aircon_2", "aircon_3"] {
                records.append(Self.record(device, k, Self.airconReading(device, k)))
            }
            records.append(Self.record("chiller-north", k, Self.chillerReading(k)))
            records.append(Self.record("unit-7", k, Self.pumpReading(k)))
        }
        try await store.append(records, deadLetters: [])

        let guide = try Self.knowledge()
        func open(_ device: String, _ code: String, at time: Double, tools: [String], anomaly: (Double, Double)? = nil)
            async throws -> Ticket
        {
            let section = guide.section(forCode: code)
            let steps = section?.field(.steps)?.items ?? []
            let event = ErrorEvent(
                id: UUIDText.random(), deviceID: device, errorCode: code, timestamp: time, receivedAt: time,
                source: anomaly == nil ? .mqtt : .anomaly)
            return try await store.openTicket(
                TicketOpening(
                    event: event, ticketID: UUIDText.random(), troubleshootingSteps: steps, severity: "high",
                    title: section?.field(.faultType)?.value, actions: tools, anomalyStart: anomaly?.0,
                    anomalyEnd: anomaly?.1, now: time)
            ).ticket
        }

        resolvedTicket = try await open("aircon_1", "E1", at: now - 2 * 86_400, tools: [])
        _ = try await store.setStatus(
            ticketID: resolvedTicket.uniqueID, to: .resolved, by: "bo", note: "cleaned the coil", at: now - 86_400)

        let lowPressure = try await open("aircon_2", "E2", at: now - 1800, tools: ["log_ticket", "clear_fault"])
        _ = try await store.openTicket(
            TicketOpening(
                event: ErrorEvent(
                    id: UUIDText.random(), deviceID: "aircon_2", errorCode: "E2", timestamp: now - 600,
                    receivedAt: now - 600, source: .mqtt), ticketID: UUIDText.random(), troubleshootingSteps: [],
                actions: [], now: now - 600))
        let claimed = try await store.claimDueActions(now: now - 1799, limit: 10, lease: 30)
        if let log = claimed.first(where: { $0.tool == "log_ticket" }) {
            try await store.completeAction(
                id: log.id, outcome: .done(result: ["message_id": "ticket-mail-1"], call: nil), at: now - 1790)
        }
        if let clear = claimed.first(where: { $0.tool == "clear_fault" }) {
            try await store.completeAction(
                id: clear.id, outcome: .retry(error: "broker away", retryAt: now), at: now - 1790)
        }
        lowPressureTicket = try #require(try await store.ticket(id: lowPressure.uniqueID))

        let anomaly = try await open(
            "aircon_3", "W1", at: now - 7200, tools: ["log_ticket", "call_operator"],
            anomaly: (now - 10_800, now - 7200))
        let actions = try await store.claimDueActions(now: now - 7199, limit: 10, lease: 30)
        let callAction = try #require(actions.first { $0.tool == "call_operator" })
        let call = CallRequest(
            id: "call-w1", ticketID: anomaly.uniqueID, actionID: callAction.id, deviceID: "aircon_3",
            contactName: "Customer 3", contact: "+15550000003", message: "Press 1 to acknowledge.",
            createdAt: now - 7190)
        try await store.completeAction(
            id: callAction.id, outcome: .done(result: ["call_id": "call-w1"], call: call), at: now - 7190)
        _ = try await store.claimDueCalls(now: now - 7185, limit: 1, lease: 60)
        try await store.recordCallProgress(
            callID: "call-w1",
            attempt: CallAttempt(
                callID: "call-w1", ticketID: anomaly.uniqueID, number: 1, operatorIndex: 0, operatorName: "Ana",
                destination: "+15550000003", provider: "local", startedAt: now - 7180, answeredAt: nil,
                endedAt: now - 7150, outcome: .noAnswer),
            progress: CallProgress(status: .waiting, nextAttemptAt: now - 7000), at: now - 7150)
        _ = try await store.claimDueCalls(now: now - 7000, limit: 1, lease: 60)
        try await store.recordCallProgress(
            callID: "call-w1",
            attempt: CallAttempt(
                callID: "call-w1", ticketID: anomaly.uniqueID, number: 2, operatorIndex: 1, operatorName: "Bo",
                destination: "+15550000004", provider: "local", startedAt: now - 7000, answeredAt: now - 6995,
                endedAt: now - 6980, outcome: .acknowledged, digits: "1"),
            progress: CallProgress(status: .acknowledged, nextAttemptAt: nil, outcome: "acknowledged by Bo"),
            at: now - 6980)
        _ = try await store.setStatus(
            ticketID: anomaly.uniqueID, to: .acknowledged, by: "Bo", note: nil, at: now - 6980)
        anomalyTicket = try #require(try await store.ticket(id: anomaly.uniqueID))

        chillerTicket = try await open("chiller-north", "CH-101", at: now - 900, tools: ["log_ticket"])

        self.store = store
        self.index = guide
        let index = guide
        engine = ChatEngine(
            dataSource: ChatDataSource(
                tickets: store, devices: store, telemetry: store, calls: store, knowledge: { index },
                clock: { now }),
            configuration: configuration)
    }

    /// Asks `message` in `session` and returns the answer.
    func ask(_ message: String, session: String = "s1") async throws -> ChatAnswer {
        try await engine.answer(message, session: session)
    }
}
