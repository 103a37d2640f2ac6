import OneCallCore

/// What an expression is evaluated against: the message, the current scope (the payload, or an element
/// in a nested SELECT), the SET variables and the limits.
struct RuleContext: Sendable {
    let input: RuleInput
    /// The JSON value that field names refer to; `nil` when the payload is binary.
    var scope: JSONValue?
    /// The SET variables by slot; `nil` is Undefined.
    var variables: [JSONValue?]
    let limits: RuleLimits

    init(input: RuleInput, variables: [JSONValue?], limits: RuleLimits) {
        self.input = input
        self.scope = input.payload.jsonValue
        self.variables = variables
        self.limits = limits
    }

    /// The scope, or ``RuleEvaluationError/Code/payloadNotJSON`` when the payload is binary.
    func requireScope() throws(RuleEvaluationError) -> JSONValue {
        guard let scope else { throw RuleEvaluationError(code: .payloadNotJSON) }
        return scope
    }
}
