#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The update weights of the detector's exponentially weighted estimators, computed once from the
/// configuration's half-lives (a weight `a` makes an observation count half as much `h` updates later
/// when `(1 - a)^h = 1/2`).
struct MetricRates: Sendable, Hashable {
    /// The short-term mean's weight.
    let recent: Double
    /// The medium-term mean's weight, four times slower (with the short-term mean it gives the trend).
    let lagging: Double
    /// The baseline's weight.
    let baseline: Double
    /// How fast the envelope shrinks back toward the baseline, per reading.
    let envelope: Double
    /// The weight of the exceedance rates and of the share of readings that change a value.
    let exceedance: Double
    /// The short-term rate of state changes' weight.
    let rate: Double
    /// Readings of a context before its own baselines are used.
    let contextWarmUp: Double
    /// Readings of a context before drift is judged: the short-term mean and its usual spread must
    /// have been seen over a few of its half-lives.
    let driftWarmUp: Double
    /// The least share of changing readings for a metric to count as continuously varying.
    let minimumChangeShare: Double

    init(_ configuration: DeviceAnomalyDetector.Configuration) {
        recent = Self.weight(halfLife: configuration.recentHalfLife)
        lagging = Self.weight(halfLife: configuration.recentHalfLife * 4)
        baseline = Self.weight(halfLife: configuration.baselineHalfLife)
        envelope = Self.weight(halfLife: configuration.envelopeHalfLife)
        exceedance = Self.weight(halfLife: configuration.envelopeHalfLife / 4)
        rate = Self.weight(halfLife: configuration.rateHalfLife)
        contextWarmUp = Double(max(configuration.contextWarmUpReadings, 2))
        driftWarmUp = max(configuration.recentHalfLife * 12, contextWarmUp)
        minimumChangeShare = configuration.minimumChangeShare
    }

    /// The weight with the given half-life, in updates (at least one).
    static func weight(halfLife: Double) -> Double {
        guard halfLife.isFinite, halfLife > 1 else { return 0.5 }
        return 1 - exp2(-1 / halfLife)
    }
}
