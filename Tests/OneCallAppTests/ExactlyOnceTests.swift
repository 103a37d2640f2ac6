import Foundation
import OneCallCore
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `kill -9` while tickets are being opened and their actions run: after restarts, every event
/// has its ticket, every action ran to completion once in the store, every call was requested
/// once, and every ticket's e-mail reached the SMTP server.
@Suite("Exactly once across kill -9", .serialized, .timeLimit(.minutes(5)))
struct ExactlyOnceTests {
    /// A `onecall serve` process on a data directory; its HTTP port is read from the ready line.
    struct Server {
        let process: ChildProcess
        let port: Int

        static func start(config: String, data: String, log: String) async throws -> Server {
            let process = try ChildProcess(
                TestEnvironment.executable.path,
                ["serve", "--config", config, "--data-dir", data, "--mqtt-port", "0", "--http-port", "0"],
                stderr: log)
            for _ in 0..<600 {
                let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
                if let range = text.range(of: #"http.port=(\d+)"#, options: .regularExpression),
                    let port = Int(text[range].dropFirst("http.port=".count))
                {
                    return Server(process: process, port: port)
                }
                if let status = process.poll() { throw StartFailure(status: status, log: text) }
                try await Task.sleep(for: .milliseconds(50))
            }
            process.stop()
            throw StartFailure(status: -1, log: (try? String(contentsOfFile: log, encoding: .utf8)) ?? "")
        }

        func kill9() {
            process.signal(SIGKILL)
            _ = process.wait(timeout: 10)
        }
    }

    struct StartFailure: Error, CustomStringConvertible {
        let status: Int32
        let log: String
        var description: String { "onecall serve did not start (status \(status)): \(log.suffix(2000))" }
    }

    @Test func killNineLosesNothingAndDoublesNothingInTheStore() async throws {
        let mail = try await AiosmtpdPeer.start()
        defer { mail.stop() }
        let dir = try TestEnvironment.temporaryDirectory()
        let knowledge = dir.appendingPathComponent("knowledge")
        try FileManager.default.createDirectory(at: knowledge, withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            at: ErrorWorkflowTests.fixtures.appendingPathComponent("troubleshooting-guide.md"),
            to: knowledge.appendingPathComponent("troubleshooting-guide.md"))
        let config = dir.appendingPathComponent("onecall.json").path
        let settings: JSONValue = [
            "smtp": [
                "host": "127.0.0.1", "port": .int(Int64(mail.port)), "security": "none", "to": ["ops@example.com"],
            ],
            "agent": ["retry_delay": 0.05, "max_retry_delay": 0.5],
            "knowledge": ["directory": .string(knowledge.path)],
        ]
        try settings.jsonString.write(toFile: config, atomically: true, encoding: .utf8)
        let data = dir.appendingPathComponent("data").path

        // 100 devices × E1, E2, E3: 300 tickets, 500 actions, 100 calls.
        let codes = ["E1", "E2", "E3"]
        let events: [JSONValue] = (0..<100).flatMap { device in
            codes.map { code in ["device_id": .string("ac-\(device)"), "error_code": .string(code)] }
        }
        var server = try await Server.start(config: config, data: data, log: dir.appendingPathComponent("1.log").path)
        var kills = 0
        do {
            #expect(
                try await request("POST", "http://127.0.0.1:\(server.port)/api/v1/events", .array(events)).status == 202
            )
            // Stored: now kill it while triage and the dispatcher are at work.
            server.kill9()
            kills += 1
            server = try await Server.start(config: config, data: data, log: dir.appendingPathComponent("2.log").path)
            try await Task.sleep(for: .milliseconds(Int.random(in: 50...400)))
            server.kill9()
            kills += 1
            server = try await Server.start(config: config, data: data, log: dir.appendingPathComponent("3.log").path)
            // The same errors again: counted on the open tickets, nothing new.
            #expect(
                try await request("POST", "http://127.0.0.1:\(server.port)/api/v1/events", .array(events)).status == 202
            )

            var tickets: [JSONValue] = []
            for _ in 0..<600 {
                tickets =
                    try await request("GET", "http://127.0.0.1:\(server.port)/api/v1/tickets?limit=10000").body[
                        "tickets"]?.arrayValue ?? []
                let settled = tickets.allSatisfy { ticket in
                    (ticket["actions"]?.arrayValue ?? []).allSatisfy { $0["status"] == "done" }
                        && ticket["occurrences"] == 2
                }
                if tickets.count == 300 && settled { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            // Every event went to exactly one ticket; a device has one ticket per code.
            #expect(tickets.count == 300)
            let keys = Set(
                tickets.map { "\($0["device_id"]?.stringValue ?? "")/\($0["error_code"]?.stringValue ?? "")" })
            #expect(keys.count == 300)
            #expect(tickets.allSatisfy { $0["occurrences"] == 2 })
            // Each ticket has its guide's actions, once each, all done.
            for ticket in tickets {
                let tools = (ticket["actions"]?.arrayValue ?? []).compactMap { $0["tool"]?.stringValue }
                let expected: [String] =
                    switch ticket["error_code"]?.stringValue {
                    case "E2": ["log_ticket", "clear_fault"]
                    case "E3": ["log_ticket", "call_operator"]
                    default: ["log_ticket"]
                    }
                #expect(tools == expected, "\(ticket)")
                #expect(
                    (ticket["actions"]?.arrayValue ?? []).allSatisfy { $0["status"] == "done" }, "\(ticket)")
            }
            // One call per call action, never two.
            let calls =
                try await request("GET", "http://127.0.0.1:\(server.port)/api/v1/calls?limit=10000").body["calls"]?
                .arrayValue ?? []
            #expect(calls.count == 100)
            #expect(Set(calls.compactMap { $0["action_id"]?.intValue }).count == 100)
            // Every ticket's e-mail arrived. SMTP cannot be exactly once: a message accepted in the
            // instant before a kill is sent again, with the same Message-ID, so the copy is
            // recognisable; at most the messages in flight at each kill are repeated.
            let messages = mail.messages()
            let ids = messages.compactMap { $0["message_id"]?.stringValue }
            #expect(Set(ids).count == 300)
            #expect(ids.count - Set(ids).count <= kills * 16, "repeated e-mail: \(ids.count - Set(ids).count)")
        } catch {
            server.process.stop()
            throw error
        }
        server.process.signal(SIGTERM)
        #expect(server.process.wait(timeout: 20) == 0)
    }
}
