import Foundation
import OneCallApp
import OneCallCore
import Testing

/// `onecall kb …` and `onecall tickets …` as an operator types them.
@Suite(.serialized, .timeLimit(.minutes(2))) struct WorkflowCommandTests {
    static func onecall(_ arguments: [String]) async throws -> TestEnvironment.Output {
        try await TestEnvironment.run(TestEnvironment.executable.path, arguments, timeout: 60)
    }

    @Test func knowledgeCommandsWorkOnTheDataDirectoryWithoutAServer() async throws {
        let data = try TestEnvironment.temporaryDirectory().path
        let guide = ErrorWorkflowTests.fixtures.appendingPathComponent("troubleshooting-guide.md").path
        let chiller = ErrorWorkflowTests.fixtures.appendingPathComponent("chiller-guide.txt").path
        let added = try await Self.onecall(["kb", "add", guide, "--data-dir", data])
        #expect(added.status == 0, "\(added.stderr)")
        #expect(added.stdout.contains("added troubleshooting-guide.md (markdown, 5 sections)"), "\(added.stdout)")

        let plan = try await Self.onecall(["kb", "plan", "--code", "E2", "--data-dir", data])
        #expect(plan.status == 0, "\(plan.stderr)")
        let json = try JSONValue(parsing: plan.stdout)
        #expect(json.objectValue?.keys.prefix(4) == ["code", "steps", "actions", "unmapped"])
        #expect(json["code"] == "E2")
        #expect(json["actions"] == [["tool": "log_ticket"], ["tool": "clear_fault"]])
        #expect(json["unmapped"] == [])
        #expect(json["steps"]?.arrayValue?.count == 3)

        // Another guide, given on the command line, not added.
        let other = try await Self.onecall(["kb", "plan", "--code", "ALM-12", "--guide", chiller, "--data-dir", data])
        #expect(try JSONValue(parsing: other.stdout)["actions"] == [["tool": "log_ticket"], ["tool": "call_operator"]])
        let unknown = try await Self.onecall(["kb", "plan", "--code", "Q7", "--data-dir", data])
        #expect(try JSONValue(parsing: unknown.stdout)["no_runbook"] == true)

        let list = try await Self.onecall(["kb", "list", "--data-dir", data])
        #expect(list.stdout.contains("troubleshooting-guide.md  markdown  5"), "\(list.stdout)")
        let search = try await Self.onecall(["kb", "search", "refrigerant", "leaks", "--json", "--data-dir", data])
        let hits = try JSONValue(parsing: search.stdout)["hits"]?.arrayValue ?? []
        #expect(!hits.isEmpty)
        let show = try await Self.onecall(["kb", "show", "--code", "E3", "--data-dir", data])
        #expect(show.stdout.contains("compressor_failure"), "\(show.stdout)")

        // Bad input: a clear error, exit 1, nothing added.
        let bad = try TestEnvironment.temporaryDirectory().appendingPathComponent("binary.md").path
        try Data([0x00, 0xFF, 0xFE, 0x00]).write(to: URL(fileURLWithPath: bad))
        let refused = try await Self.onecall(["kb", "add", bad, "--data-dir", data])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("onecall: "), "\(refused.stderr)")
        let exe = try TestEnvironment.temporaryDirectory().appendingPathComponent("tool.exe").path
        try Data([0x4D, 0x5A]).write(to: URL(fileURLWithPath: exe))
        #expect(try await Self.onecall(["kb", "add", exe, "--data-dir", data]).status == 1)
        let after = try await Self.onecall(["kb", "list", "--data-dir", data])
        #expect(!after.stdout.contains("binary.md") && !after.stdout.contains("tool.exe"))
        let removed = try await Self.onecall(["kb", "remove", "troubleshooting-guide.md", "--data-dir", data])
        #expect(removed.status == 0)
        #expect(try await Self.onecall(["kb", "remove", "troubleshooting-guide.md", "--data-dir", data]).status == 1)
    }

    @Test func ticketCommandsListAcknowledgeAndResolve() async throws {
        var configuration = OneCallConfiguration()
        configuration.dataDirectory = try TestEnvironment.temporaryDirectory().path
        configuration.mqtt.port = 0
        configuration.http.port = 0
        let server = try await RunningServer.start(configuration)
        let url = "http://127.0.0.1:\(server.endpoints.httpPort)"
        do {
            let event: JSONValue = ["device_id": "boiler-3", "error_code": "B12"]
            #expect(try await request("POST", "\(url)/api/v1/events", event).status == 202)
            var id: String?
            for _ in 0..<100 where id == nil {
                try await Task.sleep(for: .milliseconds(50))
                let listed = try await Self.onecall(["tickets", "list", "--json", "--url", url])
                id = try JSONValue(parsing: listed.stdout)["tickets"]?.arrayValue?.first?["unique_id"]?.stringValue
            }
            let ticket = try #require(id)
            let table = try await Self.onecall(["tickets", "list", "--url", url])
            #expect(table.stdout.contains("boiler-3"), "\(table.stdout)")
            #expect(table.stdout.contains("log_ticket:done"), "\(table.stdout)")
            let ack = try await Self.onecall(["tickets", "ack", ticket, "--by", "ana", "--url", url])
            #expect(try JSONValue(parsing: ack.stdout)["status"] == "acknowledged")
            let resolve = try await Self.onecall(["tickets", "resolve", ticket, "--note", "relit", "--url", url])
            #expect(try JSONValue(parsing: resolve.stdout)["resolution"] == "relit")
            let again = try await Self.onecall(["tickets", "ack", ticket, "--url", url])
            #expect(again.status == 1)
            #expect(again.stderr.contains("409"), "\(again.stderr)")

            // The chat from the terminal: one question, then a conversation on standard input.
            let asked = try await Self.onecall(["ask", "--url", url, "open", "tickets"])
            #expect(asked.status == 0, "\(asked.stderr)")
            #expect(asked.stdout.contains(ticket), "\(asked.stdout)")
            let conversation = try await TestEnvironment.run(
                TestEnvironment.executable.path, ["ask", "--url", url, "--json"],
                input: "Please tell me about the device boiler-3\nstatus of ticket \(ticket)\n")
            #expect(conversation.status == 0, "\(conversation.stderr)")
            #expect(conversation.stdout.contains("resolved"), "\(conversation.stdout)")
            #expect(conversation.stdout.contains("\"facts\""), "\(conversation.stdout)")
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }
}
