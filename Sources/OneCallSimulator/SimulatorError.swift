/// Why the simulator could not start or go on.
public struct SimulatorError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem it is.
    public enum Code: String, Sendable {
        /// A configuration value is out of its range; ``key`` names it.
        case invalidConfiguration = "invalid_configuration"
        /// A device could not make its first connection to the broker; ``key`` names the device.
        case connectionFailed = "connection_failed"
    }

    /// The kind of problem.
    public var code: Code
    /// The configuration key or device concerned.
    public var key: String
    /// What was wrong.
    public var reason: String

    /// Creates an error.
    public init(_ code: Code, key: String, reason: String) {
        self.code = code
        self.key = key
        self.reason = reason
    }

    public var description: String {
        switch code {
        case .invalidConfiguration: "simulator configuration: \(key): \(reason)"
        case .connectionFailed: "simulated device \(key) could not connect: \(reason)"
        }
    }
}
