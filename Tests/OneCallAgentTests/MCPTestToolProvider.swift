import OneCallAgent
import OneCallCore

/// Three tools for the MCP tests: `echo` answers an object, `add` a number (and checks its
/// arguments), `fail` always throws a `ToolCallError`.
struct MCPTestToolProvider: ToolProvider {
    let definitions: [ToolDefinition] = [
        ToolDefinition(
            name: "echo",
            description: "Returns its text argument.",
            inputSchema: [
                "type": "object",
                "properties": ["text": ["type": "string", "description": "What to echo."]],
                "required": ["text"],
                "additionalProperties": false,
            ]
        ),
        ToolDefinition(
            name: "add",
            description: "Adds two integers.",
            inputSchema: [
                "type": "object",
                "properties": ["a": ["type": "integer"], "b": ["type": "integer", "minimum": -1.5]],
                "required": ["a", "b"],
            ]
        ),
        ToolDefinition(
            name: "fail",
            description: "Always fails, as a tool whose store is down would.",
            inputSchema: ["type": "object", "properties": [:]]
        ),
    ]

    func call(_ name: String, arguments: JSONObject) async throws -> JSONValue {
        switch name {
        case "echo":
            guard let text = arguments["text"]?.stringValue else { throw ToolCallError("text must be a string") }
            return ["echo": .string(text), "length": .int(Int64(text.count)), "nested": ["ok": true, "none": nil]]
        case "add":
            guard let a = arguments["a"]?.intValue, let b = arguments["b"]?.intValue else {
                throw ToolCallError("a and b must be integers")
            }
            return .int(a + b)
        case "fail":
            throw ToolCallError("the ticket store is down", isCallerError: false)
        default:
            throw ToolCallError("no tool \(name)")
        }
    }
}
