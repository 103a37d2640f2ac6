import Foundation
import OneCallSIP
import Testing

@Suite("Speech: WAVE parsing, resampling, SSML, espeak-ng")
struct SpeechTests {
    static func wave(
        rate: Int, channels: Int = 1, bits: Int = 16, format: UInt16 = 1, samples: [Int16], dataSize: UInt32? = nil
    )
        -> [UInt8]
    {
        func le32(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }
        func le16(_ value: UInt16) -> [UInt8] { [UInt8(value & 0xFF), UInt8(value >> 8)] }
        let data = samples.flatMap { le16(UInt16(bitPattern: $0)) }
        var fmt = le16(format) + le16(UInt16(channels)) + le32(UInt32(rate))
        fmt += le32(UInt32(rate * channels * bits / 8)) + le16(UInt16(channels * bits / 8)) + le16(UInt16(bits))
        if format == 0xFFFE {
            fmt += le16(22) + le16(UInt16(bits)) + le32(4) + le16(1) + [UInt8](repeating: 0, count: 14)
        }
        var bytes = Array("RIFF".utf8) + le32(0xFFFF_FFFF) + Array("WAVE".utf8)
        bytes += Array("LIST".utf8) + le32(3) + [1, 2, 3, 0]
        bytes += Array("fmt ".utf8) + le32(UInt32(fmt.count)) + fmt
        bytes += Array("data".utf8) + le32(dataSize ?? UInt32(data.count)) + data
        return bytes
    }

    @Test("a streamed WAVE (data size unknown) is read to its end; stereo is mixed down")
    func waveParsing() throws {
        let mono = try WAVAudio(parsing: Self.wave(rate: 22_050, samples: [1, -2, 3], dataSize: 0x7FFF_FFFF))
        #expect(mono.sampleRate == 22_050)
        #expect(mono.samples == [1, -2, 3])
        let stereo = try WAVAudio(parsing: Self.wave(rate: 8_000, channels: 2, samples: [100, 300, -50, -150]))
        #expect(stereo.samples == [200, -100])
        let extensible = try WAVAudio(parsing: Self.wave(rate: 16_000, format: 0xFFFE, samples: [7]))
        #expect(extensible.samples == [7])
    }

    @Test("bad WAVE files are refused")
    func badWaves() {
        let good = Self.wave(rate: 8_000, samples: [1, 2])
        var notRIFF = good
        notRIFF[0] = UInt8(ascii: "X")
        #expect(throws: SpeechError.self) { try WAVAudio(parsing: notRIFF) }
        #expect(throws: SpeechError.self) { try WAVAudio(parsing: Self.wave(rate: 8_000, bits: 8, samples: [1])) }
        #expect(throws: SpeechError.self) { try WAVAudio(parsing: Self.wave(rate: 1_000, samples: [1])) }
        #expect(throws: SpeechError.self) { try WAVAudio(parsing: Self.wave(rate: 8_000, format: 3, samples: [1])) }
        #expect(throws: SpeechError.self) { try WAVAudio(parsing: Array(good.prefix(40))) }
        #expect(throws: SpeechError.self) { try WAVAudio(parsing: Array(good.prefix(8))) }
        #expect(throws: SpeechError.self) { try WAVAudio(parsing: good, maximumBytes: 16) }
    }

    static func tone(_ frequency: Double, rate: Int, seconds: Double, amplitude: Double = 10_000) -> [Int16] {
        (0..<Int(Double(rate) * seconds)).map {
            Int16(amplitude * sin(2 * Double.pi * frequency * Double($0) / Double(rate)))
        }
    }

    static func peak(_ samples: [Int16]) -> Int {
        // Skip the edges, where the filter sees half a window.
        samples.dropFirst(100).dropLast(100).map { abs(Int($0)) }.max() ?? 0
    }

    @Test("22.05 kHz to 8 kHz keeps speech frequencies and removes what would alias")
    func resampling() {
        let speech = AudioResampler.resample(Self.tone(1_000, rate: 22_050, seconds: 0.5), from: 22_050, to: 8_000)
        #expect(abs(speech.count - 4_000) <= 1)
        #expect(abs(Self.peak(speech) - 10_000) < 600)
        let high = AudioResampler.resample(Self.tone(6_000, rate: 22_050, seconds: 0.5), from: 22_050, to: 8_000)
        #expect(Self.peak(high) < 300)
        #expect(AudioResampler.resample([1, 2, 3], from: 8_000, to: 8_000) == [1, 2, 3])
        #expect(AudioResampler.resample([], from: 22_050, to: 8_000).isEmpty)
        let up = AudioResampler.resample(Self.tone(500, rate: 8_000, seconds: 0.1), from: 8_000, to: 16_000)
        #expect(up.count == 1_600)
    }

    @Test("SSML is reduced to its text")
    func ssml() {
        #expect(SSMLText.plainText("<speak>Hello <break time=\"500ms\"/> world</speak>") == "Hello, world")
        #expect(
            SSMLText.plainText(
                "<speak><p>Fault E3 on aircon_1.</p><p>Press <emphasis>1</emphasis> to acknowledge.</p></speak>")
                == "Fault E3 on aircon_1. Press 1 to acknowledge.")
        #expect(SSMLText.plainText("<speak>Tom &amp; Jerry &lt;3 &#65;&#x42;</speak>") == "Tom & Jerry <3 AB")
        #expect(SSMLText.plainText("plain &bogus; text") == "plain &bogus; text")
        #expect(SSMLText.plainText("<speak>   </speak>").isEmpty)
    }

    @Test("espeak-ng speaks at 8 kHz, and the cache returns the same audio")
    func espeak() async throws {
        try SippPeer.requireEspeak()
        let synthesizer = EspeakSynthesizer()
        let samples = try await synthesizer.synthesize("Hello operator.")
        #expect(samples.count > 8_000 / 4)
        #expect(samples.count < 8_000 * 4)
        #expect(samples.contains { abs(Int($0)) > 1_000 })
        #expect(try await synthesizer.synthesize("  Hello   operator. ") == samples)
        #expect(synthesizer.cachedPromptCount == 1)
        #expect(try await synthesizer.synthesize("").isEmpty)
        await #expect(throws: SpeechError.self) {
            try await synthesizer.synthesize(String(repeating: "a", count: 5_000))
        }
    }

    @Test("a missing espeak-ng says how to install it")
    func missingSynthesizer() async {
        let synthesizer = EspeakSynthesizer(options: .init(executable: "/nonexistent/espeak-ng"))
        do {
            _ = try await synthesizer.synthesize("hello")
            Issue.record("expected an error")
        } catch let error as SpeechError {
            #expect(error.code == .synthesizerMissing)
            #expect(error.description.contains("apt-get install espeak-ng"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test("a failing synthesizer is reported, not hung")
    func failingSynthesizer() async {
        let synthesizer = EspeakSynthesizer(options: .init(executable: "/bin/false"))
        await #expect(throws: SpeechError.self) { try await synthesizer.synthesize("hello") }
    }
}
