/// A tool call of the model that the planner's guard-rails refused.
public struct LLMRejectedToolCall: Sendable, Hashable, CustomStringConvertible {
    /// Why the call was refused.
    public enum Reason: String, Sendable, Hashable, CaseIterable {
        /// The guide section does not ask for this tool (e.g. a phone call nobody listed).
        case notAllowed = "not_allowed"
        /// No tool of that name was offered.
        case undefined
        /// The tool was already called earlier in the same answer.
        case duplicate
        /// The answer held more tool calls than the planner considers.
        case overLimit = "over_limit"
    }

    /// The tool name the model used.
    public var tool: String
    public var reason: Reason

    public init(tool: String, reason: Reason) {
        self.tool = tool
        self.reason = reason
    }

    public var description: String { "\(tool) (\(reason.rawValue))" }
}
