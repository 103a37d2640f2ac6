import OneCallCore

/// A command to a simulated air conditioner, as sent on `aircon/commands/{device}`
/// (`{"action": "inject_fault", "fault_type": "low_pressure"}`) or as a key of a shadow's `desired`
/// state (`{"setpoint_temperature_c": 22}`).
///
/// Parsing is strict about what it uses: an unknown action, a missing argument or a value outside
/// its set is an ``AirconCommandError``. Members it does not use (a `device_name` or `timestamp`
/// added by the sender) are ignored.
public enum AirconCommand: Sendable, Hashable {
    /// `inject_fault`: the unit starts to show the fault and reports its code.
    case injectFault(AirconFault)
    /// `clear_fault`: the unit goes back to `None` and its readings recover.
    case clearFault
    /// `set_wattage_mode`: normal or abnormally high power draw.
    case setWattageMode(AirconWattageMode)
    /// `update_filter_status`: the filter was cleaned (`Clean`) or is declared dirty or worn out.
    case updateFilterStatus(AirconFilterStatus)
    /// `reset_runtime`: runtime hours start again from 0.
    case resetRuntime
    /// `disconnect`: the device drops its MQTT connection and comes back after a while.
    case disconnect
    /// `set_mode`: cool, off or fan only (an addition to the reference's actions).
    case setMode(AirconMode)
    /// `set_setpoint`: a new setpoint in whole °C (an addition to the reference's actions).
    case setSetpoint(Int)

    /// The largest command payload accepted: 4 KiB, nested at most 8 deep.
    public static let parseLimits = JSONParseLimits(maximumBytes: 4096, maximumDepth: 8)
    /// The setpoints accepted, in °C (the training data has 14 to 24).
    public static let setpointRange = 14...30
    /// The action names, in the order they are documented.
    public static let actionNames = [
        "inject_fault", "clear_fault", "set_wattage_mode", "update_filter_status", "reset_runtime", "disconnect",
        "set_mode", "set_setpoint",
    ]
    /// The shadow `desired` keys the unit acts on.
    public static let desiredKeys = [
        "error_code", "wattage_mode", "filter_status", "runtime_hours", "mode", "setpoint_temperature_c",
    ]

    /// Parses a command payload (a JSON object with an `action`).
    public init(parsing payload: some Collection<UInt8>) throws(AirconCommandError) {
        let value: JSONValue
        do {
            value = try JSONValue(parsing: payload, limits: Self.parseLimits)
        } catch {
            throw AirconCommandError(.invalidJSON, error.description)
        }
        try self.init(json: value)
    }

    /// Reads a command from a parsed payload.
    public init(json: JSONValue) throws(AirconCommandError) {
        guard let object = json.objectValue else {
            throw AirconCommandError(.notAnObject, "a command is a JSON object with an \"action\"")
        }
        guard let actionValue = object["action"] else {
            throw AirconCommandError(.missingAction, "the command has no \"action\"")
        }
        guard let action = actionValue.stringValue else {
            throw AirconCommandError(.missingAction, "\"action\" must be a string")
        }
        guard let key = Self.argumentKey(of: action) else {
            throw AirconCommandError(
                .unknownAction,
                "unknown action \(AirconCommandError.quote(action)); expected one of "
                    + Self.actionNames.joined(separator: ", "))
        }
        guard let key else {
            self = try Self.withoutArgument(action)
            return
        }
        guard let argument = object[key] else {
            throw AirconCommandError(.missingArgument, "\(action) needs \"\(key)\"")
        }
        self = try Self.withArgument(action, key: key, value: argument)
    }

    /// Builds a command from an action name and an optional textual argument, as typed in a shell:
    /// `inject_fault high_temperature`, `set_wattage_mode abnormal`, `set_setpoint 22`.
    public init(action: String, argument: String?) throws(AirconCommandError) {
        guard let key = Self.argumentKey(of: action) else {
            throw AirconCommandError(
                .unknownAction,
                "unknown action \(AirconCommandError.quote(action)); expected one of "
                    + Self.actionNames.joined(separator: ", "))
        }
        guard let key else {
            if let argument {
                throw AirconCommandError(
                    .unexpectedArgument, "\(action) takes no argument, got \(AirconCommandError.quote(argument))")
            }
            self = try Self.withoutArgument(action)
            return
        }
        guard let argument else {
            throw AirconCommandError(.missingArgument, "\(action) needs a \(key) argument")
        }
        var value = JSONValue.string(argument)
        if key == "setpoint_temperature_c" {
            guard let number = Double(argument) else {
                throw AirconCommandError(
                    .invalidArgument,
                    "setpoint_temperature_c must be a number, got \(AirconCommandError.quote(argument))")
            }
            value = .double(number)
        }
        self = try Self.withArgument(action, key: key, value: value)
    }

    /// Reads one key of a shadow's `desired` state as a command: `error_code` `"None"` clears the
    /// fault and a code injects it, `runtime_hours` `0` resets the runtime, and `wattage_mode`,
    /// `filter_status`, `mode` and `setpoint_temperature_c` set those values.
    public init(desiredKey key: String, value: JSONValue) throws(AirconCommandError) {
        switch key {
        case "error_code":
            guard let text = value.stringValue, let code = AirconErrorCode(rawValue: text) else {
                throw Self.notOneOf(key, value, AirconErrorCode.allCases.map(\.rawValue))
            }
            self = code.fault.map { .injectFault($0) } ?? .clearFault
        case "runtime_hours":
            guard value.intValue == 0 else {
                throw AirconCommandError(
                    .invalidArgument, "runtime_hours can only be set to 0, got \(AirconCommandError.quote(value))")
            }
            self = .resetRuntime
        case "wattage_mode": self = try Self.withArgument("set_wattage_mode", key: key, value: value)
        case "filter_status": self = try Self.withArgument("update_filter_status", key: key, value: value)
        case "mode": self = try Self.withArgument("set_mode", key: key, value: value)
        case "setpoint_temperature_c": self = try Self.withArgument("set_setpoint", key: key, value: value)
        default:
            throw AirconCommandError(
                .unknownSetting,
                "unknown desired key \(AirconCommandError.quote(key)); expected one of "
                    + Self.desiredKeys.joined(separator: ", "))
        }
    }

    /// The action name, as in the `action` member.
    public var action: String {
        switch self {
        case .injectFault: "inject_fault"
        case .clearFault: "clear_fault"
        case .setWattageMode: "set_wattage_mode"
        case .updateFilterStatus: "update_filter_status"
        case .resetRuntime: "reset_runtime"
        case .disconnect: "disconnect"
        case .setMode: "set_mode"
        case .setSetpoint: "set_setpoint"
        }
    }

    /// The command as a payload object: `{"action": …}` plus its argument.
    public var json: JSONValue {
        var object: JSONObject = ["action": .string(action)]
        switch self {
        case .injectFault(let fault): object["fault_type"] = .string(fault.rawValue)
        case .setWattageMode(let mode): object["wattage_mode"] = .string(mode.rawValue)
        case .updateFilterStatus(let status): object["filter_status"] = .string(status.rawValue)
        case .setMode(let mode): object["mode"] = .string(mode.rawValue)
        case .setSetpoint(let value): object["setpoint_temperature_c"] = .int(Int64(value))
        case .clearFault, .resetRuntime, .disconnect: break
        }
        return .object(object)
    }

    /// The shadow `desired` member that asks for this command, or `nil` for `disconnect`, which
    /// only the command topic carries.
    public var desiredMember: JSONObject.Member? {
        switch self {
        case .injectFault(let fault): .init(key: "error_code", value: .string(fault.errorCode.rawValue))
        case .clearFault: .init(key: "error_code", value: .string(AirconErrorCode.none.rawValue))
        case .setWattageMode(let mode): .init(key: "wattage_mode", value: .string(mode.rawValue))
        case .updateFilterStatus(let status): .init(key: "filter_status", value: .string(status.rawValue))
        case .resetRuntime: .init(key: "runtime_hours", value: .int(0))
        case .setMode(let mode): .init(key: "mode", value: .string(mode.rawValue))
        case .setSetpoint(let value): .init(key: "setpoint_temperature_c", value: .int(Int64(value)))
        case .disconnect: nil
        }
    }

    // MARK: Parsing

    /// The argument key of an action: `nil` for an unknown action, `.some(nil)` for one without.
    private static func argumentKey(of action: String) -> String?? {
        switch action {
        case "inject_fault": "fault_type"
        case "set_wattage_mode": "wattage_mode"
        case "update_filter_status": "filter_status"
        case "set_mode": "mode"
        case "set_setpoint": "setpoint_temperature_c"
        case "clear_fault", "reset_runtime", "disconnect": .some(nil)
        default: nil
        }
    }

    private static func withoutArgument(_ action: String) throws(AirconCommandError) -> AirconCommand {
        switch action {
        case "clear_fault": return .clearFault
        case "reset_runtime": return .resetRuntime
        case "disconnect": return .disconnect
        default: throw AirconCommandError(.unknownAction, "unknown action \(AirconCommandError.quote(action))")
        }
    }

    /// The value as one of an enumeration's cases, or an error listing them.
    private static func oneOf<Value: RawRepresentable & CaseIterable>(
        _ type: Value.Type, _ key: String, _ value: JSONValue
    ) throws(AirconCommandError) -> Value where Value.RawValue == String {
        guard let result = value.stringValue.flatMap(Value.init(rawValue:)) else {
            throw notOneOf(key, value, Value.allCases.map(\.rawValue))
        }
        return result
    }

    private static func withArgument(_ action: String, key: String, value: JSONValue) throws(AirconCommandError)
        -> AirconCommand
    {
        switch action {
        case "inject_fault": return .injectFault(try oneOf(AirconFault.self, key, value))
        case "set_wattage_mode": return .setWattageMode(try oneOf(AirconWattageMode.self, key, value))
        case "update_filter_status": return .updateFilterStatus(try oneOf(AirconFilterStatus.self, key, value))
        case "set_mode": return .setMode(try oneOf(AirconMode.self, key, value))
        case "set_setpoint":
            let range = setpointRange
            guard let number = value.doubleValue, number.isFinite,
                Double(range.lowerBound) - 0.5 <= number, number < Double(range.upperBound) + 0.5
            else {
                throw AirconCommandError(
                    .invalidArgument,
                    "\(key) must be a number from \(range.lowerBound) to \(range.upperBound), got "
                        + AirconCommandError.quote(value))
            }
            return .setSetpoint(Int(number.rounded()))
        default:
            throw AirconCommandError(.unknownAction, "unknown action \(AirconCommandError.quote(action))")
        }
    }

    private static func notOneOf(_ key: String, _ value: JSONValue, _ accepted: [String]) -> AirconCommandError {
        AirconCommandError(
            .invalidArgument,
            "\(key) must be one of \(accepted.joined(separator: ", ")), got \(AirconCommandError.quote(value))")
    }
}
