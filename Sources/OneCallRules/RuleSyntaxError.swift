/// Why a rule's SQL or a substitution template was refused, and where: `line 1, column 17: expected FROM`.
///
/// Lines and columns count from 1; a column counts Unicode scalars, so a tab or an `é` is one column.
public struct RuleSyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kinds of syntax error.
    public enum Code: String, Sendable, Hashable {
        /// A token that does not fit the grammar at that point.
        case unexpectedToken = "unexpected_token"
        /// A character that starts no token.
        case invalidCharacter = "invalid_character"
        /// A string literal with no closing quote, or a bad escape in one.
        case invalidString = "invalid_string"
        /// A number literal that cannot be read.
        case invalidNumber = "invalid_number"
        /// A function that AWS IoT SQL does not define, or that OneCall does not provide.
        case unknownFunction = "unknown_function"
        /// A known function called with the wrong number of arguments.
        case wrongArgumentCount = "wrong_argument_count"
        /// A function argument that must be a literal and is not, or is not a value the function knows.
        case invalidArgument = "invalid_argument"
        /// An `@variable` that the SET clause does not define, or defines twice.
        case invalidVariable = "invalid_variable"
        /// The FROM clause is not a valid MQTT topic filter.
        case invalidTopicFilter = "invalid_topic_filter"
        /// The text is longer than ``RuleLimits/maximumSQLBytes``.
        case tooLong = "too_long"
        /// Expressions nest deeper than ``RuleLimits/maximumNestingDepth``.
        case tooDeep = "too_deep"
    }

    /// What kind of problem it is.
    public var code: Code
    /// The line of the offending token, from 1.
    public var line: Int
    /// The column of the offending token, from 1.
    public var column: Int
    /// What is wrong, for a person: `expected FROM`.
    public var message: String

    /// Creates an error at a position.
    public init(code: Code, line: Int, column: Int, message: String) {
        self.code = code
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String { "line \(line), column \(column): \(message)" }
}
