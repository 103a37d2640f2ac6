/// Why a telemetry CSV could not be replayed: the line (counting the header as line 1) and the reason.
public struct TelemetryReplayError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The line at which the problem was found (1 for the header).
    public var line: Int
    /// What is wrong.
    public var reason: String

    /// Creates an error for a line.
    public init(line: Int, reason: String) {
        self.line = line
        self.reason = reason
    }

    /// `line N: reason`.
    public var description: String { "line \(line): \(reason)" }
}
