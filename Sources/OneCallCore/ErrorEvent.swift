/// An error reported by a device or another automated input (a monitoring system, an IVR, a CRM):
/// the unit of work that triage takes.
public struct ErrorEvent: Sendable, Hashable {
    /// Where an event came from.
    public enum Source: String, Sendable, Hashable, CaseIterable {
        case mqtt
        case http
        case alertmanager
        case anomaly
        case rule
        /// A tool call by an agent (an LLM or an MCP client).
        case agent
    }

    /// A unique identifier (a UUID string).
    public var id: String
    public var deviceID: String
    public var errorCode: String
    /// When the error happened, in seconds since 1970.
    public var timestamp: Double
    public var receivedAt: Double
    public var source: Source
    /// Anything else the input said, kept as given.
    public var details: JSONObject

    public init(
        id: String, deviceID: String, errorCode: String, timestamp: Double, receivedAt: Double, source: Source,
        details: JSONObject = JSONObject()
    ) {
        self.id = id
        self.deviceID = deviceID
        self.errorCode = errorCode
        self.timestamp = timestamp
        self.receivedAt = receivedAt
        self.source = source
        self.details = details
    }
}
