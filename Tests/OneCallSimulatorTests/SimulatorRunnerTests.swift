import OneCallCore
import OneCallSimulator
import Synchronization
import Testing

/// The fleet driver against a broker in memory, at speed-ups that make a day a moment.
@Suite struct SimulatorRunnerTests {
    static let start = 1_741_094_472.0

    static func configuration(
        devices: Int = 4, readings: Int? = nil, speedUp: Double = 1e9, reconnectDelay: Double = 60
    ) -> SimulatorConfiguration {
        SimulatorConfiguration(
            deviceCount: devices, speedUp: speedUp, seed: 2025, startTime: start, readingsPerDevice: readings,
            reconnectDelay: reconnectDelay)
    }

    static func json(_ message: SimulatorMessage) -> JSONValue {
        (try? JSONValue(parsing: message.payload)) ?? .null
    }

    /// Counts readings handed to `onReading`, and lets a test act on one.
    final class ReadingLog: Sendable {
        let records = Mutex<[SimulatorRecord]>([])
        let action: @Sendable (SimulatorRecord) -> Void

        init(action: @escaping @Sendable (SimulatorRecord) -> Void = { _ in }) { self.action = action }

        func record(_ record: SimulatorRecord) {
            records.withLock { $0.append(record) }
            action(record)
        }
    }

    @Test func anAcceleratedDayOfFourDevicesLosesNothing() async throws {
        let broker = MemoryBroker()
        let log = ReadingLog()
        let runner = try SimulatorRunner(
            configuration: Self.configuration(), connectionFactory: { broker.connection(for: $0) },
            onReading: { log.record($0) })
        let report = try await runner.run(readingsPerDevice: 2880)

        #expect(report.total.readingsTaken == 4 * 2880)
        #expect(report.total.readingsPublished == 4 * 2880)
        #expect(report.total.publishFailures == 0)
        #expect(report.total.messagesDropped == 0)
        let telemetry = broker.messages(on: "aircon/telemetry")
        #expect(telemetry.count == 4 * 2880)
        #expect(log.records.withLock { $0.count } == 4 * 2880)
        for index in 1...4 {
            let name = "aircon_\(index)"
            let readings = telemetry.map(Self.json).filter { $0["device_name"]?.stringValue == name }
            #expect(readings.count == 2880)
            // In order, one every 30 simulated seconds, a whole day.
            let times = readings.compactMap { $0["timestamp"]?.doubleValue }
            #expect(times == (0..<2880).map { Self.start + 30 * Double($0) })
            #expect(report.devices[name]?.readingsPublished == 2880)
            // Every device has its own client and session.
            #expect(
                broker.publications.filter { $0.client == name }.allSatisfy {
                    $0.message.topic.contains(name) || $0.message.topic == "aircon/telemetry"
                })
        }
        // The shadows hold what the devices reported last.
        for (name, reported) in runner.reportedStates {
            let last = broker.messages(on: "$aws/things/\(name)/shadow/update").last.map(Self.json)
            #expect(last?["state"]?["reported"]?.objectValue == reported)
        }
        #expect(runner.reportedStates.count == 4)
        #expect(broker.connectedClients.isEmpty)
        #expect(broker.connects == ["aircon_1": 1, "aircon_2": 1, "aircon_3": 1, "aircon_4": 1])
    }

    @Test func theSameSeedGivesTheSameReadings() async throws {
        func run() async throws -> [JSONValue] {
            let broker = MemoryBroker()
            let runner = try SimulatorRunner(
                configuration: Self.configuration(devices: 2), connectionFactory: { broker.connection(for: $0) })
            try await runner.run(readingsPerDevice: 100)
            return broker.messages(on: "aircon/telemetry").map(Self.json).sorted {
                ($0["device_name"]?.stringValue ?? "", $0["timestamp"]?.doubleValue ?? 0)
                    < ($1["device_name"]?.stringValue ?? "", $1["timestamp"]?.doubleValue ?? 0)
            }
        }
        let first = try await run()
        #expect(first.count == 200)
        #expect(try await run() == first)
    }

    @Test func commandsDuringARunReachTheDeviceAndItsShadow() async throws {
        let broker = MemoryBroker()
        let log = ReadingLog { record in
            guard record.deviceName == "aircon_2" else { return }
            switch record.sequence {
            case 10:
                broker.deliver(
                    to: "aircon_2", topic: "aircon/commands/aircon_2",
                    #"{"action":"inject_fault","fault_type":"compressor_failure"}"#)
            case 20:
                broker.deliver(to: "aircon_2", topic: "aircon/commands/aircon_2", #"{"action":"no_such_action"}"#)
                broker.deliver(
                    to: "aircon_2", topic: "aircon/commands/aircon_2",
                    #"{"action":"inject_fault","fault_type":"compressor_failure"}"#)
            case 30:
                broker.deliver(
                    to: "aircon_2", topic: "$aws/things/aircon_2/shadow/update/delta",
                    #"{"version":2,"state":{"setpoint_temperature_c":19}}"#)
            default:
                break
            }
        }
        // About 1 ms per reading, so the commands are handled long before the run ends.
        let runner = try SimulatorRunner(
            configuration: Self.configuration(speedUp: 30_000), connectionFactory: { broker.connection(for: $0) },
            onReading: { log.record($0) })
        let report = try await runner.run(readingsPerDevice: 500)

        let errors = broker.messages(on: "aircon/errors").map(Self.json)
        #expect(errors.count == 1)
        #expect(errors.first?["device_name"] == "aircon_2")
        #expect(errors.first?["error_code"] == "E3")
        #expect(report.devices["aircon_2"]?.errorsPublished == 1)
        #expect(report.devices["aircon_2"]?.commandsApplied == 3)
        #expect(report.devices["aircon_2"]?.commandsRejected == 1)
        #expect(report.devices["aircon_1"]?.commandsApplied == 0)

        let last = broker.messages(on: "aircon/telemetry").map(Self.json).last { $0["device_name"] == "aircon_2" }
        #expect(last?["error_code"] == "E3")
        #expect(last?["power_consumption_watts"] == 0)
        #expect(last?["setpoint_temperature_c"] == 19)

        let shadow = broker.messages(on: "$aws/things/aircon_2/shadow/update").map(Self.json)
        #expect(shadow.last?["state"]?["reported"]?["error_code"] == "E3")
        #expect(shadow.last?["state"]?["reported"]?["setpoint_temperature_c"] == 19)
        #expect(shadow.last?["state"]?["desired"] == ["setpoint_temperature_c": nil])
        #expect(runner.reportedStates["aircon_2"] == shadow.last?["state"]?["reported"]?.objectValue)
    }

    @Test func aDisconnectedDeviceComesBackAndSendsWhatItTookMeanwhile() async throws {
        let broker = MemoryBroker()
        let log = ReadingLog { record in
            if record.deviceName == "aircon_1", record.sequence == 50 {
                broker.deliver(to: "aircon_1", topic: "aircon/commands/aircon_1", #"{"action":"disconnect"}"#)
            }
        }
        // Away for an hour of simulated time, 120 readings' worth, at a speed-up where that takes
        // about 12 ms; the run lasts 600 readings.
        let runner = try SimulatorRunner(
            configuration: Self.configuration(devices: 2, speedUp: 300_000, reconnectDelay: 3600),
            connectionFactory: { broker.connection(for: $0) }, onReading: { log.record($0) })
        let report = try await runner.run(readingsPerDevice: 600)

        #expect(broker.connects["aircon_1"] == 2)
        #expect(broker.connects["aircon_2"] == 1)
        #expect(report.devices["aircon_1"]?.disconnects == 1)
        #expect(report.total.readingsPublished == 1200)
        #expect(report.total.messagesDropped == 0)
        let sequences = log.records.withLock { $0 }.filter { $0.deviceName == "aircon_1" }.map(\.sequence)
        #expect(sequences == Array(0..<600))
        // The device re-reported its shadow on coming back.
        let gets = broker.messages(on: "$aws/things/aircon_1/shadow/get")
        #expect(gets.count == 2)
    }

    @Test func theOutboxBoundsWhatWaitsWhileOffline() async throws {
        let broker = MemoryBroker()
        let log = ReadingLog { record in
            if record.deviceName == "aircon_1", record.sequence == 5 {
                // Gone, and kept away until the test lets it back.
                broker.refuse(client: "aircon_1")
                broker.deliver(to: "aircon_1", topic: "aircon/commands/aircon_1", #"{"action":"disconnect"}"#)
            }
        }
        var configuration = Self.configuration(devices: 1, reconnectDelay: 0)
        configuration.outboxLimit = 50
        let runner = try SimulatorRunner(
            configuration: configuration, connectionFactory: { broker.connection(for: $0) },
            onReading: { log.record($0) })
        let run = Task { try await runner.run(readingsPerDevice: 400) }
        while runner.report.devices["aircon_1"]?.readingsTaken != 400 { try await Task.sleep(for: .milliseconds(5)) }
        #expect(broker.connectedClients.isEmpty)
        broker.accept(client: "aircon_1")
        let report = try await run.value

        let statistics = try #require(report.devices["aircon_1"])
        #expect(statistics.readingsTaken == 400)
        #expect(statistics.messagesDropped > 300)
        #expect(statistics.readingsPublished + statistics.messagesDropped == 400)
        #expect(broker.connects["aircon_1"] == 2)
        // The queue kept the oldest readings; coming back, the device reported its shadow anyway.
        let sequences = log.records.withLock { $0 }.map(\.sequence)
        #expect(sequences == Array(0..<statistics.readingsPublished))
        #expect(broker.messages(on: "$aws/things/aircon_1/shadow/get").count == 2)
    }

    @Test func failedPublicationsAreCounted() async throws {
        let broker = MemoryBroker()
        broker.refuse(topic: "aircon/errors")
        let log = ReadingLog { record in
            if record.sequence == 3 {
                broker.deliver(
                    to: record.deviceName, topic: "aircon/commands/\(record.deviceName)",
                    #"{"action":"inject_fault","fault_type":"high_temperature"}"#)
            }
        }
        // About 1 ms per reading, so the command is handled long before the run ends.
        let runner = try SimulatorRunner(
            configuration: Self.configuration(devices: 2, speedUp: 30_000),
            connectionFactory: { broker.connection(for: $0) },
            onReading: { log.record($0) })
        let report = try await runner.run(readingsPerDevice: 200)
        #expect(report.total.publishFailures == 2)
        #expect(report.total.errorsPublished == 0)
        #expect(report.total.readingsPublished == 400)
    }

    @Test func aDeviceThatCannotConnectEndsTheRun() async throws {
        let broker = MemoryBroker()
        broker.refuse(client: "aircon_3")
        let runner = try SimulatorRunner(
            configuration: Self.configuration(), connectionFactory: { broker.connection(for: $0) })
        await #expect {
            try await runner.run(readingsPerDevice: 10_000_000)
        } throws: { error in
            (error as? SimulatorError)?.code == .connectionFailed && (error as? SimulatorError)?.key == "aircon_3"
        }
        #expect(broker.connectedClients.isEmpty)
    }

    @Test func cancellingARunStopsEveryDevice() async throws {
        let broker = MemoryBroker()
        let runner = try SimulatorRunner(
            configuration: Self.configuration(speedUp: 1), connectionFactory: { broker.connection(for: $0) })
        let task = Task { try await runner.run() }
        // The first reading of each device is due at once; the next only after 30 s.
        while broker.messages(on: "aircon/telemetry").count < 4 { try await Task.sleep(for: .milliseconds(5)) }
        task.cancel()
        let result = await task.result
        #expect(throws: CancellationError.self) { try result.get() }
        #expect(broker.connectedClients.isEmpty)
        #expect(runner.report.total.readingsPublished == 4)
    }

    @Test func theConfiguredDurationLimitsTheRun() async throws {
        let broker = MemoryBroker()
        var configuration = Self.configuration(devices: 1)
        configuration.duration = 3600
        #expect(configuration.readingLimit == 120)
        configuration.readingsPerDevice = 50
        #expect(configuration.readingLimit == 50)
        configuration.readingsPerDevice = nil
        let runner = try SimulatorRunner(
            configuration: configuration, connectionFactory: { broker.connection(for: $0) })
        try await runner.run()
        #expect(broker.messages(on: "aircon/telemetry").count == 120)
    }

    @Test func invalidConfigurationsNameTheKey() {
        func key(_ change: (inout SimulatorConfiguration) -> Void) -> String? {
            var configuration = SimulatorConfiguration()
            change(&configuration)
            do {
                try configuration.validate()
                return nil
            } catch {
                return error.key
            }
        }
        #expect(key { _ in } == nil)
        #expect(SimulatorConfiguration().deviceNames == ["aircon_1", "aircon_2", "aircon_3", "aircon_4"])
        #expect(key { $0.deviceCount = 0 } == "device_count")
        #expect(key { $0.deviceCount = 10_001 } == "device_count")
        #expect(key { $0.namePrefix = "site/aircon_" } == "name_prefix")
        #expect(key { $0.namePrefix = String(repeating: "a", count: 128) } == "name_prefix")
        #expect(key { $0.interval = 0 } == "interval")
        #expect(key { $0.speedUp = .infinity } == "speed_up")
        #expect(key { $0.speedUp = -1 } == "speed_up")
        #expect(key { $0.readingsPerDevice = -1 } == "readings")
        #expect(key { $0.duration = .nan } == "duration")
        #expect(key { $0.outboxLimit = 0 } == "outbox_limit")
        #expect(key { $0.topics.telemetry = "aircon/#" } == "topics.telemetry")
        #expect(key { $0.topics.commandPrefix = "aircon/+/" } == "topics.command_prefix")
        #expect(throws: SimulatorError.self) {
            try SimulatorRunner(configuration: SimulatorConfiguration(deviceCount: 0))
        }
    }

    @Test func realIntervalIsTheSimulatedIntervalOverTheSpeedUp() {
        #expect(SimulatorConfiguration(speedUp: 60).realInterval == .milliseconds(500))
        #expect(SimulatorConfiguration(interval: 3600, speedUp: 60).realInterval == .seconds(60))
        #expect(SimulatorConfiguration().realInterval == .seconds(30))
    }
}
