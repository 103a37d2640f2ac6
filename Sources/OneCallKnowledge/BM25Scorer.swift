/// Okapi BM25 term scores.
struct BM25Scorer {
    var k1: Double
    var b: Double

    /// The inverse document frequency of a term found in `frequency` of `count` chunks; always positive.
    func inverseFrequency(chunksWithTerm frequency: Int, chunkCount count: Int) -> Double {
        let ratio = (Double(count - frequency) + 0.5) / (Double(frequency) + 0.5)
        return Self.naturalLogarithm(1 + ratio)
    }

    /// The weight of a term that occurs `occurrences` times in a chunk of `length` terms.
    func termWeight(occurrences: Int, length: Int, averageLength: Double) -> Double {
        let frequency = Double(occurrences)
        let normalised = 1 - b + b * Double(length) / max(averageLength, 1)
        return frequency * (k1 + 1) / (frequency + k1 * normalised)
    }

    /// ln(x) for a positive finite x, computed without Foundation: x = m·2^e with m in [1, 2), and
    /// ln m = 2·atanh((m − 1)/(m + 1)) by its series, which converges quickly for m < 2.
    static func naturalLogarithm(_ x: Double) -> Double {
        guard x > 0, x.isFinite else { return x == 0 ? -.infinity : .nan }
        let exponent = Double(x.exponent)
        let m = x.significand
        let z = (m - 1) / (m + 1)
        let z2 = z * z
        var term = z
        var sum = 0.0
        var denominator = 1.0
        for _ in 0..<24 {
            sum += term / denominator
            term *= z2
            denominator += 2
        }
        return 2 * sum + exponent * 0.693_147_180_559_945_3
    }
}
