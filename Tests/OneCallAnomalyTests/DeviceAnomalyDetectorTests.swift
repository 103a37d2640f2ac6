import OneCallAnomaly
import Testing

@Suite("Device anomaly detector")
struct DeviceAnomalyDetectorTests {
    /// The outcome of a day of normal readings of four units, then a day with a fault in the first.
    struct Outcome {
        /// Seconds from onset to the first score of at least 0.7 naming the metric, if any.
        var delay: Double?
        /// The explanation of that score.
        var explanation = ""
        /// The faulty unit's highest score after onset.
        var peak = 0.0
        /// Scores of normal readings after warm-up (all units before onset, the others after).
        var normalScores: [Double] = []
    }

    static func run(_ fault: AirconTelemetryGenerator.Fault, metric: String?, seed: UInt64 = 1) -> Outcome {
        var generator = AirconTelemetryGenerator(seed: seed, units: 4)
        let onset = generator.time + 24 * 3600
        generator.inject(fault, unit: 0, at: onset)
        var detectors = [DeviceAnomalyDetector](repeating: DeviceAnomalyDetector(), count: 4)
        var outcome = Outcome()
        for _ in 0..<(2 * 2880) {
            for (index, row) in generator.next().enumerated() {
                let reading = AirconTelemetryGenerator.reading(row)
                let score = detectors[index].update(reading)
                if index == 0 && reading.timestamp >= onset {
                    outcome.peak = max(outcome.peak, score.value)
                    if outcome.delay == nil && score.value >= 0.7
                        && (metric.map { score.explanation.hasPrefix($0 + " ") } ?? true)
                    {
                        outcome.delay = reading.timestamp - onset
                        outcome.explanation = score.explanation
                    }
                } else if detectors[index].readings > 120 {
                    outcome.normalScores.append(score.value)
                }
            }
        }
        return outcome
    }

    static func expectNormalStaysLow(_ outcome: Outcome) {
        let high = outcome.normalScores.filter { $0 >= 0.5 }.count
        #expect(Double(high) <= 0.01 * Double(outcome.normalScores.count), "\(high) of \(outcome.normalScores.count)")
    }

    @Test func aSlowRefrigerantLeakShowsAsAFallingPressure() {
        let outcome = Self.run(.refrigerantLeak(psiPerHour: 4), metric: "refrigerant_pressure_psi")
        #expect((outcome.delay ?? .infinity) <= 10 * 3600, "\(outcome.explanation)")
        #expect(outcome.explanation.contains("below expected"))
        #expect(outcome.explanation.contains("falling"))
        Self.expectNormalStaysLow(outcome)
    }

    @Test func aWeakFanShowsAgainstTheSameContext() {
        let outcome = Self.run(.weakFan(share: 0.75), metric: "fan_speed_rpm")
        #expect((outcome.delay ?? .infinity) <= 3600, "\(outcome.explanation)")
        #expect(outcome.explanation.contains("compressor_status"))
        Self.expectNormalStaysLow(outcome)
    }

    @Test func aFrozenSensorShowsWhileOthersMove() {
        let outcome = Self.run(.frozenPressure, metric: "refrigerant_pressure_psi")
        #expect((outcome.delay ?? .infinity) <= 30 * 60, "\(outcome.explanation)")
        #expect(outcome.explanation.contains("stuck at"))
        Self.expectNormalStaysLow(outcome)
    }

    @Test(arguments: [4, 8])
    func aShortCyclingCompressorShowsAsShortStates(readings: Int) {
        let outcome = Self.run(.shortCycling(readings: readings), metric: "compressor_status")
        #expect((outcome.delay ?? .infinity) <= 30 * 60, "\(outcome.explanation)")
        #expect(outcome.explanation.contains("usually after"), "\(outcome.explanation)")
        #expect(outcome.peak == 1)
        Self.expectNormalStaysLow(outcome)
    }

    @Test func abnormalWattageShowsAtOnce() {
        let outcome = Self.run(.abnormalWattage, metric: "power_consumption_watts")
        #expect((outcome.delay ?? .infinity) <= 5 * 60, "\(outcome.explanation)")
        #expect(outcome.explanation.contains("above expected"))
        #expect(outcome.peak == 1)
        Self.expectNormalStaysLow(outcome)
    }

    @Test func warmUpScoresZeroAndScoresStayInRange() {
        var generator = AirconTelemetryGenerator(seed: 5, units: 1)
        var detector = DeviceAnomalyDetector(configuration: .init(warmUpReadings: 50))
        for step in 0..<600 {
            let score = detector.update(AirconTelemetryGenerator.reading(generator.next()[0]))
            if step < 50 { #expect(score == .zero) }
            #expect(score.value >= 0 && score.value <= 1)
            #expect(score.value >= 0.2 || score.explanation.isEmpty)
        }
    }

    @Test func theSameReadingsGiveTheSameScores() {
        func scores() -> [AnomalyScore] {
            var generator = AirconTelemetryGenerator(seed: 11, units: 1)
            generator.inject(.abnormalWattage, unit: 0, at: generator.time + 3 * 3600)
            var detector = DeviceAnomalyDetector()
            return (0..<1000).map { _ in detector.update(AirconTelemetryGenerator.reading(generator.next()[0])) }
        }
        let first = scores()
        #expect(first == scores())
        #expect(first.contains { $0.value > 0.7 })
    }

    @Test func stateStaysBoundedOnALongRunAndWithManyFields() {
        var generator = AirconTelemetryGenerator(seed: 3, units: 1)
        var detector = DeviceAnomalyDetector()
        var sizes: [Int] = []
        for step in 0..<(6 * 2880) {
            _ = detector.update(AirconTelemetryGenerator.reading(generator.next()[0]))
            if step % 2880 == 2879 { sizes.append(detector.stateSize) }
        }
        #expect(Set(sizes.dropFirst()).count == 1, "\(sizes)")
        #expect(sizes.last ?? 0 < 16_384)

        // Ever new field names, words and contexts: the bounds hold.
        var wide = DeviceAnomalyDetector()
        for step in 0..<2000 {
            var numbers: [String: Double] = [:]
            var words: [String: String] = [:]
            for field in 0..<8 { numbers["n\(step % 50)_\(field)"] = Double(step * field) }
            for field in 0..<4 { words["w\(step % 30)_\(field)"] = "v\(step % 97)" }
            words["state"] = "s\(step % 13)"
            _ = wide.update(TelemetryReading(timestamp: Double(step * 30), numbers: numbers, words: words))
        }
        let size = wide.stateSize
        for step in 2000..<3000 {
            _ = wide.update(
                TelemetryReading(
                    timestamp: Double(step * 30), numbers: ["x\(step)": 1], words: ["y\(step)": "z\(step)"]))
        }
        #expect(wide.stateSize == size)
        #expect(size < 400_000)
    }

    @Test func explanationsNameTheMetricAndTheExpectedRange() {
        var detector = DeviceAnomalyDetector(configuration: .init(warmUpReadings: 100))
        var generator = SeededRandomNumberGeneratorForTests(seed: 1)
        for step in 0..<400 {
            let value = 50 + Double(Int.random(in: -3...3, using: &generator))
            _ = detector.update(TelemetryReading(timestamp: Double(step * 60), numbers: ["level_m": value]))
        }
        let score = detector.update(TelemetryReading(timestamp: 400 * 60, numbers: ["level_m": 90]))
        #expect(score.value > 0.9)
        #expect(score.explanation.hasPrefix("level_m 90 above expected 4"), "\(score.explanation)")
    }
}

/// SplitMix64 for tests that need a few random numbers without the generator.
struct SeededRandomNumberGeneratorForTests: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
