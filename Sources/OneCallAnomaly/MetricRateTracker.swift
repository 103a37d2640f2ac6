#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// How often something happens (a state change of a word field, a jump of a toggling number): a
/// short-term rate, the usual rate and the highest short-term rate recently seen, compared as counts
/// of a Poisson process over the short-term window.
struct MetricRateTracker: Sendable, Hashable {
    /// Readings seen.
    var count = 0.0
    /// The short-term share of readings with an event.
    var recent = 0.0
    /// The usual share of readings with an event.
    var usual = 0.0
    /// The highest short-term share recently seen while the rate looked usual, fading slowly.
    var peak = 0.0

    /// What the short-term window holds once this reading is in it.
    func recent(after event: Bool, rates: MetricRates) -> Double {
        recent + max(1 / (count + 1), rates.rate) * ((event ? 1 : 0) - recent)
    }

    /// The count of events expected in a short-term window: the usual rate, or half the recent peak,
    /// plus one event of slack so that rare events do not alarm by being a little less rare.
    func expectedEvents(rates: MetricRates) -> Double {
        max(usual, 0.5 * peak) / rates.rate + 1
    }

    /// Evidence (nats) that the short-term window holds more events than usual: the Chernoff bound of
    /// the Poisson upper tail, `k ln(k/λ) - k + λ`.
    func surprise(recentAfter: Double, rates: MetricRates) -> Double {
        guard count >= 2 / rates.rate else { return 0 }
        let observed = recentAfter / rates.rate
        let expected = expectedEvents(rates: rates)
        guard observed > expected else { return 0 }
        return observed * log(observed / expected) - observed + expected
    }

    /// Learns from a reading; an unusual rate is learned from ten times more slowly.
    mutating func learn(event: Bool, recentAfter: Double, surprise: Double, rates: MetricRates) {
        count += 1
        recent = recentAfter
        let unusual = surprise > 4
        usual += max(1 / count, rates.baseline) * (unusual ? 0.1 : 1) * ((event ? 1 : 0) - usual)
        peak -= rates.envelope * peak
        if surprise < 0.5 && count >= 2 / rates.rate { peak = max(peak, recentAfter) }
    }
}
