import OneCallCore

/// A command addressed to one device, ready to publish: what `onecall publish` sends.
///
/// `AirconCommandMessage(device: "aircon_2", action: "inject_fault", argument: "low_pressure")`
/// is `{"action":"inject_fault","fault_type":"low_pressure"}` on `aircon/commands/aircon_2`;
/// ``shadowDesired(device:command:topics:)`` asks for the same through the device's shadow.
public struct AirconCommandMessage: Sendable, Hashable {
    /// The command.
    public var command: AirconCommand
    /// The topic to publish on.
    public var topic: String
    /// The JSON payload.
    public var payload: [UInt8]

    /// A command on the device's command topic.
    public init(device: String, command: AirconCommand, topics: SimulatorTopics = SimulatorTopics())
        throws(AirconCommandError)
    {
        try Self.check(device)
        self.command = command
        self.topic = topics.commands(for: device)
        self.payload = command.json.jsonBytes
    }

    /// A command from an action name and an optional argument, as typed in a shell; the action and
    /// argument are checked as a device would check them.
    public init(device: String, action: String, argument: String?, topics: SimulatorTopics = SimulatorTopics())
        throws(AirconCommandError)
    {
        try self.init(device: device, command: try AirconCommand(action: action, argument: argument), topics: topics)
    }

    /// The same request as a shadow update of `desired` on `$aws/things/{device}/shadow/update`:
    /// `{"state":{"desired":{"error_code":"None"}}}` for `clear_fault`. `disconnect` has no
    /// desired form and is refused.
    public static func shadowDesired(
        device: String, command: AirconCommand, topics: SimulatorTopics = SimulatorTopics()
    )
        throws(AirconCommandError) -> AirconCommandMessage
    {
        try check(device)
        guard let member = command.desiredMember else {
            throw AirconCommandError(.invalidArgument, "\(command.action) can only be sent on the command topic")
        }
        let document: JSONValue = ["state": ["desired": .object(JSONObject([member]))]]
        var message = try AirconCommandMessage(device: device, command: command, topics: topics)
        message.topic = topics.shadow(for: device, "update")
        message.payload = document.jsonBytes
        return message
    }

    private static func check(_ device: String) throws(AirconCommandError) {
        if let problem = SimulatorConfiguration.nameProblem(device) {
            throw AirconCommandError(.invalidDeviceName, problem)
        }
    }
}
