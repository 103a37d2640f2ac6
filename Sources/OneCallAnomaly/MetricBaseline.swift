#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// What one numeric metric of one device usually looks like, in one context or overall, in a fixed
/// number of numbers:
///
/// - a robust location and scale (exponentially weighted, with residuals clipped at three scales —
///   Huber's idea — so that outliers move them little);
/// - an envelope of usual values: the lowest and highest values seen, each relaxing slowly back
///   toward the location, with how often readings exceed it and by how much (the peaks-over-threshold
///   view of a tail: beyond the envelope, the chance of going `d` further falls like `exp(-d / excess)`);
/// - a short-term and a medium-term mean, whose distance from the location shows a level shift and
///   whose difference shows the trend, with the usual spread of that distance;
/// - the share of readings that change the value (for freezing).
struct MetricBaseline: Sendable, Hashable {
    /// Readings learned from.
    var count = 0.0
    /// The location the metric returns to.
    var center = 0.0
    /// The spread around the location (mean absolute deviation × 1.25, which is σ for normal data).
    var scale = 0.0
    /// The envelope's lower bound.
    var low = 0.0
    /// The envelope's upper bound.
    var high = 0.0
    /// The share of readings below the envelope.
    var lowExceedance = 0.0
    /// The share of readings above the envelope.
    var highExceedance = 0.0
    /// How far usual readings beyond the envelope go, on average.
    var excess = 0.0
    /// The short-term mean.
    var recent = 0.0
    /// The medium-term mean.
    var lagging = 0.0
    /// The usual square of the short-term mean's distance from the location.
    var driftVariance = 0.0
    /// The share of readings whose value differs from the previous reading's.
    var changeShare = 0.0

    /// Evidence (in nats, `-ln p`) that `value` lies beyond the usual envelope: the rate of exceeding
    /// it times an exponential tail beyond it.
    func levelSurprise(_ value: Double, quantum: Double) -> Double {
        if value > high {
            let unit = max(excess, unitFloor(quantum: quantum))
            return -log(max(highExceedance, 0.002)) + (value - high) / unit
        }
        if value < low {
            let unit = max(excess, unitFloor(quantum: quantum))
            return -log(max(lowExceedance, 0.002)) + (low - value) / unit
        }
        return 0
    }

    /// The smallest unit a distance is measured in: the metric's resolution, a tenth of its spread, or
    /// a thousandth of its level.
    func unitFloor(quantum: Double) -> Double {
        max(quantum, 0.1 * scale, 1e-3 * abs(center), 1e-9)
    }

    /// The short-term mean once `value` is in it.
    func recent(after value: Double, rates: MetricRates) -> Double {
        recent + max(1 / (count + 1), rates.recent) * (value - recent)
    }

    /// The usual spread of the short-term mean around the location: as learned, but at least what
    /// independent readings would give, and at least a third of the readings' spread (slowly wandering
    /// metrics need days to show their full drift; a shift of a few spreads is what matters).
    func driftDeviation(quantum: Double, rates: MetricRates) -> Double {
        let independent = scale * (rates.recent / (2 - rates.recent)).squareRoot()
        return max(driftVariance.squareRoot(), independent, 0.35 * scale, 0.25 * quantum, 1e-4 * abs(center), 1e-9)
    }

    /// Learns from a reading, given the evidence it was judged with: readings judged anomalous move the
    /// location, the usual drift and the envelope only a little, so that a lasting fault keeps showing.
    mutating func learn(
        _ value: Double, changed: Bool, quantum: Double, levelSurprise: Double, driftDeviations: Double,
        rates: MetricRates
    ) {
        count += 1
        guard count > 1 else {
            center = value
            low = value
            high = value
            recent = value
            lagging = value
            return
        }
        let slow = max(1 / count, rates.baseline)
        let anomalous = levelSurprise > 8
        let weight = driftDeviations > 2 ? 4 / square(driftDeviations) : 1
        let floor = unitFloor(quantum: quantum)
        let residual = value - center
        if count <= rates.contextWarmUp {
            center += slow * residual
            scale += slow * (abs(residual) * 1.25 - scale)
        } else {
            let limit = 3 * max(scale, floor)
            center += slow * weight * min(max(residual, -limit), limit)
            scale += slow * (min(abs(residual) * 1.25, limit) - scale)
        }

        let unit = max(excess, floor)
        if value > high {
            let distance = value - high
            highExceedance += max(1 / count, rates.exceedance) * (1 - highExceedance)
            if anomalous {
                high += min(distance, 0.2 * unit)
            } else {
                high = value
                excess = excess == 0 ? distance : excess + 0.05 * (min(distance, 3 * unit) - excess)
            }
        } else {
            highExceedance -= max(1 / count, rates.exceedance) * highExceedance
            if high > center { high -= rates.envelope * (high - center) }
        }
        if value < low {
            let distance = low - value
            lowExceedance += max(1 / count, rates.exceedance) * (1 - lowExceedance)
            if anomalous {
                low -= min(distance, 0.2 * unit)
            } else {
                low = value
                excess = excess == 0 ? distance : excess + 0.05 * (min(distance, 3 * unit) - excess)
            }
        } else {
            lowExceedance -= max(1 / count, rates.exceedance) * lowExceedance
            if low < center { low += rates.envelope * (center - low) }
        }

        recent += max(1 / count, rates.recent) * (value - recent)
        lagging += max(1 / count, rates.lagging) * (value - lagging)
        let settled = count - 2 / rates.recent
        if settled > 0 {
            let distance = recent - center
            let independent = scale * scale * rates.recent / (2 - rates.recent)
            let cap = 4 * max(driftVariance, independent, floor * floor * rates.recent)
            let learning = max(1 / settled, rates.baseline)
            driftVariance += learning * (min(distance * distance, cap) - driftVariance)
        }
        changeShare += max(1 / count, rates.exceedance) * ((changed ? 1 : 0) - changeShare)
    }

    private func square(_ value: Double) -> Double { value * value }
}
