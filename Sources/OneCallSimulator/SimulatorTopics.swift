/// The topics a simulated device uses; the defaults are the reference's (DESIGN §2).
public struct SimulatorTopics: Sendable, Hashable {
    /// Where readings go, one JSON object each.
    public var telemetry: String
    /// Where `{"device_name", "error_code", "timestamp"}` goes when an error code appears.
    public var errors: String
    /// The prefix of each device's command topic; the device name follows.
    public var commandPrefix: String
    /// The prefix of each device's shadow topics; `{device}/shadow/…` follows.
    public var shadowPrefix: String

    /// Creates a topic set; the defaults are `aircon/telemetry`, `aircon/errors`,
    /// `aircon/commands/{device}` and `$aws/things/{device}/shadow/…`.
    public init(
        telemetry: String = "aircon/telemetry", errors: String = "aircon/errors",
        commandPrefix: String = "aircon/commands/", shadowPrefix: String = "$aws/things/"
    ) {
        self.telemetry = telemetry
        self.errors = errors
        self.commandPrefix = commandPrefix
        self.shadowPrefix = shadowPrefix
    }

    /// The command topic of a device: `aircon/commands/aircon_1`.
    public func commands(for device: String) -> String { commandPrefix + device }

    /// A shadow topic of a device: `shadow(for: "aircon_1", "update/delta")` is
    /// `$aws/things/aircon_1/shadow/update/delta`.
    public func shadow(for device: String, _ suffix: String) -> String {
        shadowPrefix + device + "/shadow/" + suffix
    }
}
