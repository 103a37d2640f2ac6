import OneCallCore

/// Whether and which tools the model must call (`tool_choice`).
public enum OpenAIToolChoice: Sendable, Hashable {
    /// The model decides (the API's default when tools are given).
    case auto
    /// The model must not call a tool.
    case none
    /// The model must call at least one tool. Not every compatible server supports it.
    case required
    /// The model must call the named function.
    case function(String)

    /// The value of `tool_choice` in a request.
    public var json: JSONValue {
        switch self {
        case .auto: "auto"
        case .none: "none"
        case .required: "required"
        case .function(let name): ["type": "function", "function": ["name": .string(name)]]
        }
    }
}
