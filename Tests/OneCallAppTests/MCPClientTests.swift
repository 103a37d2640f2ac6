import Foundation
import OneCallApp
import OneCallCore
import Testing

/// The official Python MCP SDK (`pip install mcp`) as a real client of `onecall mcp` (stdio) and of
/// the server's `/mcp` endpoint (Streamable HTTP).
@Suite("MCP with the Python SDK's client", .serialized, .timeLimit(.minutes(2)))
struct MCPClientTests {
    static let clientScript = TestEnvironment.root.appendingPathComponent("Tests/OneCallAgentTests/Peers/mcp_client.py")
        .path

    static let calls = [
        "--call", "log_ticket", #"{"device_id": "unit-7", "error_code": "F42"}"#,
        "--call", "log_ticket", #"{"device_id": "unit-7", "error_code": "F42"}"#,
        "--call", "fetch_ticket_data", #"{"device_id": "unit-7"}"#,
        "--call", "log_ticket", #"{"device_id": "unit-7"}"#,
        "--call", "page_everyone", "{}",
    ]

    /// Runs the client script with `arguments` and returns the JSON report it prints.
    static func runClient(_ arguments: [String]) async throws -> JSONValue {
        let python = try TestEnvironment.requirePeer(
            "python3", install: "apt-get install -y python3, then pip install mcp")
        let result = try await TestEnvironment.run(python, [clientScript] + arguments, timeout: 90)
        if result.status == 3 {
            Issue.record("the Python MCP SDK is missing: pip install mcp (\(result.stderr))")
            throw TestEnvironment.PeerMissing(command: "mcp")
        }
        try #require(result.status == 0, "mcp_client.py exited \(result.status): \(result.stderr)")
        return try JSONValue(parsing: result.stdout)
    }

    /// The report of a run against OneCall's tools.
    static func check(_ report: JSONValue) throws {
        #expect(report["initialize"]?["serverInfo"]?["name"] == "onecall")
        let tools = try #require(report["tools"]?.arrayValue)
        #expect(
            tools.compactMap { $0["name"]?.stringValue } == [
                "log_ticket", "call_operator", "clear_fault", "fetch_ticket_data", "fetch_telemetry_data",
            ])
        #expect(tools.allSatisfy { $0["inputSchema"]?["type"] == "object" })
        let calls = try #require(report["calls"]?.arrayValue)
        try #require(calls.count == 5)
        #expect(calls[0]["result"]?["structuredContent"]?["outcome"] == "opened")
        #expect(calls[1]["result"]?["structuredContent"]?["outcome"] == "repeated")
        #expect(calls[1]["result"]?["structuredContent"]?["ticket"]?["occurrences"] == 2)
        let tickets = calls[2]["result"]?["structuredContent"]?["tickets"]?.arrayValue
        #expect(tickets?.count == 1)
        #expect(tickets?.first?["error_code"] == "F42")
        #expect(tickets?.first?["no_runbook"] == true)
        #expect(calls[3]["result"]?["isError"] == true)
        #expect(calls[3]["result"]?["content"]?.arrayValue?.first?["text"] == "error_code is required")
        #expect(calls[4]["error"]?["code"] == -32602)
    }

    @Test("onecall mcp serves the tools on stdio")
    func stdio() async throws {
        let dir = try TestEnvironment.temporaryDirectory()
        let report = try await Self.runClient(
            Self.calls + ["stdio", TestEnvironment.executable.path, "mcp", "--data-dir", dir.path])
        try Self.check(report)
    }

    @Test("beyond loopback /mcp takes any host name and needs the API token")
    func beyondLoopback() async throws {
        let python = try TestEnvironment.requirePeer("python3", install: "apt-get install -y python3")
        var configuration = OneCallConfiguration()
        configuration.dataDirectory = try TestEnvironment.temporaryDirectory().path
        configuration.mqtt.port = 0
        configuration.http.port = 0
        try configuration.set("http.host", "0.0.0.0")
        try configuration.set("http.api_token", "a-token-of-twenty-chars")
        let server = try await RunningServer.start(configuration)
        // An MCP initialize with a Host header that is not loopback, with and without the token.
        let script = """
            import http.client, json, sys
            body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
                "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}})
            for token in ["", "a-token-of-twenty-chars"]:
                c = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]))
                headers = {"Host": "onecall.example.com", "Content-Type": "application/json",
                           "Accept": "application/json, text/event-stream"}
                if token: headers["Authorization"] = "Bearer " + token
                c.request("POST", "/mcp", body, headers)
                print(c.getresponse().status)
            """
        let result = try await TestEnvironment.run(
            python, ["-c", script, "\(server.endpoints.httpPort)"], timeout: 30)
        await server.stop()
        #expect(result.stdout.split(separator: "\n") == ["401", "200"], "\(result.stdout) \(result.stderr)")
    }

    @Test("the server serves the tools at /mcp")
    func streamableHTTP() async throws {
        var configuration = OneCallConfiguration()
        configuration.dataDirectory = try TestEnvironment.temporaryDirectory().path
        configuration.mqtt.port = 0
        configuration.http.port = 0
        let server = try await RunningServer.start(configuration)
        let report: JSONValue
        do {
            report = try await Self.runClient(
                Self.calls + ["http", "http://127.0.0.1:\(server.endpoints.httpPort)/mcp"])
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
        try Self.check(report)
    }
}
