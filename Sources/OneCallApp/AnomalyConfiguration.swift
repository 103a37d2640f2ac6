/// How readings are scored and when a device's share of abnormal readings raises an anomaly event.
public struct AnomalyConfiguration: Sendable, Hashable {
    /// Whether readings are scored at all.
    public var enabled = true
    /// What marks a reading abnormal: `classifier` (the trained model), `unsupervised` (the
    /// streaming detector's score), or `auto` (the classifier when a model file exists, else the
    /// detector).
    public var detector = "auto"
    /// The classifier's model file; by default `models/anomaly-classifier.json` in the data directory.
    public var modelPath: String?
    /// The evaluation period: the sliding window over which the abnormal share is computed, in seconds.
    public var period = 3600.0
    /// The share of abnormal readings in the period at or above which an event is raised.
    public var threshold = 0.3
    /// The fewest readings in the period before a share counts (one abnormal reading of one is not 100 %).
    public var minimumReadings = 10
    /// The unsupervised score at or above which a reading counts as abnormal.
    public var scoreThreshold = 0.7
    /// The error code of the event raised, as the knowledge base names it.
    public var errorCode = "W1"
    /// The payload members that are labels or identifiers, never features.
    public var ignoredFields = ["wattage_mode", "timestamp", "time_stamp", "device_id", "device_name", "thing_name"]
    /// The most devices tracked; the least recently seen is forgotten beyond it.
    public var maximumDevices = 100_000

    public init() {}

    /// The detector choices.
    public static let detectors = ["auto", "classifier", "unsupervised"]
}
