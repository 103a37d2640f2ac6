/// The tools an LLM chose for one error, after the guard-rails.
public struct LLMPlan: Sendable, Hashable {
    /// The tools to run, in the model's order, each once; the required tool (`log_ticket`) is
    /// always among them.
    public var tools: [String]
    /// The model's calls that were refused, and why.
    public var rejected: [LLMRejectedToolCall]
    /// Every tool call exactly as the model made it, arguments included.
    public var rawToolCalls: [OpenAIToolCall]
    /// Whether the planner put the required tool first because the model left it out.
    public var insertedRequiredTool: Bool
    /// The model that answered, as the server names it.
    public var model: String
    /// How long the request took.
    public var latency: Duration

    public init(
        tools: [String], rejected: [LLMRejectedToolCall], rawToolCalls: [OpenAIToolCall],
        insertedRequiredTool: Bool, model: String, latency: Duration
    ) {
        self.tools = tools
        self.rejected = rejected
        self.rawToolCalls = rawToolCalls
        self.insertedRequiredTool = insertedRequiredTool
        self.model = model
        self.latency = latency
    }
}
