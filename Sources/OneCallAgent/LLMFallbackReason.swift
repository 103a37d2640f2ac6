/// Why the LLM planner gave no plan, so that the caller uses the deterministic runbook planner.
public struct LLMFallbackReason: Sendable, Hashable, CustomStringConvertible {
    /// The kind of reason, with a stable name for logs and metrics.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        case timeout
        /// The endpoint answered with an HTTP error status.
        case http
        /// The answer was not what the API documents (bad JSON, missing fields, bad arguments).
        case invalidResponse = "invalid_response"
        /// The answer was larger than allowed.
        case tooLarge = "too_large"
        /// The endpoint could not be reached.
        case network
        /// The request could not be made (configuration or arguments).
        case invalidRequest = "invalid_request"
        /// The caller's task was cancelled.
        case cancelled
        /// The model called no tool, or only tools the guard-rails refused.
        case noUsableToolCalls = "no_usable_tool_calls"
    }

    public var code: Code
    /// A safe explanation (the endpoint's error message, or what was missing).
    public var message: String
    /// The HTTP status, for `http`.
    public var status: Int?
    /// The model's calls refused by the guard-rails, for `noUsableToolCalls`.
    public var rejected: [LLMRejectedToolCall]
    /// How long the attempt took.
    public var latency: Duration

    public init(
        code: Code, message: String, status: Int? = nil, rejected: [LLMRejectedToolCall] = [],
        latency: Duration = .zero
    ) {
        self.code = code
        self.message = message
        self.status = status
        self.rejected = rejected
        self.latency = latency
    }

    /// The reason for a failed request.
    public init(_ error: OpenAIError, latency: Duration) {
        let code: Code =
            switch error.code {
            case .timeout: .timeout
            case .http: .http
            case .invalidResponse: .invalidResponse
            case .tooLarge: .tooLarge
            case .network: .network
            case .invalidRequest: .invalidRequest
            case .cancelled: .cancelled
            }
        self.init(code: code, message: error.message, status: error.status, latency: latency)
    }

    public var description: String {
        let status = self.status.map { " \($0)" } ?? ""
        return "LLM planner fell back (\(code.rawValue)\(status)): \(message)"
    }
}
