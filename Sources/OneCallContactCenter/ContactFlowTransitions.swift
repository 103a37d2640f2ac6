/// Where a flow goes after an action: the default next action, conditions on the action's result, and error
/// branches.
public struct ContactFlowTransitions: Sendable, Hashable {
    /// A branch taken when the action's result satisfies the condition.
    public struct Condition: Sendable, Hashable {
        /// The action to run next.
        public var nextAction: String
        /// How the result is compared.
        public var comparison: ContactFlowOperator
        /// What the result is compared with; the condition holds when any operand matches.
        public var operands: [String]

        /// A condition branch.
        public init(nextAction: String, comparison: ContactFlowOperator, operands: [String]) {
            self.nextAction = nextAction
            self.comparison = comparison
            self.operands = operands
        }

        /// Whether `value` satisfies this condition.
        public func matches(_ value: String) -> Bool {
            operands.contains { comparison.evaluate(value, $0) }
        }
    }

    /// A branch taken when the action raises an error of a type.
    public struct ErrorBranch: Sendable, Hashable {
        /// The action to run next.
        public var nextAction: String
        /// The error type: `NoMatchingError`, `NoMatchingCondition`, `InputTimeLimitExceeded`, ….
        public var errorType: String

        /// An error branch.
        public init(nextAction: String, errorType: String) {
            self.nextAction = nextAction
            self.errorType = errorType
        }
    }

    /// The action after a success with no condition, if any.
    public var nextAction: String?
    /// Condition branches, tried in order.
    public var conditions: [Condition]
    /// Error branches.
    public var errors: [ErrorBranch]

    /// Transitions from values.
    public init(nextAction: String? = nil, conditions: [Condition] = [], errors: [ErrorBranch] = []) {
        self.nextAction = nextAction
        self.conditions = conditions
        self.errors = errors
    }

    /// The first condition branch that `value` satisfies.
    public func branch(for value: String) -> String? {
        conditions.first { $0.matches(value) }?.nextAction
    }

    /// The branch for `errorType`, falling back to `NoMatchingError` (Connect's catch-all).
    public func branch(forError errorType: String) -> String? {
        if let exact = errors.first(where: { $0.errorType == errorType }) { return exact.nextAction }
        return errors.first(where: { $0.errorType == ContactFlowAction.noMatchingError })?.nextAction
    }

    /// Every action identifier these transitions name.
    public var targets: [String] {
        (nextAction.map { [$0] } ?? []) + conditions.map(\.nextAction) + errors.map(\.nextAction)
    }
}
