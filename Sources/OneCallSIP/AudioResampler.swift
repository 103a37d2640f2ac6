import Foundation

/// Changes the sample rate of mono audio with a windowed-sinc low-pass filter, so that speech
/// synthesized at 22.05 kHz plays at the 8 kHz of G.711 without aliasing.
public enum AudioResampler {
    /// Taps on each side of the filter, in input samples at the cutoff's scale.
    static let halfWidth = 16

    /// The samples at `outputRate`; the cutoff is 90 % of the lower rate's Nyquist frequency.
    public static func resample(_ samples: [Int16], from inputRate: Int, to outputRate: Int) -> [Int16] {
        guard inputRate > 0, outputRate > 0, !samples.isEmpty else { return [] }
        if inputRate == outputRate { return samples }
        let ratio = Double(inputRate) / Double(outputRate)
        // The cutoff in cycles per input sample.
        let cutoff = 0.45 * Double(min(inputRate, outputRate)) / Double(inputRate)
        // Taps span `halfWidth` zero crossings of the sinc on each side.
        let span = Double(halfWidth) / (2 * cutoff)
        let outputCount = Int((Double(samples.count) / ratio).rounded(.down))
        var output = [Int16]()
        output.reserveCapacity(outputCount)
        for index in 0..<outputCount {
            let center = Double(index) * ratio
            let first = max(0, Int((center - span).rounded(.up)))
            let last = min(samples.count - 1, Int((center + span).rounded(.down)))
            var sum = 0.0
            var weights = 0.0
            if first <= last {
                for tap in first...last {
                    let distance = Double(tap) - center
                    let weight = sinc(2 * cutoff * distance) * blackman(distance / span)
                    sum += weight * Double(samples[tap])
                    weights += weight
                }
            }
            let value = weights != 0 ? sum / weights : 0
            output.append(Int16(max(-32_768, min(32_767, value.rounded()))))
        }
        return output
    }

    private static func sinc(_ x: Double) -> Double {
        x == 0 ? 1 : sin(Double.pi * x) / (Double.pi * x)
    }

    /// The Blackman window over -1…1.
    private static func blackman(_ x: Double) -> Double {
        guard abs(x) <= 1 else { return 0 }
        let phase = Double.pi * (x + 1)
        return 0.42 - 0.5 * cos(phase) + 0.08 * cos(2 * phase)
    }
}
