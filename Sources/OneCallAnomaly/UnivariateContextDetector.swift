/// OneCall's streaming detector: novelty of the recent shape at several time scales, against bounded memories.
///
/// For each time scale a ``UnivariateContextMemory`` reports how novel the newest context is compared with the
/// largest novelty of the recent past (a ratio r). The detector takes the largest ratio over scales, maps it to
/// r / (r + 1), and reports it only when it beats every earlier score of the suppression period, each faded
/// linearly with its age; otherwise it reports 0. So one event yields one early detection, and a much stronger
/// event can still be reported soon after a weaker one.
public struct UnivariateContextDetector: UnivariateDetector {
    /// Tunable settings.
    public struct Configuration: Sendable, Hashable {
        /// Observations per block at each time scale.
        public var scales = [1, 4]
        /// Blocks in one context (the recent shape compared with memory).
        public var contextLength = 9
        /// Contexts kept in memory per scale.
        public var memory = 1000
        /// Comparable contexts needed per scale before it scores.
        public var minimumMemory = 300
        /// Observations over which raw novelty is normalised (its running maximum).
        public var normalizationWindow = 400
        /// Observations over which an earlier score fades and suppresses later, lower ones.
        public var suppression = 500

        /// The defaults.
        public init() {}
    }

    /// The settings in use.
    public let configuration: Configuration
    private var low = Double.infinity
    private var high = -Double.infinity
    private var memories: [UnivariateContextMemory]
    private var peaks: UnivariateRingBuffer

    /// Creates a detector with `configuration`.
    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        memories = configuration.scales.map {
            UnivariateContextMemory(
                scale: $0, length: configuration.contextLength, capacity: configuration.memory,
                window: configuration.normalizationWindow, minimumMemory: configuration.minimumMemory)
        }
        peaks = UnivariateRingBuffer(capacity: configuration.suppression)
    }

    /// Scores `value` against what came before, then learns it.
    public mutating func update(timestamp: Double, value: Double) -> AnomalyScore {
        guard value.isFinite else { return .zero }
        let expectedLow = low
        let expectedHigh = high
        low = min(low, value)
        high = max(high, value)
        let range = max(high - low, 1e-9 * max(abs(high), 1), 1e-12)
        var ratio = 0.0
        for index in memories.indices { ratio = max(ratio, memories[index].update(value, range: range)) }
        let score = ratio / (ratio + 1)
        var previousPeak = 0.0
        let span = Double(peaks.capacity)
        for age in 0..<peaks.count {
            previousPeak = max(previousPeak, peaks[age: age] * (1 - Double(age) / span))
        }
        peaks.append(score)
        guard score > previousPeak else { return .zero }
        guard score >= 0.5 else { return AnomalyScore(score) }
        if value < expectedLow || value > expectedHigh {
            return AnomalyScore(
                score, explanation: UnivariateExplanation.outside(value: value, low: expectedLow, high: expectedHigh))
        }
        let explanation =
            "value \(UnivariateExplanation.format(value)) within "
            + "\(UnivariateExplanation.format(expectedLow))…\(UnivariateExplanation.format(expectedHigh)), "
            + "but the recent pattern is the most unusual in \(configuration.normalizationWindow) observations"
        return AnomalyScore(score, explanation: explanation)
    }

    /// Bytes of state held (fixed at creation; does not grow with the series).
    public var stateBytes: Int {
        MemoryLayout<Self>.size + peaks.storageBytes + memories.reduce(0) { $0 + $1.storageBytes }
            + memories.count * MemoryLayout<UnivariateContextMemory>.stride
    }
}
