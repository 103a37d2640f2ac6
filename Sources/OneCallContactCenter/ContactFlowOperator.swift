/// A comparison in a flow condition (`Transitions.Conditions[].Condition.Operator`).
public enum ContactFlowOperator: String, Sendable, Hashable, CaseIterable {
    /// The value equals the operand (text comparison; numbers compare by value when both are numbers).
    case equals = "Equals"
    /// Both are numbers and the value is greater.
    case numberGreaterThan = "NumberGreaterThan"
    /// Both are numbers and the value is smaller.
    case numberLessThan = "NumberLessThan"
    /// Both are numbers and the value is greater or equal.
    case numberGreaterOrEqualTo = "NumberGreaterOrEqualTo"
    /// Both are numbers and the value is smaller or equal.
    case numberLessOrEqualTo = "NumberLessOrEqualTo"
    /// The value starts with the operand.
    case textStartsWith = "TextStartsWith"
    /// The value ends with the operand.
    case textEndsWith = "TextEndsWith"
    /// The value contains the operand.
    case textContains = "TextContains"

    /// Whether `value` satisfies the operator against `operand`. Number operators are false when either side is
    /// not a number.
    public func evaluate(_ value: String, _ operand: String) -> Bool {
        switch self {
        case .equals:
            if value == operand { return true }
            if let left = Self.number(value), let right = Self.number(operand) { return left == right }
            return false
        case .numberGreaterThan: return Self.compare(value, operand, >)
        case .numberLessThan: return Self.compare(value, operand, <)
        case .numberGreaterOrEqualTo: return Self.compare(value, operand, >=)
        case .numberLessOrEqualTo: return Self.compare(value, operand, <=)
        case .textStartsWith: return value.hasPrefix(operand)
        case .textEndsWith: return value.hasSuffix(operand)
        case .textContains: return operand.isEmpty || value.contains(operand)
        }
    }

    private static func number(_ text: String) -> Double? {
        let trimmed = text.trimmingSpaces
        guard !trimmed.isEmpty, let number = Double(trimmed), number.isFinite else { return nil }
        return number
    }

    private static func compare(_ value: String, _ operand: String, _ test: (Double, Double) -> Bool) -> Bool {
        guard let left = number(value), let right = number(operand) else { return false }
        return test(left, right)
    }
}
