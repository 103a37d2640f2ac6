import OneCallCore

/// Why a command, a shadow setting or a `onecall publish` request was refused. The `message` names
/// the offending action, key or value and what would have been accepted.
public struct AirconCommandError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem it is.
    public enum Code: String, Sendable {
        /// The payload is not JSON, or is over the size or depth limit.
        case invalidJSON = "invalid_json"
        /// The payload is JSON but not an object.
        case notAnObject = "not_an_object"
        /// The object has no string `action`.
        case missingAction = "missing_action"
        /// The action is not one the unit knows.
        case unknownAction = "unknown_action"
        /// The action needs an argument that is missing.
        case missingArgument = "missing_argument"
        /// The argument has the wrong type or a value outside its set or range.
        case invalidArgument = "invalid_argument"
        /// An argument was given to an action that takes none.
        case unexpectedArgument = "unexpected_argument"
        /// A shadow `desired` key the unit does not know.
        case unknownSetting = "unknown_setting"
        /// A device name that cannot be a topic level.
        case invalidDeviceName = "invalid_device_name"
    }

    /// The kind of problem.
    public var code: Code
    /// What was wrong and what is accepted.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "aircon command refused (\(code.rawValue)): \(message)" }

    /// A value quoted for a message, cut short so that a large payload cannot flood a log.
    static func quote(_ text: String) -> String {
        let limit = 40
        return text.count <= limit ? "\"\(text)\"" : "\"\(text.prefix(limit))…\""
    }

    /// A value quoted for a message, whatever its JSON type.
    static func quote(_ value: JSONValue) -> String {
        if let text = value.stringValue { return quote(text) }
        let text = value.jsonString
        return text.count <= 40 ? text : "\(text.prefix(40))…"
    }
}
