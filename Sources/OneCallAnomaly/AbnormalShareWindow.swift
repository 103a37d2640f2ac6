/// The share of a device's readings that were abnormal over a sliding evaluation period, and when
/// it crosses the threshold. Readings are counted in a fixed number of time buckets, so memory is
/// the same whatever the reading rate; the window is exact to one bucket (a 120th of the period by
/// default: 30 s of an hour).
public struct AbnormalShareWindow: Sendable, Hashable {
    /// The period, the threshold and the resolution.
    public struct Configuration: Sendable, Hashable {
        /// The evaluation period, in seconds.
        public var period: Double
        /// The share at or above which the window crosses.
        public var threshold: Double
        /// The fewest readings in the period before a share counts.
        public var minimumReadings: Int
        /// The number of buckets the period is divided into.
        public var buckets: Int

        public init(period: Double = 3600, threshold: Double = 0.3, minimumReadings: Int = 10, buckets: Int = 120) {
            self.period = max(period, 1e-3)
            self.threshold = threshold
            self.minimumReadings = max(1, minimumReadings)
            self.buckets = min(max(buckets, 1), 10_000)
        }
    }

    /// What a reading changed.
    public enum Transition: Sendable, Hashable {
        case none
        /// The share reached the threshold: the abnormal readings began at `start` (the first one
        /// still in the window) and the crossing reading was taken at `end`.
        case crossed(start: Double, end: Double)
        /// The share fell below the threshold again.
        case recovered
    }

    private struct Bucket: Sendable, Hashable {
        var index = Int64.min
        var total = 0
        var abnormal = 0
        var firstAbnormal = Double.infinity
    }

    public let configuration: Configuration
    private var buckets: [Bucket]
    private var newest = Int64.min
    /// Whether the share is at or above the threshold now (after a crossing, until a recovery).
    public private(set) var isAbove = false
    /// Readings too old for the window when they arrived, ignored.
    public private(set) var lateReadings = 0

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        self.buckets = Array(repeating: Bucket(), count: configuration.buckets)
    }

    private var width: Double { configuration.period / Double(configuration.buckets) }

    /// Readings in the window.
    public var readings: Int { tally().total }
    /// Abnormal readings in the window.
    public var abnormalReadings: Int { tally().abnormal }
    /// The abnormal share of the readings in the window (0 when empty).
    public var share: Double {
        let (total, abnormal, _) = tally()
        return total > 0 ? Double(abnormal) / Double(total) : 0
    }
    /// When the first abnormal reading still in the window was taken.
    public var firstAbnormal: Double? {
        let first = tally().first
        return first.isFinite ? first : nil
    }

    /// The window's totals, in one pass over the buckets.
    private func tally() -> (total: Int, abnormal: Int, first: Double) {
        guard newest != Int64.min else { return (0, 0, .infinity) }
        let oldest = newest - Int64(configuration.buckets) + 1
        var total = 0
        var abnormal = 0
        var first = Double.infinity
        for bucket in buckets where bucket.index >= oldest {
            total += bucket.total
            abnormal += bucket.abnormal
            first = min(first, bucket.firstAbnormal)
        }
        return (total, abnormal, first)
    }

    /// Counts a reading taken at `timestamp` and says whether the window crossed or recovered.
    public mutating func add(timestamp: Double, abnormal: Bool) -> Transition {
        guard timestamp.isFinite else { return .none }
        let index = Int64((timestamp / width).rounded(.down))
        let count = Int64(configuration.buckets)
        if newest != Int64.min && index <= newest - count {
            lateReadings += 1
            return .none
        }
        newest = max(newest, index)
        let slot = Int(((index % count) + count) % count)
        if buckets[slot].index != index { buckets[slot] = Bucket(index: index) }
        buckets[slot].total += 1
        if abnormal {
            buckets[slot].abnormal += 1
            buckets[slot].firstAbnormal = min(buckets[slot].firstAbnormal, timestamp)
        }
        let (total, abnormalCount, first) = tally()
        let above =
            total >= configuration.minimumReadings
            && Double(abnormalCount) >= configuration.threshold * Double(total)
        switch (isAbove, above) {
        case (false, true):
            isAbove = true
            return .crossed(start: first.isFinite ? first : timestamp, end: timestamp)
        case (true, false):
            isAbove = false
            return .recovered
        default:
            return .none
        }
    }
}
