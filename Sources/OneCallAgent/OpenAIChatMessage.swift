import OneCallCore

/// One message of a chat-completions conversation.
public struct OpenAIChatMessage: Sendable, Hashable {
    /// Who speaks.
    public enum Role: String, Sendable, Hashable {
        case system, user, assistant, tool
    }

    public var role: Role
    /// The text; `nil` for an assistant message that only calls tools.
    public var content: String?
    /// The tool calls of an assistant message.
    public var toolCalls: [OpenAIToolCall]
    /// For a `tool` message, the id of the call it answers.
    public var toolCallID: String?

    public init(role: Role, content: String?, toolCalls: [OpenAIToolCall] = [], toolCallID: String? = nil) {
        self.role = role
        self.content = content
        self.toolCalls = toolCalls
        self.toolCallID = toolCallID
    }

    /// A system message: instructions to the model.
    public static func system(_ content: String) -> OpenAIChatMessage {
        OpenAIChatMessage(role: .system, content: content)
    }

    /// A user message.
    public static func user(_ content: String) -> OpenAIChatMessage {
        OpenAIChatMessage(role: .user, content: content)
    }

    /// The result of the tool call `callID`, as text (usually JSON).
    public static func tool(callID: String, content: String) -> OpenAIChatMessage {
        OpenAIChatMessage(role: .tool, content: content, toolCallID: callID)
    }

    /// The message as the API spells it.
    public var json: JSONValue {
        var object: JSONObject = ["role": .string(role.rawValue)]
        object["content"] = content.map(JSONValue.string) ?? .null
        if !toolCalls.isEmpty { object["tool_calls"] = .array(toolCalls.map(\.json)) }
        if let toolCallID { object["tool_call_id"] = .string(toolCallID) }
        return .object(object)
    }
}
