import OneCallCore

/// Which readings a query wants.
public struct TelemetryQuery: Sendable, Hashable {
    /// A device, or every device when `nil`.
    public var deviceID: String?
    /// The time range `[from, to)`, in seconds since 1970; open ends when `nil`.
    public var from: Double?
    public var to: Double?
    /// At most this many readings.
    public var limit: Int
    /// Newest first when true.
    public var newestFirst: Bool

    public init(
        deviceID: String? = nil, from: Double? = nil, to: Double? = nil, limit: Int = 1000, newestFirst: Bool = false
    ) {
        self.deviceID = deviceID
        self.from = from
        self.to = to
        self.limit = limit
        self.newestFirst = newestFirst
    }
}

/// A downsampling request: one numeric field of a device's readings, averaged, minimised and
/// maximised per bucket of `bucketSeconds`.
public struct TelemetryAggregation: Sendable, Hashable {
    public var deviceID: String
    /// A member of the reading, with `.` between levels of nesting (`state.power`); no `"`.
    public var field: String
    public var from: Double?
    public var to: Double?
    public var bucketSeconds: Double

    public init(deviceID: String, field: String, from: Double? = nil, to: Double? = nil, bucketSeconds: Double) {
        self.deviceID = deviceID
        self.field = field
        self.from = from
        self.to = to
        self.bucketSeconds = bucketSeconds
    }
}

/// Where readings and dead letters are kept.
public protocol TelemetryStore: Sendable {
    /// Stores readings and dead letters in one transaction, and moves each device's `lastSeen`
    /// forward to its newest reading.
    func append(_ records: [TelemetryRecord], deadLetters: [DeadLetter]) async throws

    /// Readings in timestamp order (or newest first), within the query's bounds.
    func readings(_ query: TelemetryQuery) async throws -> [TelemetryRecord]

    /// Readings stored after `sequence`, in the order they were stored, at most `limit`.
    func readings(after sequence: Int64, limit: Int) async throws -> [TelemetryRecord]

    /// The sequence number of the newest stored reading (0 when there is none).
    func latestSequence() async throws -> Int64

    /// Downsampled series of one numeric field; buckets with no numeric value are left out.
    func aggregate(_ aggregation: TelemetryAggregation) async throws -> [TelemetryBucket]

    /// How many readings are stored, for one device or all.
    func readingCount(deviceID: String?) async throws -> Int

    /// Deletes readings and dead letters received before `timestamp`, but no reading after
    /// `sequence` when one is given (readings not yet exported); returns how many readings went.
    func deleteReadings(before timestamp: Double, notAfter sequence: Int64?) async throws -> Int

    /// The newest dead letters first, at most `limit`.
    func deadLetters(limit: Int) async throws -> [DeadLetter]

    /// A value kept by name, such as an exporter's position.
    func checkpoint(_ name: String) async throws -> Int64?

    /// Sets a value kept by name.
    func setCheckpoint(_ name: String, to value: Int64) async throws
}
