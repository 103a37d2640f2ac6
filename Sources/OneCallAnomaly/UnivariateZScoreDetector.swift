/// A trailing robust z-score baseline: distance of each value from the median of the preceding window, in MADs.
public struct UnivariateZScoreDetector: UnivariateDetector {
    /// Observations in the trailing window.
    public let window: Int
    /// Observations needed before anything is scored.
    public let warmUp: Int
    private var history: UnivariateRingBuffer
    private var scratch: [Double]

    /// Creates a detector comparing each value with the `window` values before it.
    public init(window: Int = 288, warmUp: Int = 30) {
        self.window = max(window, 3)
        self.warmUp = min(max(warmUp, 3), self.window)
        history = UnivariateRingBuffer(capacity: self.window)
        scratch = []
        scratch.reserveCapacity(self.window)
    }

    /// Scores `value` by its robust z-score against the trailing window, then adds it to the window.
    public mutating func update(timestamp: Double, value: Double) -> AnomalyScore {
        guard value.isFinite else { return .zero }
        defer { history.append(value) }
        guard history.count >= warmUp else { return .zero }
        scratch.removeAll(keepingCapacity: true)
        var lowest = Double.infinity
        var highest = -Double.infinity
        for age in 0..<history.count {
            let past = history[age: age]
            scratch.append(past)
            lowest = min(lowest, past)
            highest = max(highest, past)
        }
        let median = Self.median(&scratch)
        for index in scratch.indices { scratch[index] = abs(scratch[index] - median) }
        let mad = Self.median(&scratch)
        let spread = max(1.4826 * mad, 0.01 * (highest - lowest), 1e-9 * max(abs(median), 1), 1e-12)
        let z = abs(value - median) / spread
        let score = z / (z + 6)
        guard score >= 0.5 else { return AnomalyScore(score) }
        let low = median - 6 * spread
        let high = median + 6 * spread
        return AnomalyScore(score, explanation: UnivariateExplanation.outside(value: value, low: low, high: high))
    }

    /// The median of `values`, which it reorders.
    static func median(_ values: inout [Double]) -> Double {
        values.sort()
        let n = values.count
        return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2
    }

    /// Bytes of heap storage the detector holds (fixed at creation).
    public var stateBytes: Int { MemoryLayout<Self>.size + history.storageBytes + window * MemoryLayout<Double>.stride }
}
