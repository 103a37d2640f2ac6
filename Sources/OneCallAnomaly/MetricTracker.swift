#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Everything one device's detector keeps about one numeric field: a baseline overall and one per
/// context, the current run of unchanged values, and the rate of jumps between its extremes.
struct MetricTracker: Sendable, Hashable {
    /// The field's name.
    let name: String
    /// The baselines: index 0 overall, index `i` for the device's context `i - 1`.
    var baselines: [MetricBaseline] = [MetricBaseline()]
    /// The previous value.
    var previous = 0.0
    /// Whether there is a previous value.
    var hasPrevious = false
    /// Readings in a row, among those that usually change the value, that repeated it.
    var run = 0
    /// Evidence (nats) of the current run under the usual shares of changing readings.
    var runSurprise = 0.0
    /// The longest such run recently ended, fading slowly.
    var longestRun = 0.0
    /// Whether every value so far was a whole number (the resolution is then 1).
    var integral = true
    /// The rate of jumps across more than half the overall envelope.
    var jumps = MetricRateTracker()

    init(name: String) {
        self.name = name
    }

    /// Judges `value` against what was learned (adding the strongest evidence to `finding` when
    /// `scoring`), then learns from it. `context` is the baseline index of the reading's context, or
    /// 0 when it has none.
    mutating func observe(
        _ value: Double, context: Int, field: Int, scoring: Bool, rates: MetricRates, finding: inout MetricFinding
    ) {
        while baselines.count <= context { baselines.append(MetricBaseline()) }
        let changed = hasPrevious && value != previous
        if integral && value != value.rounded() { integral = false }
        let quantum = integral ? 1.0 : 0.0
        let inContext = context > 0 && baselines[context].count >= rates.contextWarmUp
        let chosen = inContext ? context : 0

        // Level and drift, against the overall baseline and (if different) the context's.
        var overallLevel = 0.0
        var overallDrift = 0.0
        judge(
            value, baseline: 0, quantum: quantum, rates: rates, scoring: scoring && chosen == 0, field: field,
            level: &overallLevel, drift: &overallDrift, finding: &finding)
        var contextLevel = 0.0
        var contextDrift = 0.0
        if context > 0 {
            judge(
                value, baseline: context, quantum: quantum, rates: rates, scoring: scoring && chosen == context,
                field: field, level: &contextLevel, drift: &contextDrift, finding: &finding)
        }

        // Freezing: repeated values where the value usually changes.
        longestRun -= rates.envelope * longestRun
        if changed {
            if run > 0 { longestRun = max(longestRun, min(Double(run), 2 * longestRun + 2)) }
            run = 0
            runSurprise = 0
        } else if hasPrevious {
            let usual = baselines[chosen]
            if usual.count >= rates.contextWarmUp && usual.changeShare >= rates.minimumChangeShare {
                run += 1
                runSurprise -= log(1 - min(usual.changeShare, 0.99))
                let gate = min(max(Double(run) / max(longestRun, 1) - 1, 0), 1)
                let surprise = runSurprise * gate
                if scoring && surprise > finding.surprise {
                    finding = MetricFinding(
                        surprise: surprise, kind: .frozen, field: field, value: value, detail: Double(run),
                        usual: usual.changeShare, inContext: chosen > 0)
                }
            }
        }

        // Toggling: jumps across more than half the overall envelope.
        let overall = baselines[0]
        let range = overall.high - overall.low
        let jump =
            hasPrevious && overall.count >= rates.contextWarmUp && range > quantum
            && abs(value - previous) > 0.5 * range
        let jumpsAfter = jumps.recent(after: jump, rates: rates)
        let jumpSurprise = jumps.surprise(recentAfter: jumpsAfter, rates: rates)
        if scoring && jumpSurprise > finding.surprise {
            finding = MetricFinding(
                surprise: jumpSurprise, kind: .numberToggling, field: field, value: value,
                detail: jumpsAfter / rates.rate, usual: jumps.expectedEvents(rates: rates))
        }
        jumps.learn(event: jump, recentAfter: jumpsAfter, surprise: jumpSurprise, rates: rates)

        baselines[0].learn(
            value, changed: changed, quantum: quantum, levelSurprise: overallLevel, driftDeviations: overallDrift,
            rates: rates)
        if context > 0 {
            baselines[context].learn(
                value, changed: changed, quantum: quantum, levelSurprise: contextLevel,
                driftDeviations: contextDrift, rates: rates)
        }
        previous = value
        hasPrevious = true
    }

    /// Level and drift evidence against one baseline.
    private func judge(
        _ value: Double, baseline index: Int, quantum: Double, rates: MetricRates, scoring: Bool, field: Int,
        level: inout Double, drift: inout Double, finding: inout MetricFinding
    ) {
        let baseline = baselines[index]
        guard baseline.count >= rates.contextWarmUp else { return }
        level = baseline.levelSurprise(value, quantum: quantum)
        if scoring && level > finding.surprise {
            finding = MetricFinding(
                surprise: level, kind: .level, field: field, value: value, low: baseline.low, high: baseline.high,
                inContext: index > 0)
        }
        guard baseline.count >= rates.driftWarmUp, baseline.changeShare >= rates.minimumChangeShare else { return }
        let recent = baseline.recent(after: value, rates: rates)
        let deviation = baseline.driftDeviation(quantum: quantum, rates: rates)
        drift = abs(recent - baseline.center) / deviation
        let surprise = drift * drift / 2
        if scoring && surprise > finding.surprise {
            let lagging = baseline.lagging + rates.lagging * (value - baseline.lagging)
            let lagDifference = (1 - rates.lagging) / rates.lagging - (1 - rates.recent) / rates.recent
            finding = MetricFinding(
                surprise: surprise, kind: .drift, field: field, value: value, low: baseline.center - 2 * deviation,
                high: baseline.center + 2 * deviation, detail: (recent - lagging) / lagDifference, usual: recent,
                inContext: index > 0)
        }
    }

    /// Approximate bytes held, including the baselines' storage.
    var stateSize: Int {
        MemoryLayout<Self>.stride + 32 + baselines.capacity * MemoryLayout<MetricBaseline>.stride
            + (name.utf8.count > 15 ? 32 + name.utf8.count : 0)
    }
}
