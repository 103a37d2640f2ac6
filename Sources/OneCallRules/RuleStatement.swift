import OneCallCore

/// A rule's SQL statement in the AWS IoT SQL dialect, parsed and compiled once:
/// `[SET @v = e, ...] SELECT ... FROM 'topic/filter' [WHERE condition]`.
///
/// Evaluation follows SQL version 2016-03-23 (the AWS default): SET variables first, then WHERE (the
/// actions run only when it is true), then SELECT. A missing field is Undefined, and an Undefined item is
/// left out of the output object. Whole-number Decimals are processed as Ints.
public struct RuleStatement: Sendable {
    /// The SQL version whose semantics OneCall follows; `sql_version()` returns it.
    public static let sqlVersion = "2016-03-23"

    /// The statement's text, as given.
    public let sql: String
    /// The FROM clause: an MQTT topic filter (`+` and `#` allowed) that selects the messages.
    public let topicFilter: String
    /// The SET clause's variable names (without `@`), in order.
    public let variableNames: [String]
    /// The limits the statement was parsed with and is evaluated under.
    public let limits: RuleLimits

    private let variables: [RuleExpression]
    private let query: RuleQuery

    /// Whether the statement is `SELECT *` (with any SET and WHERE): its output payload is the input
    /// payload unchanged, so the original bytes may be used instead of ``RulePayload/bytes``.
    public var passesPayloadThrough: Bool {
        guard case .items(let items) = query.projection, items.count == 1, case .wildcard = items[0] else {
            return false
        }
        return true
    }

    /// Parses and compiles `sql`; a mistake is reported with its line and column.
    public init(parsing sql: String, limits: RuleLimits = .default) throws(RuleSyntaxError) {
        let bytes = Array(sql.utf8)
        guard bytes.count <= limits.maximumSQLBytes else {
            throw RuleSyntaxError(
                code: .tooLong, line: 1, column: 1,
                message: "statement is \(bytes.count) bytes, over the limit of \(limits.maximumSQLBytes)")
        }
        let statement = try RuleParser.typed {
            var parser = try RuleParser(text: bytes, limits: limits, variableMode: .declared)
            return try parser.parseStatement()
        }
        self.sql = sql
        self.topicFilter = statement.topicFilter
        self.variableNames = statement.variableNames
        self.limits = limits
        self.variables = statement.variables
        self.query = statement.query
    }

    /// Whether a message published to `topic` triggers this statement (MQTT matching: a filter starting
    /// with a wildcard does not match `$` topics).
    public func matches(topic: String) -> Bool { Topic.matches(filter: topicFilter, name: topic) }

    /// Evaluates the statement for one message: the output, or `nil` when WHERE is false or Undefined.
    /// Throws only when the rule cannot run at all for this message (see ``RuleEvaluationError``).
    public func evaluate(_ input: RuleInput) throws(RuleEvaluationError) -> RuleOutput? {
        var context = RuleContext(input: input, variables: [], limits: limits)
        if !variables.isEmpty {
            context.variables.reserveCapacity(variables.count)
            for expression in variables { context.variables.append(try expression.evaluate(context)) }
        }
        guard try query.passes(context) else { return nil }
        let payload: RulePayload
        if case .binary(let bytes) = input.payload, case .items(let items) = query.projection, items.count == 1,
            case .wildcard = items[0]
        {
            payload = .binary(bytes)
        } else if let value = try query.project(context) {
            payload = .json(value)
        } else {
            payload = .binary([])
        }
        var named: [String: JSONValue] = [:]
        for (name, value) in zip(variableNames, context.variables) {
            if let value { named[name] = value }
        }
        return RuleOutput(payload: payload, variables: named)
    }
}
