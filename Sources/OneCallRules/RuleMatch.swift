/// A rule that a message triggered, and what it produced: the output for its actions, or the failure
/// for its error action. Rules whose WHERE clause did not hold produce no match.
public struct RuleMatch: Sendable {
    /// The rule.
    public let rule: CompiledRule
    /// The output, or why there is none.
    public let result: Result<RuleOutput, RuleEvaluationError>

    /// Creates a match.
    public init(rule: CompiledRule, result: Result<RuleOutput, RuleEvaluationError>) {
        self.rule = rule
        self.result = result
    }

    /// The actions to run: the rule's actions with an output, its error action (if any) with a failure.
    public var actions: [RuleAction] {
        switch result {
        case .success: rule.definition.actions
        case .failure: rule.definition.errorAction.map { [$0] } ?? []
        }
    }
}
