import Logging
import MCP
import OneCallCore

/// Serves a `ToolProvider` over the Model Context Protocol with the MCP Swift SDK: `initialize`,
/// `ping`, `tools/list` and `tools/call`, over stdio (`runStdio()`), Streamable HTTP in stateless
/// mode (`respond(to:)`) or any SDK `Transport` (`run(transport:)`).
///
/// A tool result goes back as one text content item holding its compact JSON, plus
/// `structuredContent` when it is an object. A `ToolCallError` becomes a result with
/// `isError: true` and its message, so the model sees it; an unknown tool or malformed
/// `tools/call` parameters are JSON-RPC errors (-32602).
public struct MCPToolServer: Sendable {
    /// The tools served.
    public let provider: any ToolProvider
    /// The server name sent in the `initialize` result.
    public let name: String
    /// The server version sent in the `initialize` result.
    public let version: String
    /// Message limits and HTTP checks.
    public let configuration: MCPServerConfiguration
    let logger: Logger

    /// A server for `provider`, announcing itself as `name` `version`.
    public init(
        provider: any ToolProvider,
        name: String,
        version: String,
        configuration: MCPServerConfiguration = MCPServerConfiguration(),
        logger: Logger = Logger(label: "onecall.mcp")
    ) {
        self.provider = provider
        self.name = name
        self.version = version
        self.configuration = configuration
        self.logger = logger
    }

    /// A new SDK server with this server's handlers registered, not yet started.
    public func makeServer() async -> Server {
        let server = Server(
            name: name,
            version: version,
            capabilities: Server.Capabilities(tools: Server.Capabilities.Tools(listChanged: false))
        )
        await server.withMethodHandler(ListTools.self) { _ in self.listTools() }
        await server.withMethodHandler(ToolCallMethod.self) { parameters in try await self.callTool(parameters) }
        return server
    }

    /// Serves the provider over `transport` until the transport's input ends.
    public func run(transport: any Transport) async throws {
        let server = await makeServer()
        try await server.start(transport: transport)
        await withTaskCancellationHandler {
            await server.waitUntilCompleted()
        } onCancel: {
            // `onCancel` cannot await; the stop it starts ends `waitUntilCompleted` above.
            Task { await server.stop() }
        }
        await server.stop()
    }

    /// The `tools/list` result: every definition, in the provider's order, in one page.
    func listTools() -> ListTools.Result {
        ListTools.Result(
            tools: provider.definitions.map { definition in
                Tool(
                    name: definition.name,
                    description: definition.description,
                    inputSchema: Value(definition.inputSchema)
                )
            }
        )
    }

    /// The `tools/call` result for `parameters` (`{"name": …, "arguments": {…}}`).
    func callTool(_ parameters: Value) async throws -> CallTool.Result {
        guard case .string(let toolName)? = parameters.objectValue?["name"] else {
            throw MCPError.invalidParams("tools/call needs a string 'name'")
        }
        let arguments: JSONObject
        switch parameters.objectValue?["arguments"] {
        case nil, .null?: arguments = JSONObject()
        case .object(let members)?: arguments = JSONObject(members)
        default: throw MCPError.invalidParams("tools/call 'arguments' must be an object")
        }
        guard provider.definitions.contains(where: { $0.name == toolName }) else {
            throw MCPError.invalidParams("Unknown tool: \(toolName)")
        }
        do {
            let result = try await provider.call(toolName, arguments: arguments)
            logger.debug("MCP tool call succeeded", metadata: ["mcp.tool": "\(toolName)"])
            // Not a ternary: `Value` is nil-literal-expressible, so `cond ? nil : Value(…)` would be `.null`.
            var structuredContent: Value?
            if case .object = result { structuredContent = Value(result) }
            return CallTool.Result(
                content: [.text(text: result.jsonString, annotations: nil, _meta: nil)],
                structuredContent: structuredContent
            )
        } catch let error as ToolCallError {
            logger.debug(
                "MCP tool call failed",
                metadata: ["mcp.tool": "\(toolName)", "mcp.caller_error": "\(error.isCallerError)"]
            )
            return CallTool.Result(content: [.text(text: error.message, annotations: nil, _meta: nil)], isError: true)
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            logger.debug("MCP tool call threw", metadata: ["mcp.tool": "\(toolName)", "error": "\(error)"])
            return CallTool.Result(
                content: [.text(text: "The tool \(toolName) failed.", annotations: nil, _meta: nil)],
                isError: true
            )
        }
    }
}

/// `tools/call` with its parameters taken as a plain value, so that malformed parameters get
/// -32602 from `MCPToolServer.callTool` instead of the SDK's decoding error (-32603).
private enum ToolCallMethod: Method {
    static let name = CallTool.name
    typealias Parameters = Value
    typealias Result = CallTool.Result
}
