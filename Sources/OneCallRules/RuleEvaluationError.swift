/// Why a rule could not produce its output for one message. A rule's error action receives it.
///
/// Values that merely do not fit (a missing field, a string where a number was expected) are not errors:
/// they evaluate to Undefined, as in AWS IoT. These are the cases where the rule cannot run at all.
public struct RuleEvaluationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kinds of evaluation failure.
    public enum Code: String, Sendable, Hashable {
        /// The statement reads JSON fields but the payload is not JSON (AWS: binary payloads may only be
        /// used with `SELECT *` or with functions that do not read fields).
        case payloadNotJSON = "payload_not_json"
        /// `SELECT *, …` needs a JSON object to add to, and the payload is another JSON value.
        case payloadNotObject = "payload_not_object"
        /// A string or array would grow past ``RuleLimits``.
        case valueTooLarge = "value_too_large"
    }

    /// What went wrong.
    public var code: Code

    /// Creates an error with a code.
    public init(code: Code) { self.code = code }

    public var description: String {
        switch code {
        case .payloadNotJSON: "the statement reads JSON fields but the payload is not JSON"
        case .payloadNotObject: "SELECT * with other items needs a JSON object payload"
        case .valueTooLarge: "a value would exceed the rule limits"
        }
    }
}
