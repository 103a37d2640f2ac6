/// Why a rule's configuration was refused at start: which rule, which key, and for SQL and templates the
/// line and column. `rule 'errors_to_triage': sql: line 1, column 17: expected FROM, found 'FORM'`.
public struct RuleConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kinds of configuration error.
    public enum Code: String, Sendable, Hashable {
        /// A required key is absent.
        case missingKey = "missing_key"
        /// A key that the schema does not have.
        case unknownKey = "unknown_key"
        /// A value of the wrong type or outside its range.
        case invalidValue = "invalid_value"
        /// A rule name that is not 1 to 128 of `A-Z a-z 0-9 _`.
        case invalidName = "invalid_name"
        /// Two rules with one name.
        case duplicateName = "duplicate_name"
        /// The SQL statement does not parse (``RuleConfigurationError/syntaxError`` says where).
        case invalidSQL = "invalid_sql"
        /// A substitution template does not parse, or its text cannot be a topic.
        case invalidTemplate = "invalid_template"
        /// A template reads an `@variable` that the rule's SET clause does not define.
        case undefinedVariable = "undefined_variable"
        /// `sql_version` names a version other than 2016-03-23.
        case unsupportedSQLVersion = "unsupported_sql_version"
    }

    /// What is wrong.
    public var code: Code
    /// The rule's name, when it has a valid one.
    public var rule: String?
    /// The rule's position in the list, from 0, when it was read from a list.
    public var index: Int?
    /// The key within the rule: `sql`, `actions[0].republish.topic`.
    public var key: String?
    /// Where in the SQL or template the mistake is, for ``Code/invalidSQL`` and ``Code/invalidTemplate``.
    public var syntaxError: RuleSyntaxError?
    /// What is wrong, for a person.
    public var message: String

    /// Creates an error.
    public init(
        code: Code, rule: String? = nil, index: Int? = nil, key: String? = nil, syntaxError: RuleSyntaxError? = nil,
        message: String
    ) {
        self.code = code
        self.rule = rule
        self.index = index
        self.key = key
        self.syntaxError = syntaxError
        self.message = message
    }

    public var description: String {
        var text: String
        if let rule {
            text = "rule '\(rule)'"
        } else if let index {
            text = "rules[\(index)]"
        } else {
            text = "rule"
        }
        if let key { text += ": \(key)" }
        return text + ": " + message
    }

    /// The same error, attributed to a rule.
    func attributed(rule: String?, index: Int?) -> RuleConfigurationError {
        var copy = self
        if copy.rule == nil { copy.rule = rule }
        if copy.index == nil { copy.index = index }
        return copy
    }
}
