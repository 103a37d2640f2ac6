import Foundation
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The `onecall` binary as a user runs it: config errors, HTTP endpoints, graceful shutdown, passwd.
@Suite(.serialized) struct ExecutableTests {
    @Test func invalidConfigurationFailsAtStartNamingTheKey() throws {
        let dir = try TestEnvironment.temporaryDirectory()
        let config = dir.appendingPathComponent("bad.json").path
        try #"{"mqtt": {"max_queued_messages": -1}}"#.write(toFile: config, atomically: true, encoding: .utf8)
        let result = try TestEnvironment.run(
            TestEnvironment.executable.path, ["serve", "--config", config], timeout: 30)
        #expect(result.status == 2)
        #expect(result.stderr.contains("mqtt.max_queued_messages"), "\(result.stderr)")
    }

    @Test func servesHealthAndMetricsAndStopsOnSIGTERM() async throws {
        let dir = try TestEnvironment.temporaryDirectory()
        let process = Process()
        process.executableURL = TestEnvironment.executable
        process.arguments = ["serve", "--mqtt-port", "0", "--http-port", "0", "--data-dir", dir.path]
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        // Read the log until the ready line gives the ports.
        var log = ""
        var httpPort: Int?
        let deadline = Date().addingTimeInterval(30)
        while httpPort == nil && Date() < deadline {
            let data = err.fileHandleForReading.availableData
            if data.isEmpty { break }
            log += String(decoding: data, as: UTF8.self)
            if let range = log.range(of: #"http.port=(\d+)"#, options: .regularExpression) {
                httpPort = Int(log[range].dropFirst("http.port=".count))
            }
        }
        let port = try #require(httpPort, "no ready line in: \(log)")
        let (health, healthResponse) = try await URLSession.shared.data(
            from: URL(string: "http://127.0.0.1:\(port)/healthz")!)
        #expect((healthResponse as? HTTPURLResponse)?.statusCode == 200)
        #expect(String(decoding: health, as: UTF8.self) == "ok\n")
        let (metrics, _) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/metrics")!)
        let text = String(decoding: metrics, as: UTF8.self)
        #expect(text.contains("# TYPE onecall_mqtt_clients_connected gauge"))
        #expect(text.contains("onecall_mqtt_messages_received_total "))
        kill(process.processIdentifier, SIGTERM)
        let stop = Date().addingTimeInterval(10)
        while process.isRunning && Date() < stop { try await Task.sleep(for: .milliseconds(50)) }
        #expect(!process.isRunning, "still running 10 s after SIGTERM")
        if !process.isRunning { #expect(process.terminationStatus == 0) }
    }

    @Test func passwdWritesAFileTheBrokerAccepts() throws {
        let dir = try TestEnvironment.temporaryDirectory()
        let file = dir.appendingPathComponent("passwd").path
        let add = try TestEnvironment.run(
            TestEnvironment.executable.path, ["passwd", file, "alice"], timeout: 30, input: "wonderland\n")
        #expect(add.status == 0, "\(add.stderr)")
        _ = try TestEnvironment.run(
            TestEnvironment.executable.path, ["passwd", file, "bob", "--password", "builder"], timeout: 30)
        let text = try String(contentsOfFile: file, encoding: .utf8)
        #expect(text.split(separator: "\n").count == 2)
        #expect(text.contains("alice:$7$"))
        _ = try TestEnvironment.run(TestEnvironment.executable.path, ["passwd", file, "bob", "--delete"], timeout: 30)
        let after = try String(contentsOfFile: file, encoding: .utf8)
        #expect(!after.contains("bob:"))
        #expect(after.contains("alice:"))
    }

    @Test func demoRunsAndStopsByItself() throws {
        let result = try TestEnvironment.run(
            TestEnvironment.executable.path, ["demo", "--mqtt-port", "0", "--http-port", "0", "--duration", "1"],
            timeout: 60)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("OneCall demo is running"))
        #expect(result.stdout.contains("in-process subscriber received aircon/telemetry"))
    }
}
