import Foundation
import OneCallAgent
import OneCallCore
import Testing

/// The OpenAI client against the local peer that speaks the real API.
@Suite("OpenAI client against the OpenAI peer", .serialized, .timeLimit(.minutes(1))) struct OpenAIClientTests {
    static let tools = [
        ToolDefinition(
            name: "log_ticket", description: "Opens a ticket for the fault.",
            inputSchema: [
                "type": "object", "properties": ["device_id": ["type": "string"], "error_code": ["type": "string"]],
                "required": ["device_id", "error_code"],
            ]),
        ToolDefinition(
            name: "clear_fault", description: "Clears the fault on the device.",
            inputSchema: [
                "type": "object", "properties": ["device_id": ["type": "string"]], "required": ["device_id"],
            ]),
    ]

    static let conversation: [OpenAIChatMessage] = [
        .system("Call the tools."),
        .user("Error code: E2\nDevice: aircon_7\n\nActions: 1. Log a ticket. 2. Clear the fault on the device."),
    ]

    @Test func chatCompletionSendsTheToolsTheKeyAndTheModel() async throws {
        let peer = try OpenAIPeer(["api_key": "sk-test-123", "chat": ["mode": "follow_section"]])
        defer { peer.stop() }
        let response = try await peer.client(apiKey: "sk-test-123").chatCompletion(
            messages: Self.conversation, tools: Self.tools, toolChoice: .auto)

        #expect(response.toolCalls.map(\.name) == ["log_ticket", "clear_fault"])
        #expect(response.toolCalls.map(\.id) == ["call_000", "call_001"])
        #expect(response.toolCalls[0].arguments == ["device_id": "aircon_7", "error_code": "auto"])
        #expect(response.finishReason == "tool_calls")
        #expect(response.model == "test-chat")
        #expect(response.id.hasPrefix("chatcmpl-"))
        #expect(response.content == nil)
        #expect(response.promptTokens ?? 0 > 0)

        let request = try #require(try peer.requests().first)
        #expect(request["method"] == "POST")
        #expect(request["path"] == "/v1/chat/completions")
        #expect(request["authorization"] == "Bearer sk-test-123")
        #expect(request["content_type"] == "application/json")
        let body = try #require(request["body"])
        #expect(body["model"] == "test-chat")
        #expect(body["tool_choice"] == "auto")
        #expect(body["temperature"] == 0)
        #expect(body["messages"] == [["role": "system", "content": "Call the tools."], Self.conversation[1].json])
        #expect(
            body["tools"]?.arrayValue?.first
                == [
                    "type": "function",
                    "function": [
                        "name": "log_ticket", "description": "Opens a ticket for the fault.",
                        "parameters": Self.tools[0].inputSchema,
                    ],
                ])
        #expect(body["tools"]?.arrayValue?.count == 2)
    }

    @Test func noKeyMeansNoAuthorizationHeader() async throws {
        let peer = try OpenAIPeer(["chat": ["mode": "text", "content": "Hello."]])
        defer { peer.stop() }
        let response = try await peer.client().chatCompletion(messages: Self.conversation)
        #expect(response.content == "Hello.")
        #expect(response.toolCalls.isEmpty)
        #expect(response.finishReason == "stop")
        let request = try #require(try peer.requests().first)
        #expect(request["authorization"] == .null)
        #expect(request["body"]?["tools"] == nil)
        #expect(request["body"]?["tool_choice"] == nil)
    }

    @Test func serverErrorCarriesTheServersMessageButNotTheKey() async throws {
        let peer = try OpenAIPeer([
            "chat": ["mode": "error", "status": 500, "message": "The model is overloaded (key sk-secret-9)."]
        ])
        defer { peer.stop() }
        let error = await #expect(throws: OpenAIError.self) {
            try await peer.client(apiKey: "sk-secret-9").chatCompletion(messages: Self.conversation)
        }
        #expect(error?.code == .http(500))
        #expect(error?.status == 500)
        #expect(error?.message == "The model is overloaded (key [redacted]).")
        #expect(error?.description == "OpenAI endpoint answered HTTP 500: The model is overloaded (key [redacted]).")
    }

    @Test(arguments: ["malformed", "missing_choices", "bad_arguments"])
    func invalidChatAnswersAreRefused(mode: String) async throws {
        let peer = try OpenAIPeer(["chat": ["mode": .string(mode)]])
        defer { peer.stop() }
        let error = await #expect(throws: OpenAIError.self) {
            try await peer.client().chatCompletion(messages: Self.conversation, tools: Self.tools)
        }
        #expect(error?.code == .invalidResponse)
    }

    @Test func slowServerTimesOutWithinTheConfiguredTime() async throws {
        let peer = try OpenAIPeer(["chat": ["mode": "follow_section", "delay": 5]])
        defer { peer.stop() }
        let clock = ContinuousClock()
        let start = clock.now
        let error = await #expect(throws: OpenAIError.self) {
            try await peer.client(timeout: .milliseconds(500)).chatCompletion(messages: Self.conversation)
        }
        let elapsed = clock.now - start
        #expect(error?.code == .timeout)
        #expect(elapsed >= .milliseconds(450))
        #expect(elapsed < .seconds(3))
    }

    @Test func oversizedAnswerIsRefused() async throws {
        let peer = try OpenAIPeer(["chat": ["mode": "huge", "size": 300_000]])
        defer { peer.stop() }
        let error = await #expect(throws: OpenAIError.self) {
            try await peer.client(maximumResponseBytes: 64 << 10).chatCompletion(messages: Self.conversation)
        }
        #expect(error?.code == .tooLarge)
    }

    @Test func redirectsAreNotFollowedSoTheKeyStaysPut() async throws {
        let peer = try OpenAIPeer(["chat": ["mode": "redirect"]])
        defer { peer.stop() }
        let error = await #expect(throws: OpenAIError.self) {
            try await peer.client(apiKey: "sk-stay").chatCompletion(messages: Self.conversation)
        }
        #expect(error?.code == .http(307))
        #expect(try peer.requests().count == 1)
    }

    @Test func unreachableServerIsANetworkError() async throws {
        let peer = try OpenAIPeer([:])
        let client = try peer.client()
        peer.stop()
        let error = await #expect(throws: OpenAIError.self) { try await client.chatCompletion(messages: []) }
        #expect(error?.code == .network)
    }

    @Test func embeddingsComeBackOnePerInputInOrder() async throws {
        let inputs = ["compressor failure", "low pressure", "high temperature"]
        let peer = try OpenAIPeer(["api_key": "sk-e", "embeddings": ["mode": "ok", "dimensions": 8]])
        defer { peer.stop() }
        let vectors = try await peer.client(apiKey: "sk-e").embeddings(inputs)
        #expect(vectors.count == 3)
        #expect(vectors.allSatisfy { $0.count == 8 })
        #expect(vectors[0] != vectors[1])

        let request = try #require(try peer.requests().first)
        #expect(request["path"] == "/v1/embeddings")
        #expect(request["authorization"] == "Bearer sk-e")
        #expect(
            request["body"] == [
                "model": "test-embed", "input": ["compressor failure", "low pressure", "high temperature"],
                "encoding_format": "float",
            ])

        // The same inputs answered in reverse order are put back in input order by `index`.
        let reversed = try OpenAIPeer(["api_key": "sk-e", "embeddings": ["mode": "reversed", "dimensions": 8]])
        defer { reversed.stop() }
        #expect(try await reversed.client(apiKey: "sk-e").embeddings(inputs) == vectors)
    }

    @Test(arguments: ["non_numeric", "wrong_count", "ragged", "base64"])
    func badEmbeddingsAreRefused(mode: String) async throws {
        let peer = try OpenAIPeer(["embeddings": ["mode": .string(mode)]])
        defer { peer.stop() }
        let error = await #expect(throws: OpenAIError.self) { try await peer.client().embeddings(["a", "b", "c"]) }
        #expect(error?.code == .invalidResponse)
    }

    @Test func embeddingsNeedAModelAndNoEmptyInput() async throws {
        let peer = try OpenAIPeer([:])
        defer { peer.stop() }
        let withoutModel = try peer.client(embeddingsModel: nil)
        let error = await #expect(throws: OpenAIError.self) { try await withoutModel.embeddings(["a"]) }
        #expect(error?.code == .invalidRequest)
        #expect(try await peer.client().embeddings([]) == [])
        await #expect(throws: OpenAIError.self) { try await peer.client().embeddings(["a", ""]) }
        #expect(try peer.requests().isEmpty)
    }

    @Test func configurationHidesTheKeyAndChecksItsFields() throws {
        let configuration = OpenAIConfiguration(baseURL: "https://api.example.com/v1/", model: "m", apiKey: "sk-hidden")
        #expect(!configuration.description.contains("sk-hidden"))
        #expect(!String(describing: configuration).contains("sk-hidden"))
        var dumped = ""
        dump(configuration, to: &dumped)
        #expect(!dumped.contains("sk-hidden"))
        #expect(configuration.timeout == .seconds(10))
        #expect(configuration.maximumResponseBytes == 4 << 20)
        try configuration.validate()

        let bad: [(OpenAIConfiguration, String)] = [
            (OpenAIConfiguration(baseURL: "ftp://x", model: "m"), "openai.base_url"),
            (OpenAIConfiguration(baseURL: "not a url", model: "m"), "openai.base_url"),
            (OpenAIConfiguration(baseURL: "http://x", model: " "), "openai.model"),
            (OpenAIConfiguration(baseURL: "http://x", model: "m", timeout: .zero), "openai.timeout"),
            (
                OpenAIConfiguration(baseURL: "http://x", model: "m", maximumResponseBytes: 1 << 40),
                "openai.maximum_response_bytes"
            ),
        ]
        for (configuration, key) in bad {
            let error = #expect(throws: OpenAIError.self) { try configuration.validate() }
            #expect(error?.code == .invalidRequest)
            #expect(error?.message.hasPrefix(key) == true)
        }
    }

    @Test func responseParsingAcceptsKnownDeviationsAndRefusesWrongTypes() throws {
        func response(_ message: JSONValue) -> JSONValue {
            [
                "object": "chat.completion",
                "choices": [["index": 0, "message": message, "finish_reason": "tool_calls"]],
            ]
        }
        let lenient = try OpenAIChatResponse(
            parsing: response([
                "role": "assistant",
                "tool_calls": [
                    ["type": "function", "function": ["name": "log_ticket", "arguments": ["device_id": "a"]]],
                    ["id": "c2", "function": ["name": "clear_fault", "arguments": ""]],
                ],
            ]))
        #expect(
            lenient.toolCalls == [
                OpenAIToolCall(id: "call_0", name: "log_ticket", arguments: ["device_id": "a"]),
                OpenAIToolCall(id: "c2", name: "clear_fault"),
            ])
        #expect(lenient.id == "")

        let invalid: [JSONValue] = [
            .null, [:], ["choices": []], ["choices": [1]], ["choices": [["message": "hi"]]],
            ["object": "list", "choices": [["message": ["role": "assistant"]]]],
            ["error": ["message": "quota exceeded"]],
            response(["role": "user", "content": "hi"]),
            response(["role": "assistant", "content": 5]),
            response(["role": "assistant", "tool_calls": "log_ticket"]),
            response(["role": "assistant", "tool_calls": [["function": ["arguments": "{}"]]]]),
            response(["role": "assistant", "tool_calls": [["function": ["name": "", "arguments": "{}"]]]]),
            response(["role": "assistant", "tool_calls": [["function": ["name": "x", "arguments": "[1]"]]]]),
            response(["role": "assistant", "tool_calls": [["function": ["name": "x", "arguments": "{"]]]]),
            response(["role": "assistant", "tool_calls": [["function": ["name": "x", "arguments": 3]]]]),
            response([
                "role": "assistant", "tool_calls": [["type": "code", "function": ["name": "x", "arguments": "{}"]]],
            ]),
            [
                "choices": [["message": ["role": "assistant", "content": "ok"]]],
                "usage": ["prompt_tokens": -1],
            ],
        ]
        for body in invalid {
            #expect(throws: OpenAIError.self, "\(body)") { try OpenAIChatResponse(parsing: body) }
        }
    }
}
