import OneCallCore

/// One function call the model asked for: `choices[0].message.tool_calls[i]`.
public struct OpenAIToolCall: Sendable, Hashable {
    /// The call's id (`call_…`), used to match a `tool` message with its answer.
    public var id: String
    /// The function's name.
    public var name: String
    /// The arguments, parsed from the JSON string the API sends.
    public var arguments: JSONObject

    public init(id: String, name: String, arguments: JSONObject = JSONObject()) {
        self.id = id
        self.name = name
        self.arguments = arguments
    }

    /// The call as the API spells it, with `arguments` as a JSON string.
    public var json: JSONValue {
        [
            "id": .string(id), "type": "function",
            "function": ["name": .string(name), "arguments": .string(JSONValue.object(arguments).jsonString)],
        ]
    }
}
