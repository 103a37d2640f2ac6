import Testing

@testable import OneCallAnomaly

/// A small seeded generator (SplitMix64) so the synthetic series are the same on every run.
private struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// What to inject into the synthetic series at `anomalyStart`.
private enum Injection {
    case spike, levelShift, varianceChange
}

/// A daily-like sine (period 96) plus Gaussian-ish noise, with one injected anomaly at 2000.
private func syntheticSeries(_ injection: Injection?, count: Int = 3000, seed: UInt64 = 7) -> [Double] {
    var generator = SeededGenerator(state: seed)
    var series: [Double] = []
    for index in 0..<count {
        let phase = Double(index % 96) / 96
        let wave = 50 + 20 * triangle(phase)
        var noise = 0.0
        for _ in 0..<4 { noise += Double.random(in: -1...1, using: &generator) }
        var value = wave + 1.5 * noise
        switch injection {
        case .spike where index == anomalyStart: value += 60
        case .levelShift where index >= anomalyStart: value += 35
        case .varianceChange where index >= anomalyStart: value += 12 * noise
        default: break
        }
        series.append(value)
    }
    return series
}

private let anomalyStart = 2000

/// A smooth periodic shape in [-1, 1] built without Foundation.
private func triangle(_ phase: Double) -> Double {
    phase < 0.5 ? 4 * phase - 1 : 3 - 4 * phase
}

private func scores(_ series: [Double], kind: UnivariateDetectorKind = .onecall) -> [AnomalyScore] {
    var detector = kind.makeDetector()
    return series.enumerated().map {
        detector.update(timestamp: 1_400_000_000 + Double($0.offset) * 300, value: $0.element)
    }
}

@Test(arguments: [Injection.spike, .levelShift, .varianceChange])
private func contextDetectorPeaksInsideTheAnomaly(_ injection: Injection) {
    let result = scores(syntheticSeries(injection)).map(\.value)
    let inside = (anomalyStart..<(anomalyStart + 40)).map { result[$0] }.max() ?? 0
    let before = result[0..<anomalyStart].max() ?? 0
    let after = result[(anomalyStart + 600)...].max() ?? 0
    #expect(inside >= 0.6)
    #expect(inside > before + 0.1)
    #expect(inside > after)
}

@Test private func contextDetectorStaysLowOnANormalSeries() {
    let result = scores(syntheticSeries(nil)).map(\.value)
    let anomalous = scores(syntheticSeries(.spike)).map(\.value)
    #expect((result.max() ?? 1) < (anomalous.max() ?? 0))
    #expect(result.filter { $0 >= 0.6 }.count <= 3)
}

@Test(arguments: UnivariateDetectorKind.allCases)
private func scoresAreDeterministicAndInRange(_ kind: UnivariateDetectorKind) {
    let series = syntheticSeries(.levelShift)
    let first = scores(series, kind: kind)
    let second = scores(series, kind: kind)
    #expect(first == second)
    #expect(first.allSatisfy { $0.value >= 0 && $0.value <= 1 })
}

@Test private func explanationAccompaniesHighScoresOnly() {
    let result = scores(syntheticSeries(.spike))
    let peak = result.max { $0.value < $1.value }!
    #expect(peak.value >= 0.5)
    #expect(peak.explanation.hasPrefix("value "))
    #expect(peak.explanation.contains("outside expected"))
    #expect(result.filter { $0.value < 0.5 }.allSatisfy { $0.explanation.isEmpty })
}

@Test private func stateStaysBoundedOnALongSeries() {
    var detector = UnivariateContextDetector()
    let initial = detector.stateBytes
    var generator = SeededGenerator(state: 3)
    for index in 0..<12_000 {
        let value = Double(index % 500) + Double.random(in: 0..<5, using: &generator)
        _ = detector.update(timestamp: Double(index), value: value)
    }
    #expect(detector.stateBytes == initial)
    #expect(initial < 256 * 1024)
}

@Test private func nonFiniteValuesAreIgnored() {
    var detector = UnivariateContextDetector()
    #expect(detector.update(timestamp: 0, value: .nan) == .zero)
    #expect(detector.update(timestamp: 1, value: .infinity) == .zero)
    var zscore = UnivariateZScoreDetector()
    #expect(zscore.update(timestamp: 0, value: .nan) == .zero)
}

@Test private func zscoreBaselineFlagsASpike() {
    let result = scores(syntheticSeries(.spike), kind: .zscore).map(\.value)
    let peakIndex = result.indices.max { result[$0] < result[$1] }!
    #expect(peakIndex == anomalyStart)
}

@Test private func kindsAreNamedForTheCommandLine() {
    #expect(UnivariateDetectorKind(rawValue: "onecall") == .onecall)
    #expect(UnivariateDetectorKind(rawValue: "zscore") == .zscore)
    #expect(UnivariateDetectorKind.allCases.count == 2)
}

@Test private func ringBufferDropsTheOldest() {
    var buffer = UnivariateRingBuffer(capacity: 3)
    #expect(buffer.append(1) == nil)
    buffer.append(2)
    buffer.append(3)
    #expect(buffer.isFull)
    #expect(buffer.append(4) == 1)
    #expect(buffer.values == [2, 3, 4])
    #expect(buffer[age: 0] == 4)
}

@Test private func explanationNumbersAreShort() {
    #expect(UnivariateExplanation.format(123.456) == "123.5")
    #expect(UnivariateExplanation.format(80.1) == "80.1")
    #expect(UnivariateExplanation.format(0) == "0")
    #expect(UnivariateExplanation.format(-2.5) == "-2.5")
    let text = UnivariateExplanation.outside(value: 123.4, low: 80.1, high: 97.3)
    #expect(text == "value 123.4 outside expected 80.1…97.3")
}
