extension DeviceAnomalyDetector {
    /// The detector's parameters. Lengths are counted in readings (of one device, or of one device in
    /// one context), which for telemetry every 30 s makes 120 readings an hour.
    public struct Configuration: Sendable, Hashable {
        /// Readings of a device that are only learned from, scoring 0.
        public var warmUpReadings: Int
        /// The most numeric fields tracked per device; further fields are ignored.
        public var maximumNumericFields: Int
        /// The most word fields tracked per device; further fields are ignored.
        public var maximumWordFields: Int
        /// The most contexts (combinations of word values) with baselines of their own; readings in
        /// further contexts are judged against the device's overall baselines.
        public var maximumContexts: Int
        /// The most distinct values a word field may show and still define contexts; a field with
        /// more is free text, not a state, and is only watched for its rate of change.
        public var maximumWordValues: Int
        /// Readings of a context before its own baselines replace the device's overall ones.
        public var contextWarmUpReadings: Int
        /// The half-life of the short-term mean that level shifts and trends are seen in.
        public var recentHalfLife: Double
        /// The half-life of the learned baseline (location, scale, usual drift), once learned.
        public var baselineHalfLife: Double
        /// The half-life with which the envelope of usual values shrinks back toward the baseline.
        public var envelopeHalfLife: Double
        /// The half-life of the short-term rate of state changes (short cycling).
        public var rateHalfLife: Double
        /// The least share of readings that change a metric's value for the metric to count as
        /// continuously varying: only such metrics are watched for drift and for freezing.
        public var minimumChangeShare: Double
        /// The evidence, in standard deviations, that a never-seen value of a word field counts as.
        public var novelWordDeviations: Double
        /// The least score that carries an explanation; lower scores have an empty explanation.
        public var explanationThreshold: Double

        /// Creates a configuration; the defaults suit readings every 30 s (one hour of warm-up).
        public init(
            warmUpReadings: Int = 120, maximumNumericFields: Int = 32, maximumWordFields: Int = 16,
            maximumContexts: Int = 8, maximumWordValues: Int = 8, contextWarmUpReadings: Int = 30,
            recentHalfLife: Double = 60, baselineHalfLife: Double = 1440, envelopeHalfLife: Double = 2880,
            rateHalfLife: Double = 120, minimumChangeShare: Double = 0.3, novelWordDeviations: Double = 4.5,
            explanationThreshold: Double = 0.2
        ) {
            self.warmUpReadings = warmUpReadings
            self.maximumNumericFields = maximumNumericFields
            self.maximumWordFields = maximumWordFields
            self.maximumContexts = maximumContexts
            self.maximumWordValues = maximumWordValues
            self.contextWarmUpReadings = contextWarmUpReadings
            self.recentHalfLife = recentHalfLife
            self.baselineHalfLife = baselineHalfLife
            self.envelopeHalfLife = envelopeHalfLife
            self.rateHalfLife = rateHalfLife
            self.minimumChangeShare = minimumChangeShare
            self.novelWordDeviations = novelWordDeviations
            self.explanationThreshold = explanationThreshold
        }
    }
}
