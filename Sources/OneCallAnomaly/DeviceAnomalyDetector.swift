#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Learns what is normal for one device, online, and scores each reading.
///
/// Field names are data: the detector tracks whichever numeric and word fields the device's readings
/// carry (up to ``Configuration/maximumNumericFields`` and ``Configuration/maximumWordFields``, first
/// seen first), and its state does not grow with time.
///
/// How a reading is judged, using only earlier readings of the device:
/// - Context: the combination of the device's word fields (a mode, a compressor status) selects a
///   context; each numeric field keeps a baseline per context (up to ``Configuration/maximumContexts``)
///   beside its overall one, so that a fan speed is compared with what the fan does with the
///   compressor running, not overall. A young context borrows the overall baseline.
/// - Level: a value beyond the envelope of usual values (recent extremes, relaxing slowly) is as
///   unlikely as the envelope is rarely exceeded, times an exponential tail in units of its usual
///   exceedances (peaks over threshold).
/// - Drift: for fields that usually vary, a short-term mean away from the robust baseline by more than
///   its learned spread (a slow leak, a weak fan); the trend of the short-term mean is reported.
/// - Freezing: for fields that usually vary, a run of identical values under the learned share of
///   changing readings (geometric tail), once longer than the longest recent run.
/// - Toggling: state changes of a word field, or jumps of a number across its range, counted over a
///   short window against the learned rate (Poisson tail): short cycling.
/// - Short states: runs of a word field's value (readings between changes) much shorter than its
///   learned run lengths, accumulated over consecutive runs (CUSUM): short cycling, seen in minutes.
/// - Novelty: a word value never seen before on the device.
///
/// Each detector gives evidence `-ln p`; the strongest becomes the score,
/// `1 - exp(-((z - 3) / 2)²)` for the equivalent normal deviation `z = √(2 · evidence)` above 3,
/// with its explanation. The first ``Configuration/warmUpReadings`` readings score 0.
public struct DeviceAnomalyDetector: Sendable {
    /// The parameters.
    public let configuration: Configuration
    private let rates: MetricRates
    private let novelSurprise: Double
    private var metrics: [MetricTracker] = []
    private var words: [DeviceWordTracker] = []
    private var contexts: [UInt64] = []
    private var lastTimestamp = 0.0
    private var interval = 0.0
    /// The readings seen.
    public private(set) var readings = 0

    /// Creates a detector that has seen nothing.
    public init(configuration: Configuration = .init()) {
        self.configuration = configuration
        rates = MetricRates(configuration)
        novelSurprise = configuration.novelWordDeviations * configuration.novelWordDeviations / 2
    }

    /// The usual time between readings, in seconds (0 until two readings were seen).
    public var readingInterval: Double { interval }

    /// Scores a reading (using only earlier readings) and learns from it.
    public mutating func update(_ reading: TelemetryReading) -> AnomalyScore {
        readings += 1
        if readings > 1, reading.timestamp > lastTimestamp {
            let gap = reading.timestamp - lastTimestamp
            interval = interval == 0 ? gap : interval + 0.02 * (min(gap, 10 * interval) - interval)
        }
        if readings == 1 || reading.timestamp > lastTimestamp { lastTimestamp = reading.timestamp }
        let scoring = readings > configuration.warmUpReadings
        if reading.words.count > words.count && words.count < configuration.maximumWordFields {
            addWords(of: reading)
        }
        if reading.numbers.count > metrics.count && metrics.count < configuration.maximumNumericFields {
            addMetrics(of: reading)
        }

        var finding = MetricFinding()
        var key: UInt64 = 0x9e37_79b9_7f4a_7c15
        var present = 0
        for index in words.indices {
            guard let value = reading.words[words[index].name] else { continue }
            present += 1
            words[index].observe(
                value, field: index, scoring: scoring, maximumValues: configuration.maximumWordValues,
                novelSurprise: novelSurprise, rates: rates, finding: &finding)
            if !words[index].isFreeText(maximumValues: configuration.maximumWordValues) {
                key = (key ^ (words[index].current &+ UInt64(index))) &* 0x0000_0100_0000_01b3
            }
        }
        if present < reading.words.count && words.count < configuration.maximumWordFields { addWords(of: reading) }
        let context = contextIndex(for: key)

        present = 0
        for index in metrics.indices {
            guard let value = reading.numbers[metrics[index].name] else { continue }
            present += 1
            metrics[index].observe(
                value, context: context, field: index, scoring: scoring, rates: rates, finding: &finding)
        }
        if present < reading.numbers.count && metrics.count < configuration.maximumNumericFields {
            addMetrics(of: reading)
        }

        guard scoring, finding.surprise > 0 else { return .zero }
        let z = (2 * finding.surprise).squareRoot()
        guard z > 3 else { return .zero }
        let excess = (z - 3) / 2
        let score = AnomalyScore(1 - exp(-excess * excess))
        guard score.value >= configuration.explanationThreshold else { return score }
        return AnomalyScore(score.value, explanation: explanation(of: finding))
    }

    /// Approximate bytes of state (for the benchmark).
    public var stateSize: Int {
        var size = MemoryLayout<Self>.stride + 3 * 32 + contexts.capacity * 8
        for metric in metrics { size += metric.stateSize }
        for word in words { size += word.stateSize }
        return size
    }

    // MARK: Fields and contexts

    /// Starts tracking the reading's untracked fields, in name order (so that the same readings give
    /// the same state), up to the bound.
    private mutating func addMetrics(of reading: TelemetryReading) {
        let known = Set(metrics.map(\.name))
        for name in reading.numbers.keys.sorted() where !known.contains(name) {
            guard metrics.count < configuration.maximumNumericFields else { return }
            metrics.append(MetricTracker(name: name))
        }
    }

    private mutating func addWords(of reading: TelemetryReading) {
        let known = Set(words.map(\.name))
        for name in reading.words.keys.sorted() where !known.contains(name) {
            guard words.count < configuration.maximumWordFields else { return }
            words.append(DeviceWordTracker(name: name))
        }
    }

    /// The baseline index of a context (1 up), adding it if there is room, or 0 when there is none.
    private mutating func contextIndex(for key: UInt64) -> Int {
        if let index = contexts.firstIndex(of: key) { return index + 1 }
        guard contexts.count < configuration.maximumContexts else { return 0 }
        contexts.append(key)
        return contexts.count
    }

    // MARK: Explaining

    private func explanation(of finding: MetricFinding) -> String {
        switch finding.kind {
        case .level:
            let metric = metrics[finding.field]
            let side = finding.value > finding.high ? "above" : "below"
            return "\(metric.name) \(MetricFormat.number(finding.value)) \(side) expected "
                + "\(range(finding.low, finding.high))\(contextText(finding.inContext))"
        case .drift:
            let metric = metrics[finding.field]
            let side = finding.usual > finding.high ? "above" : "below"
            var text =
                "\(metric.name) \(MetricFormat.number(finding.value)) \(side) expected "
                + "\(range(finding.low, finding.high))\(contextText(finding.inContext)) (recent mean "
                + "\(MetricFormat.number(finding.usual))"
            if interval > 0 {
                let perHour = finding.detail * 3600 / interval
                text += ", \(perHour < 0 ? "falling" : "rising") \(MetricFormat.number(abs(perHour)))/h"
            }
            return text + ")"
        case .frozen:
            let metric = metrics[finding.field]
            var text = "\(metric.name) stuck at \(MetricFormat.number(finding.value)) for \(Int(finding.detail) + 1) "
            text += "readings"
            if interval > 0 { text += " (\(duration(finding.detail * interval)))" }
            return text + ", usually changes in \(percent(finding.usual)) of readings\(contextText(finding.inContext))"
        case .numberToggling:
            return "\(metrics[finding.field].name) jumped \(perHour(finding.detail)), usually about "
                + "\(perHour(max(finding.usual - 1, 0)))"
        case .wordToggling:
            return "\(words[finding.field].name) changed \(perHour(finding.detail)), usually about "
                + "\(perHour(max(finding.usual - 1, 0)))"
        case .shortStates:
            return "\(words[finding.field].name) changed after \(readingsText(finding.detail)), usually after "
                + "\(readingsText(finding.usual))"
        case .novelWord:
            let word = words[finding.field]
            return "\(word.name) \(word.text) not seen before on this device"
        }
    }

    /// "a…b", or "a" when both ends read the same.
    private func range(_ low: Double, _ high: Double) -> String {
        let lowText = MetricFormat.number(low)
        let highText = MetricFormat.number(high)
        return lowText == highText ? lowText : "\(lowText)…\(highText)"
    }

    /// " with mode cool, compressor_status On": the current values of the word fields that tell this
    /// device's contexts apart.
    private func contextText(_ inContext: Bool) -> String {
        guard inContext else { return "" }
        let parts = words.filter { $0.varies(maximumValues: configuration.maximumWordValues) }.map {
            "\($0.name) \($0.text)"
        }
        return parts.isEmpty ? "" : " with " + parts.joined(separator: ", ")
    }

    /// A count of events in the short-term window as a rate per hour (or per window without timing).
    private func perHour(_ events: Double) -> String {
        guard interval > 0 else { return "\(MetricFormat.number(events)) times in \(Int(1 / rates.rate)) readings" }
        let hours = interval / rates.rate / 3600
        return "\(MetricFormat.number(events / hours)) times/h"
    }

    /// A number of readings, with the time they take when the interval is known.
    private func readingsText(_ count: Double) -> String {
        let text = "\(MetricFormat.number(count)) readings"
        return interval > 0 ? text + " (\(duration(count * interval)))" : text
    }

    private func percent(_ share: Double) -> String { "\(MetricFormat.number(share * 100))%" }

    private func duration(_ seconds: Double) -> String {
        if seconds < 120 { return "\(Int(seconds.rounded())) s" }
        if seconds < 7200 { return "\(Int((seconds / 60).rounded())) min" }
        return "\(MetricFormat.number(seconds / 3600)) h"
    }
}
