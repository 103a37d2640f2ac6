import Foundation
import NIOCore
import OneCallAnomaly
import OneCallApp
import OneCallCore
import OneCallMQTT
import OneCallSimulator
import OneCallStorage
import Testing

/// The anomaly workflow end to end: simulated devices publish through the broker, every stored
/// reading is scored, and abnormal wattage on one device opens exactly one W1 ticket with its
/// window, which requests a call; the normal devices open none.
@Suite("Anomaly workflow", .serialized, .timeLimit(.minutes(3)))
struct AnomalyWorkflowTests {
    static let fixtures = TestEnvironment.root.appendingPathComponent("Tests/Fixtures")

    static func configuration() throws -> OneCallConfiguration {
        var configuration = OneCallConfiguration()
        configuration.dataDirectory = try TestEnvironment.temporaryDirectory().path
        configuration.mqtt.port = 0
        configuration.http.port = 0
        let knowledge = (configuration.dataDirectory as NSString).appendingPathComponent("knowledge")
        try FileManager.default.createDirectory(atPath: knowledge, withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            atPath: fixtures.appendingPathComponent("troubleshooting-guide.md").path,
            toPath: (knowledge as NSString).appendingPathComponent("troubleshooting-guide.md"))
        return configuration
    }

    /// Trains the classifier from the reference's labelled data into the server's model path.
    static func trainModel(_ configuration: OneCallConfiguration) throws {
        let table = try AnomalyModelFile.readTable(path: fixtures.appendingPathComponent("training_data.csv").path)
        let result = try ClassifierTrainer.train(
            table, options: .init(label: "wattage_mode", positive: "abnormal"), trainedAt: 0)
        try AnomalyModelFile.save(result.classifier, path: AnomalyModelFile.path(configuration))
    }

    /// Runs four simulated devices at 600x, turns one to abnormal wattage after 40 readings, and
    /// returns the server, the device, and the simulated time of its last normal reading.
    static func runFleet(
        _ configuration: OneCallConfiguration, body: (RunningServer, String, Double) async throws -> Void
    ) async throws {
        let server = try await RunningServer.start(configuration)
        let port = server.endpoints.mqttPort
        let simulator = try SimulatorRunner(
            configuration: SimulatorConfiguration(
                deviceCount: 4, namePrefix: "unit-", speedUp: 600, seed: 11, startTime: 1_764_000_000,
                mqtt: MQTTClientConfiguration(port: port, clientIdentifier: "")))
        let fleet = Task { try await simulator.run(readingsPerDevice: 1_000_000) }
        let target = "unit-3"
        let storage = server.server.storage
        for _ in 0..<1000 where try await storage.readingCount(deviceID: target) < 40 {
            try await Task.sleep(for: .milliseconds(20))
        }
        let commander = MQTTClient(configuration: .init(port: port, clientIdentifier: "commander", reconnect: nil))
        try await commander.connect()
        let lastNormal =
            try await storage.readings(TelemetryQuery(deviceID: target, limit: 1, newestFirst: true))
            .first?.timestamp ?? 0
        let command = try AirconCommandMessage(device: target, action: "set_wattage_mode", argument: "abnormal")
        try await commander.publish(
            topic: command.topic, payload: ByteBuffer(bytes: command.payload), qos: .atLeastOnce)
        do {
            try await body(server, target, lastNormal)
        } catch {
            fleet.cancel()
            throw error
        }
        fleet.cancel()
        _ = await fleet.result
        await commander.disconnect()
        await server.stop()
    }

    /// Waits up to 30 s for a ticket with the code.
    static func ticket(_ server: RunningServer, code: String) async throws -> Ticket? {
        for _ in 0..<1500 {
            if let ticket = try await server.server.workflow.tickets.tickets(TicketQuery(errorCode: code)).first {
                return ticket
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }

    @Test func abnormalWattageOpensExactlyOneW1TicketThatRequestsACall() async throws {
        let configuration = try Self.configuration()
        try Self.trainModel(configuration)
        try await Self.runFleet(configuration) { server, target, lastNormal in
            let ticket = try #require(await Self.ticket(server, code: "W1"), "no W1 ticket within 30 s")
            #expect(ticket.deviceID == target)
            let start = try #require(ticket.anomalyStart)
            let end = try #require(ticket.anomalyEnd)
            // The window begins with the first abnormal reading, after the switch, and ends at the crossing.
            #expect(start > lastNormal)
            #expect(start < lastNormal + 600)
            #expect(end > start)
            #expect(end - start < 3600)
            // A call is requested for it.
            var calls: [CallRequest] = []
            for _ in 0..<500 {
                calls = try await server.server.workflow.tickets.calls(ticketID: ticket.uniqueID, limit: 10)
                if !calls.isEmpty { break }
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(calls.count == 1)
            // Another simulated hour of abnormal wattage raises nothing more while the ticket is open.
            let readings = try await server.server.storage.readingCount(deviceID: target)
            for _ in 0..<1500 where try await server.server.storage.readingCount(deviceID: target) < readings + 150 {
                try await Task.sleep(for: .milliseconds(20))
            }
            let all = try await server.server.workflow.tickets.tickets(TicketQuery(limit: 100))
            #expect(all.map(\.errorCode) == ["W1"], "\(all.map { "\($0.deviceID) \($0.errorCode)" })")
            #expect(all.first?.occurrences == 1)
        }
    }

    @Test func aModelFileThatCannotBeReadFailsTheStartNamingTheKey() async throws {
        var configuration = try Self.configuration()
        let path = (configuration.dataDirectory as NSString).appendingPathComponent("broken.json")
        try Data(#"{"format": "onecall.anomaly.classifier", "version": 99}"#.utf8).write(to: URL(fileURLWithPath: path))
        try configuration.set("anomaly.model", .string(path))
        #expect {
            _ = try OneCallServer(configuration: configuration)
        } throws: { error in
            (error as? ConfigurationError)?.key == "anomaly.model" && "\(error)".contains("version 99")
        }
        try configuration.set("anomaly.detector", "sometimes")
        #expect {
            _ = try OneCallServer(configuration: configuration)
        } throws: { error in
            (error as? ConfigurationError)?.key == "anomaly.detector"
        }
    }
}
