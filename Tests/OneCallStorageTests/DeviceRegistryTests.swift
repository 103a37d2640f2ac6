import Foundation
import OneCallCore
import OneCallStorage
import OneCallStorageSQLite
import Testing

@Suite("Device registry and export")
struct DeviceRegistryTests {
    func registry(autoRegister: Bool) throws -> (DeviceRegistry, SQLiteStorage) {
        let store = try SQLiteStorage()
        let registry = DeviceRegistry(
            store: store, autoRegister: autoRegister, clock: { 1000 }, hashPassword: { "hash(\($0))" })
        return (registry, store)
    }

    @Test func unknownDevicesAreRegisteredOrRefusedByPolicy() async throws {
        let (open, openStore) = try registry(autoRegister: true)
        #expect(try await open.admit(deviceID: "meter-1", type: "meters"))
        #expect(try await openStore.device(id: "meter-1")?.type == "meters")
        #expect(try await openStore.device(id: "meter-1")?.autoRegistered == true)
        #expect(try await open.admit(deviceID: "meter-1", type: "other"))
        #expect(open.statistics.autoRegistered == 1)
        #expect(try await !open.admit(deviceID: "bad id", type: "x"))

        let (closed, closedStore) = try registry(autoRegister: false)
        #expect(try await !closed.admit(deviceID: "meter-1", type: "meters"))
        #expect(closed.statistics.refused == 1)
        _ = try await closed.create(["device_id": "meter-1", "type": "meter"])
        #expect(try await closed.admit(deviceID: "meter-1", type: "meters"))
        #expect(try await closedStore.device(id: "meter-1")?.type == "meter")
    }

    @Test func createUpdateDeleteAndPasswords() async throws {
        let (registry, _) = try registry(autoRegister: false)
        let created = try await registry.create(["device_id": "d1", "type": "pump", "password": "s3cret"])
        #expect(created.passwordHash == "hash(s3cret)")
        #expect(registry.passwordHash(for: "d1") == "hash(s3cret)")
        await #expect(throws: DeviceRegistryError.self) { try await registry.create(["device_id": "d1"]) }
        let patched = try await registry.update(id: "d1", with: ["city": "Oslo"], replace: false)
        #expect(patched.type == "pump")
        #expect(patched.passwordHash == "hash(s3cret)")
        let cleared = try await registry.update(id: "d1", with: ["password": nil], replace: false)
        #expect(cleared.passwordHash == nil)
        #expect(registry.passwordHash(for: "d1") == nil)
        try await registry.delete(id: "d1")
        await #expect(throws: DeviceRegistryError.self) { try await registry.delete(id: "d1") }
        await #expect(throws: DeviceRegistryError.self) { try await registry.device(id: "d1") }
    }

    @Test func anImportIsAllOrNothing() async throws {
        let (registry, store) = try registry(autoRegister: false)
        _ = try await registry.create(["device_id": "a", "type": "x", "city": "Rome"])
        let result = try await registry.importDevices([["device_id": "a", "zip": "00100"], ["device_id": "b"]])
        #expect(result == DeviceRegistry.ImportResult(created: 1, updated: 1))
        #expect(try await store.device(id: "a")?.city == "Rome")
        #expect(try await store.device(id: "a")?.zip == "00100")
        await #expect(throws: DeviceRegistryError.self) {
            try await registry.importDevices([["device_id": "c"], ["device_id": "bad id"]])
        }
        await #expect(throws: DeviceRegistryError.self) {
            try await registry.importDevices([["device_id": "c"], ["device_id": "c"]])
        }
        #expect(try await store.device(id: "c") == nil)
    }

    @Test func theExporterWritesHourlyJSONLinesOnceEach() async throws {
        let store = try SQLiteStorage()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("export-\(UUIDText.random())")
        let exporter = TelemetryExporter(store: store, directory: directory.path)
        let hour = 1_741_093_200.0  // 2025-03-04 13:00:00 UTC
        var records = (0..<3).map { reading("a", at: hour + Double($0) * 600) }
        records.append(
            TelemetryRecord(
                deviceID: "b", timestamp: hour + 3600, receivedAt: hour + 3600, topic: "t",
                payload: Array("{\n  \"pretty\": true\n}".utf8)))
        try await store.append(records, deadLetters: [])
        #expect(try await exporter.exportPending() == 4)
        #expect(try await exporter.exportPending() == 0)
        let first = directory.appendingPathComponent("2025/03/04/13")
        let second = directory.appendingPathComponent("2025/03/04/14")
        let firstFiles = try FileManager.default.contentsOfDirectory(atPath: first.path)
        #expect(firstFiles.count == 1)
        let lines = try String(contentsOf: first.appendingPathComponent(firstFiles[0]), encoding: .utf8)
            .split(separator: "\n")
        #expect(lines.count == 3)
        #expect(try lines.allSatisfy { try JSONValue(parsing: String($0))["device_name"] == "a" })
        let secondFiles = try FileManager.default.contentsOfDirectory(atPath: second.path)
        let pretty = try String(contentsOf: second.appendingPathComponent(secondFiles[0]), encoding: .utf8)
        #expect(pretty.split(separator: "\n").count == 1)
        #expect(try JSONValue(parsing: String(pretty.dropLast()))["pretty"] == true)
        try await store.append([reading("a", at: hour + 7200)], deadLetters: [])
        #expect(try await exporter.exportPending() == 1)
    }
}
