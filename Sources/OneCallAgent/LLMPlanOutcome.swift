/// What the LLM planner produced: a plan, or the reason to use the runbook planner instead.
public enum LLMPlanOutcome: Sendable, Hashable {
    /// The model's plan, after the guard-rails.
    case planned(LLMPlan)
    /// No usable plan; the caller falls back to the deterministic runbook planner.
    case fallback(LLMFallbackReason)

    /// The plan, if there is one.
    public var plan: LLMPlan? {
        if case .planned(let plan) = self { return plan }
        return nil
    }

    /// The fallback reason, if there is one.
    public var fallbackReason: LLMFallbackReason? {
        if case .fallback(let reason) = self { return reason }
        return nil
    }
}
