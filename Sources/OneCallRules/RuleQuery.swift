/// A compiled SELECT: the top-level statement (whose source is the message payload) or a nested
/// query (whose source is an expression).
struct RuleQuery: Sendable {
    /// What SELECT produces.
    enum Projection: Sendable {
        /// `SELECT VALUE expression`.
        case value(RuleExpression)
        /// `SELECT item, item, ...`.
        case items([SelectItem])
    }

    /// One item of a SELECT list.
    enum SelectItem: Sendable {
        /// A bare `*`: every member of the payload object.
        case wildcard
        /// `expression [AS a.b]`: the value goes to the key path.
        case named([String], RuleExpression)
    }

    var projection: Projection
    /// The FROM expression of a nested query; `nil` for the statement, whose source is the payload.
    var source: RuleExpression?
    var condition: RuleExpression?
}
