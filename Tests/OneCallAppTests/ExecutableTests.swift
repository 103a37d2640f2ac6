import Foundation
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The `onecall` binary as a user runs it: config errors, HTTP endpoints, graceful shutdown, passwd.
@Suite(.serialized, .timeLimit(.minutes(2))) struct ExecutableTests {
    @Test func invalidConfigurationFailsAtStartNamingTheKey() async throws {
        let dir = try TestEnvironment.temporaryDirectory()
        let config = dir.appendingPathComponent("bad.json").path
        try #"{"mqtt": {"max_queued_messages": -1}}"#.write(toFile: config, atomically: true, encoding: .utf8)
        let result = try await TestEnvironment.run(
            TestEnvironment.executable.path, ["serve", "--config", config], timeout: 30)
        #expect(result.status == 2)
        #expect(result.stderr.contains("mqtt.max_queued_messages"), "\(result.stderr)")
    }

    @Test func servesHealthAndMetricsAndStopsOnSIGTERM() async throws {
        let dir = try TestEnvironment.temporaryDirectory()
        let log = dir.appendingPathComponent("serve.log").path
        let process = try ChildProcess(
            TestEnvironment.executable.path, ["serve", "--mqtt-port", "0", "--http-port", "0", "--data-dir", dir.path],
            stderr: log)
        defer { process.stop() }
        // Wait for the ready line, which gives the ports.
        var httpPort: Int?
        var logText = ""
        for _ in 0..<300 where httpPort == nil {
            try await Task.sleep(for: .milliseconds(100))
            logText = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            if let range = logText.range(of: #"http.port=(\d+)"#, options: .regularExpression) {
                httpPort = Int(logText[range].dropFirst("http.port=".count))
            }
        }
        let port = try #require(httpPort, "no ready line in: \(logText)")
        let (health, healthResponse) = try await URLSession.shared.data(
            from: URL(string: "http://127.0.0.1:\(port)/healthz")!)
        #expect((healthResponse as? HTTPURLResponse)?.statusCode == 200)
        #expect(String(decoding: health, as: UTF8.self) == "ok\n")
        let (metrics, _) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(port)/metrics")!)
        let text = String(decoding: metrics, as: UTF8.self)
        #expect(text.contains("# TYPE onecall_mqtt_clients_connected gauge"))
        #expect(text.contains("onecall_mqtt_messages_received_total "))
        process.signal(SIGTERM)
        var status: Int32?
        for _ in 0..<200 where status == nil {
            try await Task.sleep(for: .milliseconds(50))
            status = process.poll()
        }
        #expect(status == 0, "exit status after SIGTERM: \(status.map(String.init) ?? "still running after 10 s")")
    }

    @Test func passwdWritesAFileTheBrokerAccepts() async throws {
        let dir = try TestEnvironment.temporaryDirectory()
        let file = dir.appendingPathComponent("passwd").path
        let add = try await TestEnvironment.run(
            TestEnvironment.executable.path, ["passwd", file, "alice"], timeout: 30, input: "wonderland\n")
        #expect(add.status == 0, "\(add.stderr)")
        _ = try await TestEnvironment.run(
            TestEnvironment.executable.path, ["passwd", file, "bob", "--password", "builder"], timeout: 30)
        let text = try String(contentsOfFile: file, encoding: .utf8)
        #expect(text.split(separator: "\n").count == 2)
        #expect(text.contains("alice:$7$"))
        _ = try await TestEnvironment.run(
            TestEnvironment.executable.path, ["passwd", file, "bob", "--delete"], timeout: 30)
        let after = try String(contentsOfFile: file, encoding: .utf8)
        #expect(!after.contains("bob:"))
        #expect(after.contains("alice:"))
    }

    @Test func demoRunsAndStopsByItself() async throws {
        let result = try await TestEnvironment.run(
            TestEnvironment.executable.path,
            [
                "demo", "--mqtt-port", "0", "--http-port", "0", "--duration", "8", "--data-dir",
                try TestEnvironment.temporaryDirectory().path,
            ],
            timeout: 120)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("OneCall demo is running"))
        #expect(result.stdout.contains("Console       http://127.0.0.1:"), "\(result.stdout)")
        #expect(result.stdout.contains("readings stored"), "\(result.stdout)")
        #expect(result.stdout.contains("aircon_4  indoor"), "\(result.stdout)")
        #expect(result.stdout.contains("demo: error event"), "\(result.stdout)")
        // The reference's error scenario: a ticket each, e-mail for each, a call for E3, E2 cleared.
        for code in ["E1", "E2", "E3"] {
            #expect(result.stdout.contains("e-mail accepted by the SMTP sink: [OneCall] \(code)"), "\(result.stdout)")
        }
        #expect(result.stdout.contains("E2 (low_pressure): log_ticket, clear_fault"), "\(result.stdout)")
        #expect(result.stdout.contains("E3 (compressor_failure): log_ticket, call_operator"), "\(result.stdout)")
        // The E3 call is placed by the local provider, speaks the ticket, and key 1 acknowledges it.
        #expect(result.stdout.contains("call requested about aircon_3 to Customer 3"), "\(result.stdout)")
        #expect(
            result.stdout.contains("attempt 1 to Customer 3 (+11234567892) by local: acknowledged, pressed 1"),
            "\(result.stdout)")
        #expect(result.stdout.contains("spoke: This is OneCall"), "\(result.stdout)")
        #expect(result.stdout.contains("aircon_2 reports no error again"), "\(result.stdout)")
        #expect(result.stdout.contains("counts 2 occurrences"), "\(result.stdout)")
    }
}
