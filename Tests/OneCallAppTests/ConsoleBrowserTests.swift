import Foundation
import OneCallApp
import OneCallBroker
import OneCallCore
import OneCallMQTT
import OneCallSimulator
import Testing

/// The web console in headless Chromium (Debian's `chromium` and `chromium-driver`, driven by
/// Selenium from PyPI) against a running server with a simulated air conditioner: see
/// `Peers/console_test.py`.
@Suite("Web console in a browser", .serialized, .timeLimit(.minutes(3)))
struct ConsoleBrowserTests {
    @Test
    func theConsoleShowsDevicesAnswersQuestionsAndActsOnTickets() async throws {
        _ = try TestEnvironment.requirePeer("chromium", install: "apt-get install chromium chromium-driver")
        _ = try TestEnvironment.requirePeer("chromedriver", install: "apt-get install chromium-driver")
        let python = try TestEnvironment.requirePeer("python3", install: "apt-get install python3")
        let probe = try await TestEnvironment.run(python, ["-c", "import selenium"])
        try #require(probe.status == 0, "selenium is missing: pip install selenium (scripts/test does)")

        var configuration = try RunningServer.configuration()
        try configuration.set("anomaly.enabled", false)
        // Operators sign in: the page must ask first.
        let operators = (configuration.dataDirectory as NSString).appendingPathComponent("operators")
        try (try PasswordFile.line(username: "ana", password: "harbour-lights") + "\n").write(
            toFile: operators, atomically: true, encoding: .utf8)
        let knowledge = (configuration.dataDirectory as NSString).appendingPathComponent("knowledge")
        try FileManager.default.createDirectory(atPath: knowledge, withIntermediateDirectories: true)
        try ReferenceGuide.markdown.write(
            toFile: (knowledge as NSString).appendingPathComponent(ReferenceGuide.fileName), atomically: true,
            encoding: .utf8)
        let result = try await RunningServer.with(configuration) { server throws in
            let simulator = try SimulatorRunner(
                configuration: SimulatorConfiguration(
                    deviceCount: 1, namePrefix: "unit-", speedUp: 60, seed: 3,
                    mqtt: MQTTClientConfiguration(port: server.endpoints.mqttPort, clientIdentifier: "")))
            let fleet = Task { try await simulator.run(readingsPerDevice: 1_000_000) }
            defer { fleet.cancel() }
            let script = TestEnvironment.root.appendingPathComponent("Tests/OneCallAppTests/Peers/console_test.py")
                .path
            return try await TestEnvironment.run(
                python, [script, "http://127.0.0.1:\(server.endpoints.httpPort)", "unit-1", "ana", "harbour-lights"],
                timeout: 150)
        }
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr.suffix(4000))")
        #expect(result.stdout.contains("ok"), "\(result.stdout)")
    }
}
