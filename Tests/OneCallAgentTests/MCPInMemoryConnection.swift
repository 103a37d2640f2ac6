import Foundation
import MCP
import OneCallAgent
import OneCallCore

/// A started SDK server for an `MCPToolServer` and the client end of an in-memory transport, to
/// which the tests write raw JSON-RPC messages.
struct MCPInMemoryConnection {
    let server: Server
    let client: InMemoryTransport
    private var incoming: AsyncThrowingStream<Data, any Error>.AsyncIterator

    /// Starts a server for `toolServer` on an in-memory transport pair.
    static func start(_ toolServer: MCPToolServer) async throws -> MCPInMemoryConnection {
        let (client, serverEnd) = await InMemoryTransport.createConnectedPair()
        let server = await toolServer.makeServer()
        try await server.start(transport: serverEnd)
        try await client.connect()
        return MCPInMemoryConnection(
            server: server, client: client, incoming: await client.receive().makeAsyncIterator())
    }

    /// Sends `message` (a JSON-RPC request) and returns the next message from the server.
    mutating func request(_ message: JSONValue) async throws -> JSONValue {
        try await client.send(Data(message.jsonBytes))
        guard let reply = try await incoming.next() else { throw MCPError.connectionClosed }
        return try JSONValue(parsing: [UInt8](reply))
    }

    /// Sends `message` (a notification), expecting no answer.
    func notify(_ message: JSONValue) async throws {
        try await client.send(Data(message.jsonBytes))
    }

    /// Stops the server.
    func stop() async {
        await server.stop()
    }

    /// A `tools/call` request.
    static func call(id: Int64, _ name: String, _ arguments: JSONValue? = nil) -> JSONValue {
        var parameters: JSONObject = ["name": .string(name)]
        if let arguments { parameters["arguments"] = arguments }
        return ["jsonrpc": "2.0", "id": .int(id), "method": "tools/call", "params": .object(parameters)]
    }

    /// An `initialize` request for `version`.
    static func initialize(id: Int64, version: String = "2025-06-18") -> JSONValue {
        [
            "jsonrpc": "2.0", "id": .int(id), "method": "initialize",
            "params": [
                "protocolVersion": .string(version), "capabilities": [:],
                "clientInfo": ["name": "onecall-tests", "version": "1"],
            ],
        ]
    }
}
