import Foundation
import OneCallAgent
import OneCallCore
import Testing

#if canImport(Glibc)
    import Glibc
#endif

@Suite("MCP stdio transport on pipes", .timeLimit(.minutes(1)))
struct MCPStdioTransportTests {
    let toolServer = MCPToolServer(provider: MCPTestToolProvider(), name: "onecall-test", version: "1.0.0")

    /// Serves `lines` (then end of input) through an `MCPStdioTransport` on pipes and returns every
    /// line the server wrote, once it has stopped.
    private func serve(_ lines: [String], maximumBytes: Int = 1 << 20) async throws -> [JSONValue] {
        var input: [Int32] = [0, 0]
        var output: [Int32] = [0, 0]
        #expect(pipe(&input) == 0)
        #expect(pipe(&output) == 0)
        let transport = MCPStdioTransport(
            input: input[0], output: output[1], limits: JSONParseLimits(maximumBytes: maximumBytes))
        async let served: Void = toolServer.run(transport: transport)
        let text = Array(lines.map { $0 + "\n" }.joined().utf8)
        text.withUnsafeBytes { _ = write(input[1], $0.baseAddress!, $0.count) }
        close(input[1])
        try await served
        close(output[1])
        var written: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(output[0], $0.baseAddress!, $0.count) }
            guard count > 0 else { break }
            written += buffer[..<count]
        }
        close(output[0])
        close(input[0])
        return try written.split(separator: UInt8(ascii: "\n")).map { try JSONValue(parsing: $0) }
    }

    @Test("every request written before the input closes is answered, then run returns")
    func drainsBeforeStopping() async throws {
        let replies = try await serve([
            MCPInMemoryConnection.initialize(id: 1).jsonString,
            #"{"jsonrpc":"2.0","method":"notifications/initialized"}"#,
            #"{"jsonrpc":"2.0","id":2,"method":"tools/list"}"#,
            MCPInMemoryConnection.call(id: 3, "echo", ["text": "a"]).jsonString,
            MCPInMemoryConnection.call(id: 4, "fail", [:]).jsonString,
            MCPInMemoryConnection.call(id: 5, "nope").jsonString,
        ])
        #expect(Set(replies.compactMap { $0["id"] }) == [1, 2, 3, 4, 5])
        let byID = Dictionary(uniqueKeysWithValues: replies.map { ($0["id"]!, $0) })
        #expect(byID[3]?["result"]?["structuredContent"]?["echo"] == "a")
        #expect(byID[4]?["result"]?["isError"] == true)
        #expect(byID[5]?["error"]?["code"] == -32602)
    }

    @Test("a line over the limit and a line that is not JSON get errors with id null; serving goes on")
    func refusesBadLines() async throws {
        let replies = try await serve(
            [
                MCPInMemoryConnection.call(id: 1, "echo", ["text": .string(String(repeating: "x", count: 300))])
                    .jsonString,
                "not json",
                #"{"jsonrpc":"2.0","id":2,"method":"ping"}"#,
            ],
            maximumBytes: 200)
        #expect(replies.count == 3)
        #expect(replies.filter { $0["id"] == .null }.map { $0["error"]?["code"] } == [-32600, -32700])
        #expect(replies.contains { $0["id"] == 2 && $0["result"] == [:] })
    }
}
