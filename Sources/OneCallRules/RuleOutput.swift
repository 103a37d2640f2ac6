import OneCallCore

/// What a rule produced for one message: the outgoing payload its actions receive, and the values of
/// its SET variables, which the actions' substitution templates may read.
public struct RuleOutput: Sendable, Hashable {
    /// The outgoing payload: usually a JSON object; any JSON value for `SELECT VALUE`; the raw bytes
    /// for `SELECT *` over a binary payload; empty bytes when `SELECT VALUE` is Undefined (AWS writes
    /// Undefined alone as the empty string).
    public var payload: RulePayload
    /// The SET clause's variables by name (without `@`); a variable that is Undefined is absent.
    public var variables: [String: JSONValue]

    /// Creates an output.
    public init(payload: RulePayload, variables: [String: JSONValue] = [:]) {
        self.payload = payload
        self.variables = variables
    }
}
