/// A configuration value that is not valid: the key (or file) and the reason.
public struct ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The configuration key or file the error is about, e.g. `mqtt.port`.
    public var key: String
    /// What is wrong with it.
    public var reason: String

    /// Creates an error.
    public init(key: String, reason: String) {
        self.key = key
        self.reason = reason
    }

    public var description: String { "invalid configuration '\(key)': \(reason)" }
}
