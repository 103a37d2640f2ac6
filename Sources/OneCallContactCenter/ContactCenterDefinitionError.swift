/// Why a contact-center definition (a flow, hours of operation, a queue, a roster) was refused at load.
///
/// The description reads `FILE: ITEM: REASON`; it never repeats phone numbers or other customer data, which go
/// to ``debugDescription`` only.
public struct ContactCenterDefinitionError: Error, Sendable, Hashable, CustomStringConvertible,
    CustomDebugStringConvertible
{
    /// What kind of problem it is.
    public enum Code: String, Sendable, Hashable {
        /// The file could not be read.
        case unreadable = "unreadable"
        /// The text is not JSON.
        case invalidJSON = "invalid_json"
        /// The file, a text or a list is over its limit.
        case tooLarge = "too_large"
        /// A required key is missing.
        case missingKey = "missing_key"
        /// A value has the wrong type or is out of range.
        case invalidValue = "invalid_value"
        /// A flow action has a type that OneCall does not run.
        case unknownActionType = "unknown_action_type"
        /// Two actions (or two definitions) share an identifier or name.
        case duplicateIdentifier = "duplicate_identifier"
        /// `StartAction` or a transition names an action that does not exist.
        case danglingTransition = "dangling_transition"
        /// An action lacks a parameter its type requires.
        case missingParameter = "missing_parameter"
        /// A condition uses an operator that the action does not support.
        case unsupportedOperator = "unsupported_operator"
        /// An error transition names an error the action never raises.
        case unsupportedErrorType = "unsupported_error_type"
        /// A time zone is not a known IANA zone.
        case unknownTimeZone = "unknown_time_zone"
        /// A day is not MONDAY…SUNDAY.
        case invalidDay = "invalid_day"
        /// Hours or minutes are out of range.
        case invalidTime = "invalid_time"
        /// A date is not `YYYY-MM-DD`, or a range ends before it starts.
        case invalidDate = "invalid_date"
        /// A phone number or SIP URI is malformed.
        case invalidDestination = "invalid_destination"
        /// A definition names another (queue, hours, flow) that does not exist.
        case unknownReference = "unknown_reference"
    }

    /// What kind of problem it is.
    public var code: Code
    /// The file the definition came from (or a label such as `<built-in>`).
    public var file: String
    /// The item inside the file: an action identifier, a roster, queue or hours name, a key path.
    public var item: String
    /// Why it was refused, in words that are safe to log.
    public var reason: String
    /// Details that may hold customer data (a phone number), for debug logs only.
    public var detail: String?

    /// An error for `item` in `file`.
    public init(code: Code, file: String, item: String, reason: String, detail: String? = nil) {
        self.code = code
        self.file = file
        self.item = item
        self.reason = reason
        self.detail = detail
    }

    /// `FILE: ITEM: REASON`.
    public var description: String { "\(file): \(item): \(reason)" }

    /// The description plus the code and any detail.
    public var debugDescription: String {
        var text = "\(description) [\(code.rawValue)]"
        if let detail { text += " (\(detail))" }
        return text
    }
}
