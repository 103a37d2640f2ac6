import OneCallCore

/// The first choice of a chat completion (`POST /v1/chat/completions`), checked field by field.
public struct OpenAIChatResponse: Sendable, Hashable {
    /// The most tool calls accepted in one answer; more is an invalid response.
    public static let maximumToolCalls = 128

    /// The completion's id (`chatcmpl-…`); empty when the server sent none.
    public var id: String
    /// The model that answered, as the server names it; empty when the server sent none.
    public var model: String
    /// The assistant's text, if any.
    public var content: String?
    /// The functions the assistant asked to call, in order.
    public var toolCalls: [OpenAIToolCall]
    /// Why generation stopped: `tool_calls`, `stop`, `length`, … (`nil` when not sent).
    public var finishReason: String?
    /// Tokens in the prompt, when the server reports usage.
    public var promptTokens: Int?
    /// Tokens generated, when the server reports usage.
    public var completionTokens: Int?

    public init(
        id: String, model: String, content: String?, toolCalls: [OpenAIToolCall], finishReason: String?,
        promptTokens: Int? = nil, completionTokens: Int? = nil
    ) {
        self.id = id
        self.model = model
        self.content = content
        self.toolCalls = toolCalls
        self.finishReason = finishReason
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
    }

    /// The answer as an assistant message, to append to the conversation.
    public var message: OpenAIChatMessage {
        OpenAIChatMessage(role: .assistant, content: content, toolCalls: toolCalls)
    }

    /// Reads a `chat.completion` object; any field of the wrong type, a missing `choices` or
    /// `message`, or tool-call arguments that are not a JSON object throw `invalidResponse`.
    ///
    /// Two deviations seen on compatible servers are accepted: a missing tool-call `id` (one is
    /// made up from the position) and `arguments` sent as an object or as an empty string.
    public init(parsing body: JSONValue) throws(OpenAIError) {
        func invalid(_ message: String) -> OpenAIError { OpenAIError(.invalidResponse, message) }
        guard let root = body.objectValue else { throw invalid("the body is not a JSON object") }
        if let error = root["error"], !error.isNull {
            let message = error["message"]?.stringValue ?? "no message"
            throw invalid("the body is an error: \(OpenAIError.sanitized(message, redacting: nil))")
        }
        if let object = root["object"], object != "chat.completion" {
            throw invalid(
                "object is \(object.stringValue.map { "\"\($0)\"" } ?? "not a string"), not \"chat.completion\"")
        }
        let id = try Self.optionalString(root["id"], "id") ?? ""
        let model = try Self.optionalString(root["model"], "model") ?? ""
        guard let choices = root["choices"] else { throw invalid("choices is missing") }
        guard let choiceList = choices.arrayValue else { throw invalid("choices is not an array") }
        guard let choice = choiceList.first else { throw invalid("choices is empty") }
        guard let choiceObject = choice.objectValue else { throw invalid("choices[0] is not an object") }
        guard let message = choiceObject["message"]?.objectValue else {
            throw invalid("choices[0].message is missing or not an object")
        }
        if let role = message["role"], role != "assistant" {
            throw invalid("choices[0].message.role is not \"assistant\"")
        }
        let content = try Self.optionalString(message["content"], "choices[0].message.content")
        let finishReason = try Self.optionalString(choiceObject["finish_reason"], "choices[0].finish_reason")
        var toolCalls: [OpenAIToolCall] = []
        if let calls = message["tool_calls"], !calls.isNull {
            guard let list = calls.arrayValue else { throw invalid("choices[0].message.tool_calls is not an array") }
            guard list.count <= Self.maximumToolCalls else {
                throw invalid("\(list.count) tool calls exceed the limit of \(Self.maximumToolCalls)")
            }
            for (index, call) in list.enumerated() {
                toolCalls.append(try Self.toolCall(call, path: "choices[0].message.tool_calls[\(index)]", index: index))
            }
        }
        var promptTokens: Int?
        var completionTokens: Int?
        if let usage = root["usage"], !usage.isNull {
            guard usage.objectValue != nil else { throw invalid("usage is not an object") }
            promptTokens = try Self.optionalCount(usage["prompt_tokens"], "usage.prompt_tokens")
            completionTokens = try Self.optionalCount(usage["completion_tokens"], "usage.completion_tokens")
        }
        self.init(
            id: id, model: model, content: content, toolCalls: toolCalls, finishReason: finishReason,
            promptTokens: promptTokens, completionTokens: completionTokens)
    }

    private static func toolCall(_ value: JSONValue, path: String, index: Int) throws(OpenAIError) -> OpenAIToolCall {
        func invalid(_ message: String) -> OpenAIError { OpenAIError(.invalidResponse, "\(path)\(message)") }
        guard let call = value.objectValue else { throw invalid(" is not an object") }
        if let type = call["type"], type != "function" { throw invalid(".type is not \"function\"") }
        let id = try optionalString(call["id"], path + ".id") ?? "call_\(index)"
        guard let function = call["function"]?.objectValue else {
            throw invalid(".function is missing or not an object")
        }
        guard let name = function["name"]?.stringValue, !name.isEmpty else {
            throw invalid(".function.name is missing or not a non-empty string")
        }
        let arguments: JSONObject
        switch function["arguments"] {
        case .string(let text):
            if text.allSatisfy(\.isWhitespace) {
                arguments = JSONObject()
            } else {
                let parsed: JSONValue
                do {
                    parsed = try JSONValue(parsing: text)
                } catch {
                    throw invalid(".function.arguments is not valid JSON: \(error.description)")
                }
                guard let object = parsed.objectValue else { throw invalid(".function.arguments is not a JSON object") }
                arguments = object
            }
        case .object(let object):
            arguments = object
        case nil, .null?:
            throw invalid(".function.arguments is missing")
        default:
            throw invalid(".function.arguments is not a string")
        }
        return OpenAIToolCall(id: id, name: name, arguments: arguments)
    }

    /// A string member that may be absent or `null`.
    static func optionalString(_ value: JSONValue?, _ path: String) throws(OpenAIError) -> String? {
        switch value {
        case nil, .null?: return nil
        case .string(let text)?: return text
        default: throw OpenAIError(.invalidResponse, "\(path) is not a string")
        }
    }

    /// A non-negative integer member that may be absent or `null`.
    static func optionalCount(_ value: JSONValue?, _ path: String) throws(OpenAIError) -> Int? {
        guard let value, !value.isNull else { return nil }
        guard let count = value.intValue, count >= 0, count <= Int64(Int32.max) else {
            throw OpenAIError(.invalidResponse, "\(path) is not a non-negative integer")
        }
        return Int(count)
    }
}
