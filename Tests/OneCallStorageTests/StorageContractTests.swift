import Foundation
import OneCallCore
import OneCallStorage
import OneCallStorageSQLite
import Testing

/// The contract every storage adapter passes. A new adapter (PostgreSQL) adds a case to `Adapter`.
enum Adapter: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqliteInMemory
    case sqliteFile

    var testDescription: String { rawValue }

    func make() throws -> SQLiteStorage {
        switch self {
        case .sqliteInMemory:
            return try SQLiteStorage()
        case .sqliteFile:
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
                "onecall-storage-\(UUIDText.random())")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            return try SQLiteStorage(path: directory.appendingPathComponent("onecall.sqlite").path)
        }
    }
}

func reading(_ device: String, at time: Double, power: Double? = nil, received: Double? = nil) -> TelemetryRecord {
    var object: JSONObject = ["device_name": .string(device)]
    if let power { object["power_consumption_watts"] = .double(power) }
    return TelemetryRecord(
        deviceID: device, timestamp: time, receivedAt: received ?? time, topic: "aircon/telemetry",
        payload: JSONValue.object(object).jsonBytes)
}

@Suite("Storage contract")
struct StorageContractTests {
    @Test(arguments: Adapter.allCases)
    func readingsAreStoredAndQueriedByDeviceAndTimeRange(adapter: Adapter) async throws {
        let store = try adapter.make()
        let records = (0..<10).map { reading($0 % 2 == 0 ? "a" : "b", at: 1000 + Double($0)) }
        try await store.append(records, deadLetters: [])
        #expect(try await store.readingCount(deviceID: nil) == 10)
        #expect(try await store.readingCount(deviceID: "a") == 5)

        let a = try await store.readings(TelemetryQuery(deviceID: "a"))
        #expect(a.map(\.timestamp) == [1000, 1002, 1004, 1006, 1008])
        #expect(a.allSatisfy { $0.sequence > 0 && $0.topic == "aircon/telemetry" })
        #expect(try JSONValue(parsing: a[0].payload)["device_name"] == "a")

        let ranged = try await store.readings(TelemetryQuery(deviceID: "b", from: 1003, to: 1007))
        #expect(ranged.map(\.timestamp) == [1003, 1005])
        let newest = try await store.readings(TelemetryQuery(deviceID: "b", limit: 2, newestFirst: true))
        #expect(newest.map(\.timestamp) == [1009, 1007])
        let after = try await store.readings(after: a[0].sequence, limit: 3)
        #expect(after.count == 3)
        #expect(after.map(\.sequence) == after.map(\.sequence).sorted())
    }

    @Test(arguments: Adapter.allCases)
    func aggregationBucketsAverageMinimumAndMaximum(adapter: Adapter) async throws {
        let store = try adapter.make()
        var records = [
            reading("a", at: 0, power: 100), reading("a", at: 30, power: 300),
            reading("a", at: 60, power: 1000), reading("a", at: 90, power: 1400),
            reading("a", at: 120),  // no power: left out
            reading("b", at: 10, power: 5000),
        ]
        records.append(
            TelemetryRecord(
                deviceID: "a", timestamp: 125, receivedAt: 125, topic: "t",
                payload: Array(#"{"power_consumption_watts":"high"}"#.utf8)))
        try await store.append(records, deadLetters: [])
        let buckets = try await store.aggregate(
            TelemetryAggregation(deviceID: "a", field: "power_consumption_watts", bucketSeconds: 60))
        #expect(buckets.count == 2)
        #expect(buckets[0] == TelemetryBucket(start: 0, count: 2, average: 200, minimum: 100, maximum: 300))
        #expect(buckets[1] == TelemetryBucket(start: 60, count: 2, average: 1200, minimum: 1000, maximum: 1400))

        let ranged = try await store.aggregate(
            TelemetryAggregation(deviceID: "a", field: "power_consumption_watts", from: 60, bucketSeconds: 3600))
        #expect(ranged == [TelemetryBucket(start: 0, count: 2, average: 1200, minimum: 1000, maximum: 1400)])
    }

    @Test(arguments: Adapter.allCases)
    func nestedFieldsAndOddNamesAggregate(adapter: Adapter) async throws {
        let store = try adapter.make()
        let payload: JSONValue = ["state": ["power w": 7]]
        try await store.append(
            [TelemetryRecord(deviceID: "x", timestamp: 5, receivedAt: 5, topic: "t", payload: payload.jsonBytes)],
            deadLetters: [])
        let buckets = try await store.aggregate(
            TelemetryAggregation(deviceID: "x", field: "state.power w", bucketSeconds: 10))
        #expect(buckets == [TelemetryBucket(start: 0, count: 1, average: 7, minimum: 7, maximum: 7)])
    }

    @Test(arguments: Adapter.allCases)
    func deadLettersKeepTheReasonAndTheBytes(adapter: Adapter) async throws {
        let store = try adapter.make()
        let garbage: [UInt8] = [0xFF, 0x00, 0x7B]
        try await store.append(
            [reading("a", at: 1)],
            deadLetters: [
                DeadLetter(
                    topic: "aircon/telemetry", clientID: "c1", receivedAt: 2, reason: "not JSON", payload: garbage)
            ])
        let letters = try await store.deadLetters(limit: 10)
        #expect(letters.count == 1)
        #expect(letters[0].payload == garbage)
        #expect(letters[0].reason == "not JSON")
        #expect(letters[0].clientID == "c1")
        #expect(try await store.readingCount(deviceID: nil) == 1)
    }

    @Test(arguments: Adapter.allCases)
    func retentionDeletesWhatArrivedBeforeTheCutOff(adapter: Adapter) async throws {
        let store = try adapter.make()
        try await store.append(
            (0..<10).map { reading("a", at: Double($0), received: Double($0 * 10)) }, deadLetters: [])
        #expect(try await store.deleteReadings(before: 45) == 5)
        #expect(try await store.readings(TelemetryQuery()).map(\.receivedAt) == [50, 60, 70, 80, 90])
        // Everything older: the newest row stays, so that sequence numbers never start over behind the
        // exporter's checkpoint.
        #expect(try await store.deleteReadings(before: 1000) == 4)
        #expect(try await store.readings(TelemetryQuery()).map(\.receivedAt) == [90])
        try await store.append([reading("a", at: 100, received: 100)], deadLetters: [])
        let newest = try await store.readings(after: 0, limit: 10).map(\.sequence)
        #expect(newest.count == 2 && newest[1] > newest[0])

        // Readings not yet exported (after the exporter's checkpoint) are kept.
        let exported = try await store.readings(after: 0, limit: 10)[0].sequence
        try await store.append((0..<3).map { _ in reading("b", at: 200, received: 200) }, deadLetters: [])
        #expect(try await store.deleteReadings(before: 10_000, notAfter: exported) == 1)
        #expect(try await store.readingCount(deviceID: nil) == 4)
    }

    @Test(arguments: Adapter.allCases)
    func checkpointsPersist(adapter: Adapter) async throws {
        let store = try adapter.make()
        #expect(try await store.checkpoint("export") == nil)
        try await store.setCheckpoint("export", to: 42)
        try await store.setCheckpoint("export", to: 43)
        #expect(try await store.checkpoint("export") == 43)
    }

    @Test(arguments: Adapter.allCases)
    func devicesAreCreatedReplacedListedAndDeleted(adapter: Adapter) async throws {
        let store = try adapter.make()
        let unit = Device(
            id: "unit-7", type: "aircon", address: "Street 1", city: "San Diego", state: "CA", zip: "92130",
            country: "US", siteOwner: "Customer 1", siteOwnerContact: "+11234567890",
            attributes: ["floor": 3], createdAt: 10, updatedAt: 10)
        try await store.save(unit)
        try await store.save(Device(id: "a-first", type: "meter", createdAt: 11, updatedAt: 11))
        #expect(try await store.device(id: "unit-7") == unit)
        #expect(try await store.devices().map(\.id) == ["a-first", "unit-7"])

        var changed = unit
        changed.city = "Seattle"
        changed.updatedAt = 20
        try await store.save(changed)
        #expect(try await store.device(id: "unit-7")?.city == "Seattle")
        #expect(try await store.device(id: "unit-7")?.createdAt == 10)

        try await store.append([reading("unit-7", at: 500), reading("unit-7", at: 400)], deadLetters: [])
        #expect(try await store.device(id: "unit-7")?.lastSeen == 500)

        #expect(try await store.deleteDevice(id: "unit-7"))
        #expect(try await !store.deleteDevice(id: "unit-7"))
        #expect(try await store.device(id: "unit-7") == nil)
    }

    @Test(arguments: Adapter.allCases)
    func shadowsAreKeptPerThingAndName(adapter: Adapter) async throws {
        let store = try adapter.make()
        try await store.save(StoredShadow(thingName: "t1", shadowName: "", version: 1, document: Array("{}".utf8)))
        try await store.save(StoredShadow(thingName: "t1", shadowName: "cfg", version: 3, document: [1, 2]))
        try await store.save(StoredShadow(thingName: "t1", shadowName: "cfg", version: 4, document: [3]))
        #expect(try await store.shadow(thingName: "t1", shadowName: "cfg")?.version == 4)
        #expect(try await store.shadow(thingName: "t1", shadowName: "cfg")?.document == [3])
        #expect(try await store.shadowNames(thingName: "t1") == ["cfg"])
        #expect(try await store.deleteShadow(thingName: "t1", shadowName: ""))
        #expect(try await store.shadow(thingName: "t1", shadowName: "") == nil)
        #expect(try await !store.deleteShadow(thingName: "t2", shadowName: ""))
    }

    @Test(arguments: Adapter.allCases)
    func eventsAreListedNewestFirst(adapter: Adapter) async throws {
        let store = try adapter.make()
        for (index, code) in ["E1", "X9", "E1"].enumerated() {
            try await store.append([
                ErrorEvent(
                    id: "id-\(index)", deviceID: index == 1 ? "other" : "unit", errorCode: code,
                    timestamp: Double(index), receivedAt: Double(index), source: .mqtt,
                    details: ["n": .int(Int64(index))])
            ])
        }
        // A batch with a duplicate id is refused whole: nothing of it is stored.
        let duplicate = ErrorEvent(
            id: "id-0", deviceID: "unit", errorCode: "Z", timestamp: 9, receivedAt: 9, source: .http)
        let fresh = ErrorEvent(id: "id-9", deviceID: "unit", errorCode: "Z", timestamp: 9, receivedAt: 9, source: .http)
        await #expect(throws: (any Error).self) { try await store.append([fresh, duplicate]) }
        let events = try await store.events(deviceID: nil, limit: 10)
        #expect(events.map(\.id) == ["id-2", "id-1", "id-0"])
        #expect(events[0].details["n"] == 2)
        #expect(try await store.events(deviceID: "unit", limit: 1).map(\.id) == ["id-2"])
    }

    @Test func aFileDatabaseKeepsItsContentAcrossReopening() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "onecall-reopen-\(UUIDText.random())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("db.sqlite").path
        do {
            let store = try SQLiteStorage(path: path)
            try await store.append([reading("a", at: 1)], deadLetters: [])
        }
        let reopened = try SQLiteStorage(path: path)
        #expect(try await reopened.readingCount(deviceID: "a") == 1)
    }
}
