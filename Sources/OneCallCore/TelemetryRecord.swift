/// One stored reading: which device sent it, when, on which topic, and its whole JSON text.
public struct TelemetryRecord: Sendable, Hashable {
    /// The store's sequence number, assigned on insert (0 before).
    public var sequence: Int64
    public var deviceID: String
    /// When the reading was taken, in seconds since 1970 (the payload's `timestamp`, else arrival).
    public var timestamp: Double
    /// When OneCall received it, in seconds since 1970.
    public var receivedAt: Double
    public var topic: String
    /// The reading's JSON text, as received (or as a rule's SELECT produced it).
    public var payload: [UInt8]

    public init(
        sequence: Int64 = 0, deviceID: String, timestamp: Double, receivedAt: Double, topic: String, payload: [UInt8]
    ) {
        self.sequence = sequence
        self.deviceID = deviceID
        self.timestamp = timestamp
        self.receivedAt = receivedAt
        self.topic = topic
        self.payload = payload
    }
}

/// A message that could not be stored as telemetry, kept with the reason so that nothing is lost.
public struct DeadLetter: Sendable, Hashable {
    public var sequence: Int64
    public var topic: String
    public var clientID: String?
    public var receivedAt: Double
    public var reason: String
    public var payload: [UInt8]

    public init(
        sequence: Int64 = 0, topic: String, clientID: String?, receivedAt: Double, reason: String, payload: [UInt8]
    ) {
        self.sequence = sequence
        self.topic = topic
        self.clientID = clientID
        self.receivedAt = receivedAt
        self.reason = reason
        self.payload = payload
    }
}

/// One bucket of a downsampled series: the aggregate of a numeric field over `[start, start + width)`.
public struct TelemetryBucket: Sendable, Hashable {
    public var start: Double
    public var count: Int
    public var average: Double?
    public var minimum: Double?
    public var maximum: Double?

    public init(start: Double, count: Int, average: Double?, minimum: Double?, maximum: Double?) {
        self.start = start
        self.count = count
        self.average = average
        self.minimum = minimum
        self.maximum = maximum
    }
}
