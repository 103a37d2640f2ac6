import Foundation
import NIOCore
import OneCallApp
import OneCallCore
import OneCallMQTT
import OneCallShadow
import OneCallSimulator
import OneCallStorage
import Testing

/// End-to-end tests of the device side: simulated devices through the broker into the store and
/// the shadows, and the independent REST/MQTT suite in `Tests/Devices` (paho-mqtt and urllib).
@Suite(.serialized, .timeLimit(.minutes(10))) struct DevicesSuiteTests {
    static func configuration() throws -> OneCallConfiguration {
        var configuration = OneCallConfiguration()
        try configuration.set("data_dir", .string(try TestEnvironment.temporaryDirectory().path))
        try configuration.set("mqtt.port", .int(0))
        try configuration.set("http.port", .int(0))
        try configuration.set("mqtt.sys_interval", .int(0))
        return configuration
    }

    /// The bar of the issue: four devices, an accelerated day (2880 readings each at 30 s), nothing
    /// lost, and every shadow holds what its device last reported.
    @Test func fourSimulatedDevicesPublishAnAcceleratedDayWithNothingLost() async throws {
        let server = try await RunningServer.start(try Self.configuration())
        let readingsPerDevice = 2880
        let configuration = SimulatorConfiguration(
            deviceCount: 4, speedUp: 1e6, seed: 42, startTime: 1_741_094_400,
            mqtt: MQTTClientConfiguration(port: server.endpoints.mqttPort, clientIdentifier: ""))
        let runner = try SimulatorRunner(configuration: configuration)
        let report = try await runner.run(readingsPerDevice: readingsPerDevice)
        #expect(report.total.readingsPublished == 4 * readingsPerDevice)
        #expect(report.total.messagesDropped == 0)

        let storage = server.server.storage
        for name in configuration.deviceNames {
            let sent = report.devices[name]?.readingsPublished ?? -1
            var stored = 0
            for _ in 0..<500 {
                stored = try await storage.readingCount(deviceID: name)
                if stored >= sent { break }
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(stored == sent, "\(name): sent \(sent), stored \(stored)")
            let readings = try await storage.readings(TelemetryQuery(deviceID: name, limit: 10_000))
            #expect(readings.first?.timestamp == 1_741_094_400)
            #expect(readings.last?.timestamp == 1_741_094_400 + Double(readingsPerDevice - 1) * 30)
        }
        // The shadows: what each device reported last is what the shadow holds.
        for (name, reported) in runner.reportedStates {
            var shadowReported: JSONObject?
            for _ in 0..<200 {
                if let stored = try await storage.shadow(thingName: name, shadowName: ""),
                    let document = try ShadowRecord(stored: JSONValue(parsing: stored.document)).document
                {
                    shadowReported = document.reported
                    if shadowReported == reported { break }
                }
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(shadowReported == reported, "\(name)")
        }
        #expect(try await server.server.registry.devices().map(\.id).sorted() == configuration.deviceNames.sorted())
        await server.stop()
    }

    /// A fault injected with a command reaches the device, which reports it on `aircon/errors`,
    /// which the default rule turns into an error event; clearing it clears the code in the shadow.
    @Test func anInjectedFaultBecomesAnErrorEventAndClearing() async throws {
        let server = try await RunningServer.start(try Self.configuration())
        let port = server.endpoints.mqttPort
        let configuration = SimulatorConfiguration(
            deviceCount: 2, namePrefix: "unit-", speedUp: 600, seed: 7,
            mqtt: MQTTClientConfiguration(port: port, clientIdentifier: ""))
        let runner = try SimulatorRunner(configuration: configuration)
        let fleet = Task { try await runner.run(readingsPerDevice: 100_000) }
        let events = server.server.events.events()
        let commander = MQTTClient(configuration: .init(port: port, clientIdentifier: "commander", reconnect: nil))
        try await commander.connect()
        // Wait until the device is connected and subscribed (its shadow exists).
        for _ in 0..<500 where try await server.server.storage.shadow(thingName: "unit-2", shadowName: "") == nil {
            try await Task.sleep(for: .milliseconds(20))
        }
        let inject = try AirconCommandMessage(device: "unit-2", action: "inject_fault", argument: "low_pressure")
        try await commander.publish(
            topic: inject.topic, payload: ByteBuffer(bytes: inject.payload), qos: .atLeastOnce)
        var event: ErrorEvent?
        for await next in events {
            event = next
            break
        }
        #expect(event?.deviceID == "unit-2")
        #expect(event?.errorCode == AirconFault.lowPressure.errorCode.rawValue)
        #expect(event?.source == .mqtt)

        let clear = try AirconCommandMessage(device: "unit-2", action: "clear_fault", argument: nil)
        try await commander.publish(topic: clear.topic, payload: ByteBuffer(bytes: clear.payload), qos: .atLeastOnce)
        var cleared = false
        for _ in 0..<500 {
            if let stored = try await server.server.storage.shadow(thingName: "unit-2", shadowName: ""),
                let document = try ShadowRecord(stored: JSONValue(parsing: stored.document)).document,
                document.reported?["error_code"] == "None"
            {
                cleared = true
                break
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(cleared)
        fleet.cancel()
        _ = await fleet.result
        await commander.disconnect()
        await server.stop()
    }

    /// The simulator works unchanged against Mosquitto, and `--write-csv` writes one row per reading
    /// in the training data's columns.
    @Test func theSimulatorRunsAgainstMosquittoAndWritesTheTrainingCSV() async throws {
        let (process, port) = try await TestEnvironment.startMosquitto()
        defer { process.stop() }
        let dir = try TestEnvironment.temporaryDirectory()
        let subscriber = MQTTClient(configuration: .init(port: port, clientIdentifier: "watch", reconnect: nil))
        try await subscriber.connect()
        try await subscriber.subscribe(to: "aircon/telemetry", qos: .atLeastOnce)
        let csv = dir.appendingPathComponent("readings.csv").path
        let report = try await SimulatorLauncher.run(
            configuration: SimulatorConfiguration(
                deviceCount: 3, speedUp: 1e6, readingsPerDevice: 200,
                mqtt: MQTTClientConfiguration(port: port, clientIdentifier: "")),
            csvPath: csv, handleSignals: false)
        #expect(report.total.readingsPublished == 600)
        var received = 0
        var devices = Set<String>()
        for await message in subscriber.messages {
            received += 1
            if let name = try JSONValue(parsing: message.payload.readableBytesView)["device_name"]?.stringValue {
                devices.insert(name)
            }
            if received == 600 { break }
        }
        #expect(devices == ["aircon_1", "aircon_2", "aircon_3"])
        let lines = try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 601)
        let header =
            "timestamp,device_name,indoor_temperature_c,outdoor_temperature_c,setpoint_temperature_c,mode,"
            + "power_consumption_watts,compressor_status,fan_speed_rpm,refrigerant_pressure_psi,error_code,"
            + "filter_status,runtime_hours,wattage_mode"
        #expect(lines.first.map(String.init) == header)
        await subscriber.disconnect()
    }

    /// With `http.api_token` the REST API answers 401 without the bearer token and works with it.
    @Test func theAPITokenGuardsTheRESTAPI() async throws {
        var configuration = try Self.configuration()
        try configuration.set("http.api_token", .string("correct-horse-battery-staple"))
        let server = try await RunningServer.start(configuration)
        let base = "http://127.0.0.1:\(server.endpoints.httpPort)"
        await #expect(throws: APIClient.Failure.self) {
            try await APIClient(baseURL: base).send("GET", "/api/v1/devices")
        }
        await #expect(throws: APIClient.Failure.self) {
            try await APIClient(baseURL: base, token: "wrong").send("GET", "/things/x/shadow")
        }
        let authorized = APIClient(baseURL: base, token: "correct-horse-battery-staple")
        #expect(try await authorized.send("GET", "/api/v1/devices").status == 200)
        #expect(try await APIClient(baseURL: base).send("GET", "/healthz").status == 200)
        await server.stop()
    }

    /// The independent suite in `Tests/Devices`: registry, telemetry queries, dead letters, events
    /// and Alertmanager, rules, shadows over MQTT and REST, metrics and limits.
    @Test func restAndMQTTSuitePasses() async throws {
        let python = try TestEnvironment.requirePeer("python3", install: "apt-get install -y python3")
        let probe = try await TestEnvironment.run(python, ["-c", "import paho.mqtt, pytest"], timeout: 60)
        guard probe.status == 0 else {
            Issue.record("paho-mqtt or pytest is missing: python3 -m pip install paho-mqtt pytest (scripts/test does)")
            return
        }
        let server = try await RunningServer.start(try Self.configuration())
        let suite = TestEnvironment.root.appendingPathComponent("Tests/Devices")
        let result = try await TestEnvironment.run(
            python,
            [
                "-m", "pytest", suite.path, "-q", "-p", "no:cacheprovider", "--mqtt-port",
                "\(server.endpoints.mqttPort)", "--http-port", "\(server.endpoints.httpPort)",
            ], timeout: 600, directory: suite)
        await server.stop()
        let summary = result.stdout.split(separator: "\n").last.map(String.init) ?? ""
        print("devices suite: \(summary)")
        #expect(
            result.status == 0, "devices suite failed:\n\(result.stdout.suffix(20_000))\n\(result.stderr.suffix(4000))")
        #expect(summary.contains("passed"))
    }
}
