import OneCallCore
import OneCallStorage
import OneCallStorageSQLite
import Synchronization
import Testing

/// A store that fails its first `failures` writes, to show that the writer retries without loss.
final class FlakyStore: TelemetryStore {
    let base: SQLiteStorage
    let remainingFailures: Mutex<Int>
    struct Failure: Error {}

    init(failures: Int) throws {
        base = try SQLiteStorage()
        remainingFailures = Mutex(failures)
    }

    func append(_ records: [TelemetryRecord], deadLetters: [DeadLetter]) async throws {
        let fail = remainingFailures.withLock { remaining -> Bool in
            defer { remaining = max(0, remaining - 1) }
            return remaining > 0
        }
        if fail { throw Failure() }
        try await base.append(records, deadLetters: deadLetters)
    }
    func readings(_ query: TelemetryQuery) async throws -> [TelemetryRecord] { try await base.readings(query) }
    func readings(after sequence: Int64, limit: Int) async throws -> [TelemetryRecord] {
        try await base.readings(after: sequence, limit: limit)
    }
    func aggregate(_ aggregation: TelemetryAggregation) async throws -> [TelemetryBucket] {
        try await base.aggregate(aggregation)
    }
    func latestSequence() async throws -> Int64 { try await base.latestSequence() }
    func readingCount(deviceID: String?) async throws -> Int { try await base.readingCount(deviceID: deviceID) }
    func deleteReadings(before timestamp: Double, notAfter sequence: Int64?) async throws -> Int {
        try await base.deleteReadings(before: timestamp, notAfter: sequence)
    }
    func deadLetters(limit: Int) async throws -> [DeadLetter] { try await base.deadLetters(limit: limit) }
    func checkpoint(_ name: String) async throws -> Int64? { try await base.checkpoint(name) }
    func setCheckpoint(_ name: String, to value: Int64) async throws { try await base.setCheckpoint(name, to: value) }
}

@Suite("Telemetry batch writer")
struct TelemetryBatchWriterTests {
    @Test func everySubmittedRecordIsWrittenInBatchesThroughABoundedQueue() async throws {
        let store = try SQLiteStorage()
        let writer = TelemetryBatchWriter(
            store: store, configuration: .init(batchSize: 50, flushInterval: 0.01, queueCapacity: 100))
        async let running: Void = writer.run()
        await withTaskGroup(of: Void.self) { group in
            for producer in 0..<4 {
                group.addTask {
                    for index in 0..<2500 {
                        await writer.submit(reading("p\(producer)", at: Double(index)))
                        #expect(writer.statistics.queued <= 100 + 4)
                    }
                }
            }
        }
        await writer.submit(
            DeadLetter(topic: "t", clientID: nil, receivedAt: 0, reason: "not JSON", payload: [0xFF]))
        writer.finish()
        await running
        #expect(try await store.readingCount(deviceID: nil) == 10_000)
        #expect(
            try await store.readings(TelemetryQuery(deviceID: "p3", limit: 10_000)).map(\.timestamp)
                == (0..<2500).map(Double.init))
        #expect(try await store.deadLetters(limit: 5).count == 1)
        let statistics = writer.statistics
        #expect(statistics.readingsWritten == 10_000)
        #expect(statistics.batchesWritten >= 200)
        #expect(statistics.queued == 0)
    }

    @Test func aRecordWaitsNoLongerThanTheFlushInterval() async throws {
        let store = try SQLiteStorage()
        let writer = TelemetryBatchWriter(store: store, configuration: .init(batchSize: 1000, flushInterval: 0.02))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await writer.run() }
            await writer.submit(reading("a", at: 1))
            var waited = 0
            while try await store.readingCount(deviceID: "a") == 0 && waited < 500 {
                try await Task.sleep(for: .milliseconds(10))
                waited += 1
            }
            #expect(try await store.readingCount(deviceID: "a") == 1)
            group.cancelAll()
        }
    }

    @Test func failedWritesAreRetriedWithoutLosingTheBatch() async throws {
        let store = try FlakyStore(failures: 3)
        let errors = Mutex(0)
        let writer = TelemetryBatchWriter(
            store: store, configuration: .init(batchSize: 10, flushInterval: 0, queueCapacity: 20),
            onError: { _ in errors.withLock { $0 += 1 } })
        async let running: Void = writer.run()
        for index in 0..<100 { await writer.submit(reading("a", at: Double(index))) }
        writer.finish()
        await running
        #expect(errors.withLock { $0 } == 3)
        #expect(writer.statistics.writeFailures == 3)
        #expect(writer.statistics.recordsLost == 0)
        #expect(try await store.readings(TelemetryQuery(limit: 1000)).map(\.timestamp) == (0..<100).map(Double.init))
    }
}
