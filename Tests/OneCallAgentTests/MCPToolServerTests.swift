import Foundation
import MCP
import OneCallAgent
import OneCallCore
import Testing

@Suite("MCP tool server, in process", .timeLimit(.minutes(1)))
struct MCPToolServerTests {
    let toolServer = MCPToolServer(provider: MCPTestToolProvider(), name: "onecall-test", version: "9.9.9")

    @Test("initialize negotiates 2025-06-18 and 2025-03-26 and announces tools")
    func initialize() async throws {
        for version in ["2025-06-18", "2025-03-26"] {
            var connection = try await MCPInMemoryConnection.start(toolServer)
            let reply = try await connection.request(MCPInMemoryConnection.initialize(id: 1, version: version))
            await connection.stop()
            #expect(reply["id"] == 1)
            #expect(reply["result"]?["protocolVersion"] == .string(version))
            #expect(reply["result"]?["serverInfo"] == ["name": "onecall-test", "version": "9.9.9"])
            #expect(reply["result"]?["capabilities"]?["tools"] != JSONValue?.none)
        }
    }

    @Test("ping after initialized answers an empty result")
    func ping() async throws {
        var connection = try await MCPInMemoryConnection.start(toolServer)
        _ = try await connection.request(MCPInMemoryConnection.initialize(id: 1))
        try await connection.notify(["jsonrpc": "2.0", "method": "notifications/initialized"])
        let reply = try await connection.request(["jsonrpc": "2.0", "id": "p-1", "method": "ping"])
        await connection.stop()
        #expect(reply == ["jsonrpc": "2.0", "id": "p-1", "result": [:]])
    }

    @Test("tools/list gives every definition in order with its schema intact")
    func listTools() async throws {
        var connection = try await MCPInMemoryConnection.start(toolServer)
        let reply = try await connection.request(["jsonrpc": "2.0", "id": 2, "method": "tools/list"])
        await connection.stop()
        let tools = try #require(reply["result"]?["tools"]?.arrayValue)
        let definitions = MCPTestToolProvider().definitions
        #expect(tools.map { $0["name"] } == definitions.map { .string($0.name) })
        for (tool, definition) in zip(tools, definitions) {
            #expect(tool["description"] == .string(definition.description))
            #expect(tool["inputSchema"] == definition.inputSchema)
        }
        #expect(reply["result"]?["nextCursor"] == JSONValue?.none)
    }

    @Test("a successful call answers its JSON as text, and an object also as structuredContent")
    func callSuccess() async throws {
        var connection = try await MCPInMemoryConnection.start(toolServer)
        let echo = try await connection.request(MCPInMemoryConnection.call(id: 3, "echo", ["text": "hi ✓"]))
        let add = try await connection.request(MCPInMemoryConnection.call(id: 4, "add", ["a": 2, "b": 40]))
        await connection.stop()

        let expected: JSONValue = ["echo": "hi ✓", "length": 4, "nested": ["ok": true, "none": nil]]
        let content = try #require(echo["result"]?["content"]?.arrayValue)
        #expect(content.count == 1)
        #expect(content[0]["type"] == "text")
        #expect(try JSONValue(parsing: try #require(content[0]["text"]?.stringValue)) == expected)
        #expect(echo["result"]?["structuredContent"] == expected)
        #expect(echo["result"]?["isError"] == JSONValue?.none)

        #expect(add["result"]?["content"] == [["type": "text", "text": "42"]])
        #expect(add["result"]?["structuredContent"] == JSONValue?.none)
    }

    @Test("a ToolCallError is a result with isError and the message, not a JSON-RPC error")
    func toolError() async throws {
        var connection = try await MCPInMemoryConnection.start(toolServer)
        let fail = try await connection.request(MCPInMemoryConnection.call(id: 5, "fail", [:]))
        let badArguments = try await connection.request(MCPInMemoryConnection.call(id: 6, "add", ["a": "two"]))
        let noArguments = try await connection.request(MCPInMemoryConnection.call(id: 7, "echo"))
        await connection.stop()
        #expect(fail["error"] == JSONValue?.none)
        #expect(
            fail["result"] == ["content": [["type": "text", "text": "the ticket store is down"]], "isError": true])
        #expect(badArguments["result"]?["isError"] == true)
        #expect(badArguments["result"]?["content"]?.arrayValue?.first?["text"] == "a and b must be integers")
        #expect(noArguments["result"]?["isError"] == true)
    }

    @Test("an unknown tool or malformed parameters are JSON-RPC errors -32602")
    func protocolErrors() async throws {
        var connection = try await MCPInMemoryConnection.start(toolServer)
        let unknown = try await connection.request(MCPInMemoryConnection.call(id: 8, "no_such_tool", [:]))
        let notObject = try await connection.request(MCPInMemoryConnection.call(id: 9, "add", [1, 2]))
        let noName = try await connection.request(
            ["jsonrpc": "2.0", "id": 10, "method": "tools/call", "params": ["arguments": [:]]])
        let noParams = try await connection.request(["jsonrpc": "2.0", "id": 11, "method": "tools/call"])
        let unknownMethod = try await connection.request(["jsonrpc": "2.0", "id": 12, "method": "prompts/list"])
        await connection.stop()
        #expect(unknown["id"] == 8)
        #expect(unknown["error"]?["code"] == -32602)
        #expect(unknown["error"]?["message"]?.stringValue?.contains("Unknown tool: no_such_tool") == true)
        #expect(unknown["result"] == JSONValue?.none)
        for reply in [notObject, noName, noParams] {
            #expect(reply["error"]?["code"] == -32602)
        }
        #expect(unknownMethod["error"]?["code"] == -32601)
    }

    @Test("the SDK's own client lists and calls the tools")
    func sdkClient() async throws {
        let (clientEnd, serverEnd) = await InMemoryTransport.createConnectedPair()
        let server = await toolServer.makeServer()
        try await server.start(transport: serverEnd)
        let client = Client(name: "onecall-tests", version: "1")
        let initialized = try await client.connect(transport: clientEnd)
        #expect(initialized.serverInfo.name == "onecall-test")
        let (tools, _) = try await client.listTools()
        #expect(tools.map(\.name) == ["echo", "add", "fail"])
        #expect(JSONValue(tools[1].inputSchema) == MCPTestToolProvider().definitions[1].inputSchema)
        let result = try await client.callTool(name: "add", arguments: ["a": 1, "b": 2])
        #expect(result.content == [.text(text: "3", annotations: nil, _meta: nil)])
        #expect(result.isError != true)
        let failure = try await client.callTool(name: "fail", arguments: [:])
        #expect(failure.isError == true)
        await client.disconnect()
        await server.stop()
    }
}
