/// Counts of LLM planner outcomes, for a caller to keep (in an actor or a mutex) and report.
public struct LLMPlannerStatistics: Sendable, Hashable {
    /// Outcomes with a plan.
    public var planned = 0
    /// Fallbacks, by reason.
    public var fallbacks: [LLMFallbackReason.Code: Int] = [:]
    /// Tool calls refused by the guard-rails, by reason, over all outcomes.
    public var rejectedToolCalls: [LLMRejectedToolCall.Reason: Int] = [:]
    /// Plans in which the planner had to add the required tool.
    public var insertedRequiredTool = 0

    public init() {}

    /// All outcomes recorded.
    public var total: Int { planned + fallbackCount }

    /// All fallbacks, whatever the reason.
    public var fallbackCount: Int { fallbacks.values.reduce(0, +) }

    /// Adds one outcome.
    public mutating func record(_ outcome: LLMPlanOutcome) {
        switch outcome {
        case .planned(let plan):
            planned += 1
            if plan.insertedRequiredTool { insertedRequiredTool += 1 }
            for rejection in plan.rejected { rejectedToolCalls[rejection.reason, default: 0] += 1 }
        case .fallback(let reason):
            fallbacks[reason.code, default: 0] += 1
            for rejection in reason.rejected { rejectedToolCalls[rejection.reason, default: 0] += 1 }
        }
    }
}
