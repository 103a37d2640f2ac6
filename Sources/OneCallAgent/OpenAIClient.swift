import Foundation
import OneCallCore

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A client of an OpenAI-compatible HTTP API: chat completions with tool calling, embeddings and the
/// model list. Every request is bounded in time (`timeout`, start to last byte) and in size
/// (`maximumResponseBytes`); every answer is checked field by field before it is returned.
public struct OpenAIClient: Sendable {
    /// Where to send requests and within which limits.
    public let configuration: OpenAIConfiguration

    /// A client for `configuration`; throws `invalidRequest` naming the bad key if it is invalid.
    public init(configuration: OpenAIConfiguration) throws(OpenAIError) {
        try configuration.validate()
        self.configuration = configuration
    }

    /// Asks the chat model for the next message (`POST /v1/chat/completions`), offering `tools` as
    /// functions. Returns the first choice.
    public func chatCompletion(
        messages: [OpenAIChatMessage], tools: [ToolDefinition] = [], toolChoice: OpenAIToolChoice? = nil
    ) async throws(OpenAIError) -> OpenAIChatResponse {
        let body = Self.chatRequestBody(
            model: configuration.model, messages: messages, tools: tools, toolChoice: toolChoice,
            temperature: configuration.temperature)
        return try OpenAIChatResponse(parsing: try await send("POST", "chat/completions", body: body))
    }

    /// Embeds each string with the embeddings model (`POST /v1/embeddings`); the vectors come back
    /// in the order of `inputs`, all of one dimension. No strings, no request.
    public func embeddings(_ inputs: [String]) async throws(OpenAIError) -> [[Float]] {
        guard let model = configuration.embeddingsModel else {
            throw OpenAIError(.invalidRequest, "openai.embeddings_model is not set")
        }
        guard !inputs.isEmpty else { return [] }
        guard inputs.count <= configuration.maximumEmbeddingInputs else {
            throw OpenAIError(
                .invalidRequest,
                "\(inputs.count) inputs exceed the limit of \(configuration.maximumEmbeddingInputs) per request")
        }
        guard !inputs.contains(where: \.isEmpty) else {
            throw OpenAIError(.invalidRequest, "an input is empty; the API refuses empty strings")
        }
        let body: JSONValue = [
            "model": .string(model), "input": .array(inputs.map(JSONValue.string)), "encoding_format": "float",
        ]
        return try Self.parseEmbeddings(try await send("POST", "embeddings", body: body), count: inputs.count)
    }

    /// The ids of the models the server offers (`GET /v1/models`).
    public func models() async throws(OpenAIError) -> [String] {
        let body = try await send("GET", "models", body: nil)
        guard let data = body["data"]?.arrayValue else {
            throw OpenAIError(.invalidResponse, "data is missing or not an array")
        }
        var ids: [String] = []
        for (index, model) in data.enumerated() {
            guard let id = model["id"]?.stringValue else {
                throw OpenAIError(.invalidResponse, "data[\(index)].id is missing or not a string")
            }
            ids.append(id)
        }
        return ids
    }

    // MARK: - Request bodies and answers

    /// The JSON body of a chat-completions request.
    static func chatRequestBody(
        model: String, messages: [OpenAIChatMessage], tools: [ToolDefinition], toolChoice: OpenAIToolChoice?,
        temperature: Double?
    ) -> JSONValue {
        var body: JSONObject = ["model": .string(model), "messages": .array(messages.map(\.json))]
        if !tools.isEmpty {
            body["tools"] = .array(
                tools.map { tool in
                    [
                        "type": "function",
                        "function": [
                            "name": .string(tool.name), "description": .string(tool.description),
                            "parameters": tool.inputSchema,
                        ],
                    ]
                })
        }
        if let toolChoice { body["tool_choice"] = toolChoice.json }
        if let temperature { body["temperature"] = .double(temperature) }
        return .object(body)
    }

    /// The vectors of an embeddings answer, ordered by `index`; throws `invalidResponse` unless
    /// there are exactly `count` of them, with distinct indices, all of one dimension, every
    /// component a finite number that fits a `Float`.
    static func parseEmbeddings(_ body: JSONValue, count: Int) throws(OpenAIError) -> [[Float]] {
        func invalid(_ message: String) -> OpenAIError { OpenAIError(.invalidResponse, message) }
        guard let root = body.objectValue else { throw invalid("the body is not a JSON object") }
        if let object = root["object"], object != "list" { throw invalid("object is not \"list\"") }
        guard let data = root["data"]?.arrayValue else { throw invalid("data is missing or not an array") }
        guard data.count == count else { throw invalid("\(data.count) embeddings for \(count) inputs") }
        var vectors = [[Float]?](repeating: nil, count: count)
        var dimension: Int?
        for (position, item) in data.enumerated() {
            guard let entry = item.objectValue else { throw invalid("data[\(position)] is not an object") }
            if let object = entry["object"], object != "embedding" {
                throw invalid("data[\(position)].object is not \"embedding\"")
            }
            let index: Int
            if let value = entry["index"] {
                guard let number = value.intValue, number >= 0, number < count else {
                    throw invalid("data[\(position)].index is not an integer in 0..<\(count)")
                }
                index = Int(number)
            } else {
                index = position
            }
            guard vectors[index] == nil else { throw invalid("data[\(position)].index \(index) repeats") }
            guard let components = entry["embedding"]?.arrayValue else {
                throw invalid("data[\(position)].embedding is missing or not an array of numbers")
            }
            guard !components.isEmpty else { throw invalid("data[\(position)].embedding is empty") }
            if let dimension, dimension != components.count {
                throw invalid("data[\(position)].embedding has \(components.count) dimensions, not \(dimension)")
            }
            dimension = components.count
            var vector: [Float] = []
            vector.reserveCapacity(components.count)
            for (offset, component) in components.enumerated() {
                guard let number = component.doubleValue, number.isFinite,
                    abs(number) <= Double(Float.greatestFiniteMagnitude)
                else { throw invalid("data[\(position)].embedding[\(offset)] is not a finite number") }
                vector.append(Float(number))
            }
            vectors[index] = vector
        }
        return vectors.map { $0 ?? [] }
    }

    // MARK: - HTTP

    /// Sends one request and returns the parsed JSON body of a 2xx answer; maps every failure to an
    /// `OpenAIError`.
    func send(_ method: String, _ path: String, body: JSONValue?) async throws(OpenAIError) -> JSONValue {
        guard let url = configuration.endpoint(path) else {
            throw OpenAIError(.invalidRequest, "cannot form a URL from openai.base_url")
        }
        var request = URLRequest(url: url)
        request.httpMethod = method
        // The deadline is enforced by `fetch`. FoundationNetworking truncates a timeout interval to
        // whole seconds (0.5 becomes "time out now"), so URLSession only gets a backstop.
        request.timeoutInterval = (configuration.timeoutSeconds + 1).rounded(.up)
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        if let apiKey = configuration.apiKey, !apiKey.isEmpty {
            request.setValue("Bearer \(apiKey)", forHTTPHeaderField: "Authorization")
        }
        if let body {
            request.httpBody = Data(body.jsonBytes)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let response = try await fetch(request)
        let limits = JSONParseLimits(maximumBytes: configuration.maximumResponseBytes, maximumDepth: 64)
        let parsed = try? JSONValue(parsing: response.body, limits: limits)
        guard (200..<300).contains(response.status) else {
            throw OpenAIError(
                .http(response.status),
                OpenAIError.sanitized(Self.errorMessage(in: parsed), redacting: configuration.apiKey),
                detail: parsed == nil ? excerpt(response.body) : nil)
        }
        guard let parsed else {
            throw OpenAIError(.invalidResponse, "the body is not valid JSON", detail: excerpt(response.body))
        }
        return parsed
    }

    /// The request raced against the deadline.
    private func fetch(_ request: URLRequest) async throws(OpenAIError) -> OpenAIResponseReader.Response {
        let timeout = configuration.timeout
        let limit = configuration.maximumResponseBytes
        do {
            return try await withThrowingTaskGroup(of: OpenAIResponseReader.Response.self) { group in
                group.addTask { try await OpenAIResponseReader.fetch(request, limit: limit) }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    throw OpenAIError(.timeout, "no answer within \(timeout)")
                }
                defer { group.cancelAll() }
                guard let first = try await group.next() else { throw CancellationError() }
                return first
            }
        } catch let error as OpenAIError {
            throw error
        } catch is OpenAIResponseReader.BodyTooLarge {
            throw OpenAIError(.tooLarge, "the answer exceeds \(limit) bytes")
        } catch let error as URLError where error.code == .timedOut {
            throw OpenAIError(.timeout, "no answer within \(timeout)")
        } catch {
            if Task.isCancelled || error is CancellationError || (error as? URLError)?.code == .cancelled {
                throw OpenAIError(.cancelled, "the request was cancelled")
            }
            let host = request.url?.host ?? "the server"
            throw OpenAIError(
                .network, "cannot reach \(host): \(OpenAIError.sanitized(error.localizedDescription, redacting: nil))")
        }
    }

    /// The server's own explanation in an error body: `error.message` (OpenAI), `error` as a
    /// string, `message`, or `detail` (FastAPI-based servers).
    static func errorMessage(in body: JSONValue?) -> String {
        guard let body else { return "no error message" }
        return body["error"]?["message"]?.stringValue ?? body["error"]?.stringValue ?? body["message"]?.stringValue
            ?? body["detail"]?.stringValue ?? "no error message"
    }

    private func excerpt(_ body: [UInt8]) -> String {
        let text = String(decoding: body.prefix(200), as: UTF8.self)
        return "body: " + OpenAIError.sanitized(text, redacting: configuration.apiKey)
    }
}
