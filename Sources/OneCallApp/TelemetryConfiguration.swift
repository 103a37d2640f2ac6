/// How readings are batched into the store, how long they are kept, and where they are exported.
public struct TelemetryConfiguration: Sendable, Hashable {
    /// Readings written per transaction, at most.
    public var batchSize = 2000
    /// The longest a reading waits for a batch to fill, in seconds.
    public var flushInterval = 0.05
    /// Readings queued before the pipeline waits (and the broker pauses publishers).
    public var queueCapacity = 20_000
    /// Days a reading is kept after it arrived; 0 keeps readings forever.
    public var retentionDays = 30.0
    /// Whether readings are exported to hourly JSON-lines files.
    public var exportEnabled = true
    /// Seconds between exports.
    public var exportInterval = 60.0
    /// The export root; by default `telemetry` in the data directory.
    public var exportDirectory: String?
    /// The payload members that name the device, tried in order; the publisher's client id is the
    /// last resort.
    public var deviceIDFields = ["device_id", "device_name", "thing_name"]

    public init() {}
}
