import OneCallCore

/// A tool that the triage agent, an LLM planner or an external MCP client may call: a name, what
/// it does, and the JSON Schema of its arguments.
public struct ToolDefinition: Sendable, Hashable {
    public var name: String
    public var description: String
    /// A JSON Schema object (`{"type": "object", "properties": {…}, "required": […]}`).
    public var inputSchema: JSONValue

    public init(name: String, description: String, inputSchema: JSONValue) {
        self.name = name
        self.description = description
        self.inputSchema = inputSchema
    }
}

/// Why a tool call failed. `isCallerError` tells a caller's mistake (unknown tool, bad arguments,
/// no such ticket) from a failure of the tool itself (a store or a peer that is down).
public struct ToolCallError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public var isCallerError: Bool

    public init(_ message: String, isCallerError: Bool = true) {
        self.message = message
        self.isCallerError = isCallerError
    }

    public var description: String { message }
}

/// A set of tools with one entry point, served alike in-process, over MCP and to an LLM planner.
public protocol ToolProvider: Sendable {
    /// The tools, in a stable order.
    var definitions: [ToolDefinition] { get }

    /// Calls the tool `name` with `arguments` (validated by the provider against its schema) and
    /// returns its JSON result, or throws `ToolCallError`.
    func call(_ name: String, arguments: JSONObject) async throws -> JSONValue
}
