/// 16-bit PCM audio read from a RIFF/WAVE file, mixed down to mono.
public struct WAVAudio: Sendable, Hashable {
    /// Samples per second.
    public var sampleRate: Int
    /// The samples, mono.
    public var samples: [Int16]

    /// Creates audio.
    public init(sampleRate: Int, samples: [Int16]) {
        self.sampleRate = sampleRate
        self.samples = samples
    }

    /// Parses a WAVE file of 16-bit PCM, one or two channels, 4 kHz to 96 kHz. A data chunk whose
    /// size says more than the file holds (as streamed output writes it) is read to the end.
    /// Throws ``SpeechError/Code/invalidAudio``, or ``SpeechError/Code/tooLarge`` past `maximumBytes`.
    public init(parsing bytes: [UInt8], maximumBytes: Int = 32 << 20) throws(SpeechError) {
        guard bytes.count <= maximumBytes else { throw SpeechError(.tooLarge, "audio file too large") }
        guard bytes.count >= 12, bytes[0..<4] == Array("RIFF".utf8)[...], bytes[8..<12] == Array("WAVE".utf8)[...]
        else { throw SpeechError(.invalidAudio, "not a RIFF/WAVE file") }
        var offset = 12
        var format: (channels: Int, rate: Int, bits: Int)?
        while offset + 8 <= bytes.count {
            let id = String(decoding: bytes[offset..<(offset + 4)], as: UTF8.self)
            let declared = Int(Self.readUInt32(bytes, at: offset + 4))
            let start = offset + 8
            let available = bytes.count - start
            switch id {
            case "fmt ":
                guard declared >= 16, declared <= available else { throw SpeechError(.invalidAudio, "bad fmt chunk") }
                let tag = Int(Self.readUInt16(bytes, at: start))
                let channels = Int(Self.readUInt16(bytes, at: start + 2))
                let rate = Int(Self.readUInt32(bytes, at: start + 4))
                let bits = Int(Self.readUInt16(bytes, at: start + 14))
                var isPCM = tag == 1
                if tag == 0xFFFE, declared >= 26 { isPCM = Self.readUInt16(bytes, at: start + 24) == 1 }
                guard isPCM, bits == 16, (1...2).contains(channels), (4_000...96_000).contains(rate) else {
                    throw SpeechError(.invalidAudio, "only 16-bit PCM, mono or stereo, is supported")
                }
                format = (channels, rate, bits)
            case "data":
                guard let format else { throw SpeechError(.invalidAudio, "data chunk before fmt chunk") }
                let length = min(declared, available)
                let frameSize = 2 * format.channels
                let frames = length / frameSize
                var samples: [Int16] = []
                samples.reserveCapacity(frames)
                for frame in 0..<frames {
                    let base = start + frame * frameSize
                    if format.channels == 1 {
                        samples.append(Int16(bitPattern: Self.readUInt16(bytes, at: base)))
                    } else {
                        let left = Int(Int16(bitPattern: Self.readUInt16(bytes, at: base)))
                        let right = Int(Int16(bitPattern: Self.readUInt16(bytes, at: base + 2)))
                        samples.append(Int16((left + right) / 2))
                    }
                }
                self.init(sampleRate: format.rate, samples: samples)
                return
            default:
                break
            }
            guard declared <= available else { break }
            offset = start + declared + (declared & 1)
        }
        throw SpeechError(.invalidAudio, "no data chunk")
    }

    private static func readUInt16(_ bytes: [UInt8], at offset: Int) -> UInt16 {
        UInt16(bytes[offset]) | UInt16(bytes[offset + 1]) << 8
    }

    private static func readUInt32(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16
            | UInt32(bytes[offset + 3]) << 24
    }
}
