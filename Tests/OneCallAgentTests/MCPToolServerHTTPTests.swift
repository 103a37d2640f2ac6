import OneCallAgent
import OneCallCore
import Testing

@Suite("MCP Streamable HTTP endpoint, stateless", .timeLimit(.minutes(1)))
struct MCPToolServerHTTPTests {
    let toolServer = MCPToolServer(
        provider: MCPTestToolProvider(), name: "onecall-test", version: "1.0.0",
        configuration: MCPServerConfiguration(maximumMessageBytes: 4096))

    /// A POST as the Python SDK's client sends it.
    private func post(
        _ body: JSONValue, headers extra: [(name: String, value: String)] = [], protocolVersion: String? = "2025-06-18"
    ) -> MCPHTTPRequest {
        post(bytes: body.jsonBytes, headers: extra, protocolVersion: protocolVersion)
    }

    private func post(
        bytes: [UInt8], headers extra: [(name: String, value: String)] = [], protocolVersion: String? = "2025-06-18"
    ) -> MCPHTTPRequest {
        var headers: [(name: String, value: String)] = [
            ("Host", "127.0.0.1:8080"), ("Accept", "application/json, text/event-stream"),
            ("Content-Type", "application/json"),
        ]
        if let protocolVersion { headers.append(("MCP-Protocol-Version", protocolVersion)) }
        let overridden = Set(extra.map { $0.name.lowercased() })
        headers.removeAll { overridden.contains($0.name.lowercased()) }
        return MCPHTTPRequest(method: "POST", headers: headers + extra, body: bytes)
    }

    private func json(_ response: MCPHTTPResponse) throws -> JSONValue {
        try JSONValue(parsing: response.body)
    }

    @Test("initialize, initialized, tools/list and tools/call over POST, each with a fresh server")
    func conversation() async throws {
        let initialize = await toolServer.respond(
            to: post(MCPInMemoryConnection.initialize(id: 1), protocolVersion: nil))
        #expect(initialize.status == 200)
        #expect(initialize.headers["Content-Type"] == "application/json")
        #expect(initialize.headers["MCP-Session-Id"] == nil)
        #expect(try json(initialize)["result"]?["protocolVersion"] == "2025-06-18")

        let initialized = await toolServer.respond(to: post(["jsonrpc": "2.0", "method": "notifications/initialized"]))
        #expect(initialized.status == 202)
        #expect(initialized.body.isEmpty)

        let list = await toolServer.respond(to: post(["jsonrpc": "2.0", "id": 2, "method": "tools/list"]))
        #expect(list.status == 200)
        #expect(try json(list)["result"]?["tools"]?.arrayValue?.map { $0["name"] } == ["echo", "add", "fail"])

        let call = await toolServer.respond(to: post(MCPInMemoryConnection.call(id: 3, "add", ["a": 1, "b": 1])))
        #expect(try json(call)["result"]?["content"] == [["type": "text", "text": "2"]])

        let failure = await toolServer.respond(to: post(MCPInMemoryConnection.call(id: 4, "fail", [:])))
        #expect(failure.status == 200)
        #expect(try json(failure)["result"]?["isError"] == true)

        let unknown = await toolServer.respond(to: post(MCPInMemoryConnection.call(id: 5, "nope", [:])))
        #expect(unknown.status == 200)
        #expect(try json(unknown)["error"]?["code"] == -32602)
        #expect(try json(unknown)["id"] == 5)
    }

    @Test("concurrent clients using the same request id each get their own answer")
    func concurrentClients() async throws {
        try await withThrowingTaskGroup(of: (Int64, JSONValue).self) { group in
            for n in Int64(0)..<8 {
                group.addTask {
                    let response = await toolServer.respond(
                        to: post(MCPInMemoryConnection.call(id: 1, "add", ["a": .int(n), "b": 1000])))
                    return (n, try json(response))
                }
            }
            for try await (n, reply) in group {
                #expect(reply["id"] == 1)
                #expect(reply["result"]?["content"]?.arrayValue?.first?["text"] == .string(String(n + 1000)))
            }
        }
    }

    @Test("GET and DELETE are 405 with Allow: POST")
    func otherMethods() async throws {
        for method in ["GET", "DELETE", "PUT"] {
            let response = await toolServer.respond(
                to: MCPHTTPRequest(method: method, headers: [("Accept", "text/event-stream")]))
            #expect(response.status == 405)
            #expect(response.headers["Allow"] == "POST")
            #expect(try json(response)["error"]?["code"] == -32600)
        }
    }

    @Test("a body over the limit is 413 and is not parsed")
    func tooLarge() async throws {
        let big: JSONValue = MCPInMemoryConnection.call(
            id: 1, "echo", ["text": .string(String(repeating: "x", count: 5000))])
        let response = await toolServer.respond(to: post(big))
        #expect(response.status == 413)
        #expect(try json(response)["id"] == .null)
        #expect(try json(response)["error"]?["code"] == -32600)
    }

    @Test("bad JSON is a parse error with id null; a batch or a scalar is an invalid request")
    func badBodies() async throws {
        let broken = await toolServer.respond(to: post(bytes: Array(#"{"jsonrpc":"2.0","id":1,"#.utf8)))
        #expect(broken.status == 400)
        let error = try json(broken)
        #expect(error["error"]?["code"] == -32700)
        #expect(error.objectValue?.keys.contains("id") == true)
        #expect(error["id"] == .null)

        let empty = await toolServer.respond(to: post(bytes: []))
        #expect(empty.status == 400)
        #expect(try json(empty)["error"]?["code"] == -32700)

        let tooDeep = await toolServer.respond(
            to: post(bytes: Array((String(repeating: "[", count: 100) + String(repeating: "]", count: 100)).utf8)))
        #expect(try json(tooDeep)["error"]?["code"] == -32700)

        let batch = await toolServer.respond(to: post([["jsonrpc": "2.0", "id": 1, "method": "ping"]]))
        #expect(batch.status == 400)
        #expect(try json(batch)["error"]?["code"] == -32600)

        let scalar = await toolServer.respond(to: post("ping"))
        #expect(scalar.status == 400)
    }

    @Test("Accept, Content-Type and MCP-Protocol-Version are checked")
    func headerChecks() async throws {
        let ping: JSONValue = ["jsonrpc": "2.0", "id": 1, "method": "ping"]
        let noJSON = await toolServer.respond(to: post(ping, headers: [("Accept", "text/event-stream")]))
        #expect(noJSON.status == 406)
        let text = await toolServer.respond(to: post(ping, headers: [("Content-Type", "text/plain")]))
        #expect(text.status == 415)
        let future = await toolServer.respond(to: post(ping, protocolVersion: "1999-01-01"))
        #expect(future.status == 400)
        let jsonOnly = await toolServer.respond(to: post(ping, headers: [("accept", "application/json")]))
        #expect(jsonOnly.status == 200)
        let older = await toolServer.respond(to: post(ping, protocolVersion: "2025-03-26"))
        #expect(older.status == 200)
    }

    @Test("Host and Origin outside the allowed lists are refused (DNS rebinding)")
    func rebinding() async throws {
        let ping: JSONValue = ["jsonrpc": "2.0", "id": 1, "method": "ping"]
        let host = await toolServer.respond(to: post(ping, headers: [("Host", "evil.example:8080")]))
        #expect(host.status == 421)
        let origin = await toolServer.respond(to: post(ping, headers: [("Origin", "https://evil.example")]))
        #expect(origin.status == 403)
        let local = await toolServer.respond(
            to: post(ping, headers: [("Host", "localhost"), ("Origin", "http://localhost:3000")]))
        #expect(local.status == 200)

        let open = MCPToolServer(
            provider: MCPTestToolProvider(), name: "open", version: "1",
            configuration: MCPServerConfiguration(allowedHosts: nil, allowedOrigins: nil))
        let anywhere = await open.respond(
            to: post(ping, headers: [("Host", "onecall.example.com"), ("Origin", "https://onecall.example.com")]))
        #expect(anywhere.status == 200)
    }

    @Test("repeated header fields are joined and names match without case")
    func headers() {
        let request = MCPHTTPRequest(
            method: "POST", headers: [("Accept", "application/json"), ("ACCEPT", "text/event-stream")])
        #expect(request.header("accept") == "application/json, text/event-stream")
    }
}
