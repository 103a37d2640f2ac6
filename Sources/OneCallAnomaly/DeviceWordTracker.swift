#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Everything one device's detector keeps about one word field (a state such as a mode or an on/off
/// status): its current value, the distinct values seen (up to a bound, beyond which the field is free
/// text rather than a state) and how often it changes.
struct DeviceWordTracker: Sendable, Hashable {
    /// The field's name.
    let name: String
    /// The current value.
    var text = ""
    /// The current value's hash.
    var current: UInt64 = 0
    /// Whether the field has had a value.
    var hasCurrent = false
    /// Hashes of the distinct values seen; one more than the bound marks the field as free text.
    var values: [UInt64] = []
    /// The rate of changes of value.
    var transitions = MetricRateTracker()
    /// Readings since the value last changed (the current run).
    var run = 0
    /// Completed runs (time between changes) learned from.
    var runs = 0.0
    /// The usual natural logarithm of a run's length in readings.
    var logRunMean = 0.0
    /// The usual absolute deviation of that logarithm.
    var logRunSpread = 0.0
    /// Cumulative evidence (CUSUM, in deviations) that recent runs were shorter than usual.
    var shortRunSum = 0.0
    /// The last completed run's length.
    var lastRun = 0

    init(name: String) {
        self.name = name
    }

    /// Whether the field shows too many distinct values to be a state.
    func isFreeText(maximumValues: Int) -> Bool { values.count > maximumValues }

    /// Whether the field has shown more than one value (and so tells contexts apart).
    func varies(maximumValues: Int) -> Bool { values.count > 1 && values.count <= maximumValues }

    /// Judges a value (adding the strongest evidence to `finding` when `scoring`), then learns from it.
    mutating func observe(
        _ value: String, field: Int, scoring: Bool, maximumValues: Int, novelSurprise: Double, rates: MetricRates,
        finding: inout MetricFinding
    ) {
        let hash = Self.hash(value)
        let changed = hasCurrent && hash != current
        if !isFreeText(maximumValues: maximumValues) && !values.contains(hash) {
            values.append(hash)
            if scoring && hasCurrent && !isFreeText(maximumValues: maximumValues) && novelSurprise > finding.surprise {
                finding = MetricFinding(surprise: novelSurprise, kind: .novelWord, field: field)
            }
        }
        let after = transitions.recent(after: changed, rates: rates)
        let surprise = transitions.surprise(recentAfter: after, rates: rates)
        if scoring && surprise > finding.surprise {
            finding = MetricFinding(
                surprise: surprise, kind: .wordToggling, field: field, detail: after / rates.rate,
                usual: transitions.expectedEvents(rates: rates))
        }
        transitions.learn(event: changed, recentAfter: after, surprise: surprise, rates: rates)
        if !isFreeText(maximumValues: maximumValues) && hasCurrent {
            observeRun(changed: changed, field: field, scoring: scoring, rates: rates, finding: &finding)
        }
        if changed || !hasCurrent { text = value }
        current = hash
        hasCurrent = true
    }

    /// Short states: the lengths of completed runs (readings between changes) are learned on a log
    /// scale, and a CUSUM of how far each run fell short of the usual length (beyond one deviation of
    /// slack) is the evidence that the state flips sooner than it does (short cycling). A run that lasts
    /// as long as usual clears it.
    private mutating func observeRun(
        changed: Bool, field: Int, scoring: Bool, rates: MetricRates, finding: inout MetricFinding
    ) {
        run += 1
        let spread = max(1.25 * logRunSpread, 0.25)
        if changed {
            let length = log(Double(run))
            let deviations = (logRunMean - length) / spread
            if runs >= 8 {
                shortRunSum = max(shortRunSum + deviations - 1, 0)
            }
            // Runs during a suspected episode are learned from ten times more slowly, so that it keeps showing.
            let weight = max(1 / (runs + 1), 0.05) * (deviations > 3 || shortRunSum > 0 ? 0.1 : 1)
            logRunSpread += weight * (min(abs(length - logRunMean), 3 * spread) - logRunSpread)
            logRunMean += weight * (length - logRunMean)
            runs += 1
            lastRun = run
            run = 0
        } else if shortRunSum > 0 && log(Double(run)) > logRunMean {
            shortRunSum = 0
        }
        let surprise = shortRunSum * shortRunSum / 2
        if scoring && surprise > finding.surprise {
            finding = MetricFinding(
                surprise: surprise, kind: .shortStates, field: field, detail: Double(lastRun),
                usual: exp(logRunMean))
        }
    }

    /// FNV-1a of the value's UTF-8 bytes: the same in every process, unlike `Hasher`.
    static func hash(_ value: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in value.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3
        }
        return hash
    }

    /// Approximate bytes held.
    var stateSize: Int {
        MemoryLayout<Self>.stride + 32 + values.capacity * 8 + (name.utf8.count > 15 ? 32 + name.utf8.count : 0)
            + (text.utf8.count > 15 ? 32 + text.utf8.count : 0)
    }
}
