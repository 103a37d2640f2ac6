import Foundation
import OneCallApp
import OneCallCore
import OneCallStorage
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A JSON request to a running server: status and parsed body (`null` when empty).
func request(_ method: String, _ url: String, _ body: JSONValue? = nil, raw: [UInt8]? = nil) async throws -> (
    status: Int, body: JSONValue
) {
    var request = URLRequest(url: URL(string: url)!)
    request.httpMethod = method
    if let body { request.httpBody = Data(body.jsonBytes) }
    if let raw { request.httpBody = Data(raw) }
    request.setValue("application/json", forHTTPHeaderField: "Content-Type")
    let (data, response) = try await URLSession.shared.data(for: request)
    let status = (response as? HTTPURLResponse)?.statusCode ?? 0
    return (status, data.isEmpty ? .null : try JSONValue(parsing: Array(data)))
}

/// The error workflow end to end with real peers: errors published by mosquitto_pub, tickets in
/// SQLite, e-mail accepted by aiosmtpd, the clear command seen by mosquitto_sub.
@Suite("Error workflow", .serialized, .timeLimit(.minutes(3)))
struct ErrorWorkflowTests {
    static let fixtures = TestEnvironment.root.appendingPathComponent("Tests/Fixtures")

    /// A server whose knowledge base holds `guides` and whose e-mail goes to `mail`.
    static func configuration(guides: [String], mail: AiosmtpdPeer) throws -> OneCallConfiguration {
        var configuration = OneCallConfiguration()
        configuration.dataDirectory = try TestEnvironment.temporaryDirectory().path
        configuration.mqtt.port = 0
        configuration.http.port = 0
        let knowledge = (configuration.dataDirectory as NSString).appendingPathComponent("knowledge")
        try FileManager.default.createDirectory(atPath: knowledge, withIntermediateDirectories: true)
        for guide in guides {
            try FileManager.default.copyItem(
                atPath: fixtures.appendingPathComponent(guide).path,
                toPath: (knowledge as NSString).appendingPathComponent(guide))
        }
        try configuration.set("smtp.host", "127.0.0.1")
        try configuration.set("smtp.port", .int(Int64(mail.port)))
        try configuration.set("smtp.security", "none")
        try configuration.set("smtp.to", "ops@example.com")
        try configuration.set("smtp.from", "onecall@example.com")
        // Nobody answers the phone here: the tickets stay open for the operator's REST calls below.
        try configuration.set("contact_center.local.answer", "no_answer")
        return configuration
    }

    /// Waits up to 20 s for every action of `count` tickets to finish.
    static func settled(_ server: RunningServer, count: Int) async throws -> [Ticket] {
        var tickets: [Ticket] = []
        for _ in 0..<400 {
            tickets = try await server.server.workflow.tickets.tickets(TicketQuery(limit: 1000))
            if tickets.count >= count
                && tickets.allSatisfy({ $0.actions.allSatisfy { $0.status == .done || $0.status == .failed } })
            {
                return tickets
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("not settled: \(tickets.map { "\($0.errorCode) \($0.actions.map(\.status))" })")
        return tickets
    }

    @Test func theReferenceGuideGivesTicketsMailCallsAndConfirmedClears() async throws {
        let publish = try TestEnvironment.requirePeer("mosquitto_pub", install: "apt-get install -y mosquitto-clients")
        let subscribe = try TestEnvironment.requirePeer(
            "mosquitto_sub", install: "apt-get install -y mosquitto-clients")
        let mail = try await AiosmtpdPeer.start()
        defer { mail.stop() }
        let server = try await RunningServer.start(
            try Self.configuration(guides: ["troubleshooting-guide.md"], mail: mail))
        let api = "http://127.0.0.1:\(server.endpoints.httpPort)/api/v1"
        let port = "\(server.endpoints.mqttPort)"
        do {
            for unit in 1...5 {
                let device: JSONValue = [
                    "device_id": .string("unit-\(unit)"), "city": "Springfield", "site_owner": .string("Owner \(unit)"),
                    "site_owner_contact": .string("+1555010\(unit)"),
                ]
                #expect(try await request("POST", "\(api)/devices", device).status == 201)
            }
            let commands = try TestEnvironment.temporaryDirectory().appendingPathComponent("commands").path
            let sub = try ChildProcess(
                subscribe, ["-p", port, "-t", "aircon/commands/#", "-v", "-C", "1", "-W", "30"], stdout: commands)
            defer { sub.stop() }
            try await Task.sleep(for: .milliseconds(300))
            // E1 twice: one ticket, counted twice. X9 is in no guide.
            for (unit, code) in [(1, "E1"), (2, "E2"), (3, "E3"), (4, "W1"), (5, "X9"), (1, "E1")] {
                let payload = #"{"device_name": "unit-\#(unit)", "error_code": "\#(code)"}"#
                let result = try await TestEnvironment.run(
                    publish, ["-p", port, "-q", "1", "-t", "aircon/errors", "-m", payload], timeout: 30)
                #expect(result.status == 0, "\(result.stderr)")
            }
            let tickets = try await Self.settled(server, count: 5)
            let byCode = Dictionary(tickets.map { ($0.errorCode, $0) }, uniquingKeysWith: { a, _ in a })
            #expect(tickets.count == 5)
            #expect(byCode["E1"]?.actions.map(\.tool) == ["log_ticket"])
            #expect(byCode["E1"]?.occurrences == 2)
            #expect(byCode["E2"]?.actions.map(\.tool) == ["log_ticket", "clear_fault"])
            #expect(byCode["E3"]?.actions.map(\.tool) == ["log_ticket", "call_operator"])
            #expect(byCode["W1"]?.actions.map(\.tool) == ["log_ticket", "call_operator"])
            #expect(byCode["X9"]?.actions.map(\.tool) == ["log_ticket"])
            #expect(byCode["X9"]?.noRunbook == true)
            #expect(byCode["E3"]?.troubleshootingSteps.first == "Check the power supply to the compressor.")
            #expect(tickets.allSatisfy { $0.actions.allSatisfy { $0.status == .done } })

            // One e-mail per ticket, none for the repeat, each with the ticket's details.
            let messages = mail.messages()
            #expect(messages.count == 5)
            #expect(Set(messages.compactMap { $0["message_id"]?.stringValue }).count == 5)
            let e2Mail = try #require(messages.first { $0["subject"]?.stringValue?.contains("E2 on unit-2") == true })
            #expect(e2Mail["rcpt_tos"] == ["ops@example.com"])
            let body = e2Mail["body"]?.stringValue ?? ""
            #expect(body.contains("Look for refrigerant leaks."), "\(body)")
            #expect(body.contains("Site owner contact: +15550102"), "\(body)")
            #expect(messages.contains { $0["subject"]?.stringValue?.contains("(no runbook)") == true })

            // A call for E3 and for W1, to the site owner in the registry.
            let calls = try await request("GET", "\(api)/calls").body["calls"]?.arrayValue ?? []
            #expect(calls.count == 2)
            #expect(Set(calls.compactMap { $0["contact"]?.stringValue }) == ["+15550103", "+15550104"])
            // Each was placed at once, rang out, and waits to be tried again.
            for call in calls {
                let id = try #require(call["id"]?.stringValue)
                var shown = try await request("GET", "\(api)/calls/\(id)")
                for _ in 0..<100 where shown.body["status"] != "waiting" {
                    try await Task.sleep(for: .milliseconds(50))
                    shown = try await request("GET", "\(api)/calls/\(id)")
                }
                #expect(shown.body["status"] == "waiting", "\(shown.body)")
                let first = shown.body["attempt_log"]?.arrayValue?.first
                #expect(first?["outcome"] == "no_answer", "\(shown.body)")
                #expect(first?["provider"] == "local")
            }

            // clear_fault: the command on the device's topic and the desired state on its shadow.
            #expect(sub.wait(timeout: 10) == 0)
            let command = (try? String(contentsOfFile: commands, encoding: .utf8)) ?? ""
            #expect(command.hasPrefix("aircon/commands/unit-2 "), "\(command)")
            #expect(command.contains(#""action":"clear_fault""#), "\(command)")
            let shadow = try await request("GET", "http://127.0.0.1:\(server.endpoints.httpPort)/things/unit-2/shadow")
            #expect(shadow.body["state"]?["desired"]?["error_code"] == "None")

            // The device reports no error: the ticket records it and is resolved.
            let reading = #"{"device_name": "unit-2", "error_code": "None", "indoor_temperature_c": 22}"#
            _ = try await TestEnvironment.run(
                publish, ["-p", port, "-q", "1", "-t", "aircon/telemetry", "-m", reading], timeout: 30)
            var cleared: Ticket?
            for _ in 0..<200 where cleared?.status != .resolved {
                try await Task.sleep(for: .milliseconds(50))
                cleared = try await server.server.workflow.tickets.ticket(id: byCode["E2"]!.uniqueID)
            }
            #expect(cleared?.status == .resolved)
            #expect(cleared?.faultClearedAt != nil)
            #expect(cleared?.resolvedBy == "device")
            // A reading without error from a device OneCall did not clear resolves nothing.
            let other = #"{"device_name": "unit-1", "error_code": "None"}"#
            _ = try await TestEnvironment.run(
                publish, ["-p", port, "-q", "1", "-t", "aircon/telemetry", "-m", other], timeout: 30)
            try await Task.sleep(for: .milliseconds(300))
            #expect(try await server.server.workflow.tickets.ticket(id: byCode["E1"]!.uniqueID)?.status == .open)

            // The operator's side over REST.
            let e3 = byCode["E3"]!.uniqueID
            let listed = try await request("GET", "\(api)/tickets?status=open")
            #expect(listed.body["count"] == 4)
            let acknowledged = try await request("POST", "\(api)/tickets/\(e3)/acknowledge", ["by": "ana"])
            #expect(acknowledged.status == 200)
            #expect(acknowledged.body["status"] == "acknowledged")
            #expect(acknowledged.body["acknowledged_by"] == "ana")
            let resolved = try await request("POST", "\(api)/tickets/\(e3)/resolve", ["note": "replaced the relay"])
            #expect(resolved.body["status"] == "resolved")
            #expect(try await request("POST", "\(api)/tickets/\(e3)/acknowledge").status == 409)
            #expect(try await request("GET", "\(api)/tickets/nope").status == 404)
            #expect(try await request("POST", "\(api)/tickets/\(e3)/resolve", raw: Array("[1".utf8)).status == 400)
            // The chat answers from the same data: the device's open tickets, then a follow-up.
            let e2 = byCode["E2"]!.uniqueID
            let question: JSONValue = [
                "session": "ana", "message": .string("Please tell me about the device unit-2, unique id \(e2)"),
            ]
            let chat = try await request("POST", "\(api)/chat", question)
            #expect(chat.status == 200, "\(chat.body)")
            #expect(chat.body["answer"]?.stringValue?.contains(e2) == true, "\(chat.body)")
            #expect(chat.body["facts"]?.arrayValue?.isEmpty == false)
            let code = try await request("POST", "\(api)/chat", ["message": "Please tell me about the error E3"])
            #expect(code.body["answer"]?.stringValue?.contains("compressor") == true, "\(code.body)")
            let unknown = try await request(
                "POST", "\(api)/chat", ["message": "Please tell me about the device nope-9"])
            #expect(unknown.status == 200)
            #expect(unknown.body["facts"]?.arrayValue?.isEmpty == true, "\(unknown.body)")
            #expect(try await request("POST", "\(api)/chat", ["question": "hi"]).status == 400)
            let long = String(repeating: "x", count: 5000)
            #expect(
                try await request("POST", "\(api)/chat", ["message": .string(long)]).body["error"]?["code"]
                    == "message_too_long")

            let shown = try await request("GET", "\(api)/tickets/\(byCode["W1"]!.uniqueID)")
            #expect(shown.body["calls"]?.arrayValue?.count == 1)
            #expect(shown.body["time_stamp"]?.stringValue?.hasSuffix("Z") == true)

            let metrics = try await URLSession.shared.data(
                from: URL(string: "http://127.0.0.1:\(server.endpoints.httpPort)/metrics")!)
            let text = String(decoding: metrics.0, as: UTF8.self)
            #expect(text.contains("onecall_tickets_opened_total 5"), "\(text)")
            #expect(text.contains("onecall_tickets_repeats_total 1"))
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    @Test func anLLMPlansWithinTheGuideThroughTheServer() async throws {
        let python = try TestEnvironment.requirePeer("python3", install: "apt-get install -y python3")
        let dir = try TestEnvironment.temporaryDirectory()
        // Over-eager: the model also asks to clear the fault, which the guide does not list for E3.
        try #"{"chat": {"mode": "follow_section", "extra_calls": ["clear_fault"]}}"#.write(
            to: dir.appendingPathComponent("scenario.json"), atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("peer.out").path
        let peer = try ChildProcess(
            python,
            [
                TestEnvironment.root.appendingPathComponent("Tests/OneCallAgentTests/Peers/openai_server.py").path,
                "--port", "0", "--scenario", dir.appendingPathComponent("scenario.json").path, "--record",
                dir.appendingPathComponent("requests.jsonl").path, "--lifetime", "120",
            ], stdout: out)
        defer { peer.stop() }
        var port: Int?
        for _ in 0..<100 where port == nil {
            try await Task.sleep(for: .milliseconds(50))
            port = (try? String(contentsOfFile: out, encoding: .utf8))?.split(separator: "\n").first.flatMap { Int($0) }
        }
        let peerPort = try #require(port, "the OpenAI peer did not start")
        let mail = try await AiosmtpdPeer.start()
        defer { mail.stop() }
        var configuration = try Self.configuration(guides: ["troubleshooting-guide.md"], mail: mail)
        try configuration.set("agent.planner", "llm")
        try configuration.set("llm.base_url", .string("http://127.0.0.1:\(peerPort)/v1"))
        try configuration.set("llm.model", "test-chat")
        try configuration.set("llm.api_key", "sk-test")
        let server = try await RunningServer.start(configuration)
        do {
            let api = "http://127.0.0.1:\(server.endpoints.httpPort)/api/v1"
            #expect(
                try await request("POST", "\(api)/events", ["device_id": "ac-9", "error_code": "E3"]).status == 202)
            let ticket = try #require(try await Self.settled(server, count: 1).first)
            #expect(ticket.actions.map(\.tool) == ["log_ticket", "call_operator"])
            #expect(ticket.plan["planner"] == "llm")
            #expect(ticket.attention.contains { $0.contains("clear_fault") }, "\(ticket.attention)")
            let recorded = try String(contentsOf: dir.appendingPathComponent("requests.jsonl"), encoding: .utf8)
            #expect(recorded.contains("Bearer sk-test"))
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    @Test func anotherGuideWithOtherCodesAndWordingNeedsNoCodeChange() async throws {
        let subscribe = try TestEnvironment.requirePeer(
            "mosquitto_sub", install: "apt-get install -y mosquitto-clients")
        let mail = try await AiosmtpdPeer.start()
        defer { mail.stop() }
        var configuration = try Self.configuration(guides: [], mail: mail)
        try configuration.set("agent.clear_fault.topic", "plant/{device_id}/control")
        try configuration.set("agent.clear_fault.payload", #"{"command": "reset"}"#)
        try configuration.set("agent.clear_fault.desired", "null")
        let server = try await RunningServer.start(configuration)
        let base = "http://127.0.0.1:\(server.endpoints.httpPort)"
        do {
            // The guide arrives over REST while the server runs.
            let guide = try Array(Data(contentsOf: Self.fixtures.appendingPathComponent("chiller-guide.txt")))
            let added = try await request("PUT", "\(base)/api/v1/knowledge/chiller-guide.txt", raw: guide)
            #expect(added.status == 201, "\(added.body)")
            #expect(added.body["sections"]?.intValue ?? 0 >= 3)
            let plan = try await request("GET", "\(base)/api/v1/knowledge/plan?code=ALM-12")
            #expect(plan.body["actions"] == [["tool": "log_ticket"], ["tool": "call_operator"]])
            let search = try await request("GET", "\(base)/api/v1/knowledge/search?q=pump%20valves")
            #expect(search.body["hits"]?.arrayValue?.first?["section"]?.stringValue?.contains("ALM-12") == true)
            #expect(try await request("PUT", "\(base)/api/v1/knowledge/evil.exe", raw: [0]).status == 400)
            #expect(try await request("PUT", "\(base)/api/v1/knowledge/bad.md", raw: [0xFF, 0xFE]).status == 400)

            let commands = try TestEnvironment.temporaryDirectory().appendingPathComponent("commands").path
            let sub = try ChildProcess(
                subscribe, ["-p", "\(server.endpoints.mqttPort)", "-t", "plant/#", "-v", "-C", "1", "-W", "30"],
                stdout: commands)
            defer { sub.stop() }
            try await Task.sleep(for: .milliseconds(300))
            let events: JSONValue = [
                ["device_id": "chiller-1", "error_code": "ALM-07"],
                ["device_id": "chiller-2", "error_code": "ALM-12"],
                ["device_id": "chiller-3", "error_code": "P4"],
            ]
            #expect(try await request("POST", "\(base)/api/v1/events", events).status == 202)
            let tickets = try await Self.settled(server, count: 3)
            let byCode = Dictionary(tickets.map { ($0.errorCode, $0) }, uniquingKeysWith: { a, _ in a })
            #expect(byCode["ALM-07"]?.actions.map(\.tool) == ["log_ticket", "clear_fault"])
            #expect(byCode["ALM-12"]?.actions.map(\.tool) == ["log_ticket", "call_operator"])
            #expect(byCode["P4"]?.actions.map(\.tool) == ["log_ticket"])
            #expect(byCode["P4"]?.attention.contains { $0.contains("pigeon") } == true)
            #expect(byCode["ALM-12"]?.severity == "critical")
            #expect(byCode["ALM-07"]?.troubleshootingSteps == ["Check the fan belt.", "Check the fan motor breaker."])
            #expect(mail.messages().count == 3)
            #expect(sub.wait(timeout: 10) == 0)
            let command = (try? String(contentsOfFile: commands, encoding: .utf8)) ?? ""
            #expect(command.hasPrefix(#"plant/chiller-1/control {"command":"reset"}"#), "\(command)")
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }
}
