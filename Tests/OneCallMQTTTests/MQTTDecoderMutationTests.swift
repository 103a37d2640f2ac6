import Foundation
import NIOCore
import OneCallCore
import OneCallMQTT
import Testing

/// A seeded mutation test over the decoder: valid packets with bytes flipped, inserted, removed and
/// truncated must decode, wait for more bytes, or throw an `MQTTCodecError` — never crash or hang.
@Suite struct MQTTDecoderMutationTests {
    static func corpus(_ version: MQTTProtocolVersion) -> [[UInt8]] {
        MQTTCodecTests.samplePackets(version).map { packet in
            var b = ByteBuffer()
            packet.write(to: &b, version: version)
            return Array(b.readableBytesView)
        }
    }

    /// Flips, inserts, removes and truncates bytes of a valid packet.
    static func mutate(_ input: [UInt8], _ rng: inout SeededRandomNumberGenerator) -> [UInt8] {
        var bytes = input
        for _ in 0..<Int.random(in: 1...4, using: &rng) {
            switch Int.random(in: 0..<5, using: &rng) {
            case 0 where !bytes.isEmpty:
                bytes[Int.random(in: 0..<bytes.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
            case 1:
                bytes.insert(UInt8.random(in: 0...255, using: &rng), at: Int.random(in: 0...bytes.count, using: &rng))
            case 2 where !bytes.isEmpty:
                bytes.remove(at: Int.random(in: 0..<bytes.count, using: &rng))
            case 3 where !bytes.isEmpty:
                bytes = Array(bytes.prefix(Int.random(in: 0..<bytes.count, using: &rng)))
            default:
                let i = Int.random(in: 0..<max(1, bytes.count), using: &rng)
                if i < bytes.count { bytes[i] ^= 1 << UInt8.random(in: 0..<8, using: &rng) }
            }
        }
        return bytes
    }

    /// Iterations per run: bounded in CI; `ONECALL_FUZZ_ITERATIONS` asks for a longer local run.
    static let iterations = Int(ProcessInfo.processInfo.environment["ONECALL_FUZZ_ITERATIONS"] ?? "") ?? 20_000

    @Test(arguments: [MQTTProtocolVersion.v3_1_1, .v5])
    func mutatedPacketsNeverCrash(version: MQTTProtocolVersion) {
        var rng = SeededRandomNumberGenerator(seed: 0x0C0A_11 + UInt64(version.rawValue))
        let corpus = Self.corpus(version)
        var outcomes = (packets: 0, incomplete: 0, errors: 0)
        for _ in 0..<Self.iterations {
            let seed = corpus[Int.random(in: 0..<corpus.count, using: &rng)]
            let mutated = Self.mutate(seed, &rng)
            var decoder = MQTTPacketDecoder(version: version, maximumPacketSize: 4096)
            var buffer = ByteBuffer(bytes: mutated)
            do {
                var progressed = true
                while progressed {
                    let before = buffer.readableBytes
                    if try decoder.decode(&buffer) != nil {
                        outcomes.packets += 1
                    } else {
                        outcomes.incomplete += 1
                        progressed = false
                    }
                    if buffer.readableBytes == before { progressed = false }
                }
            } catch {
                outcomes.errors += 1
            }
        }
        // The corpus exercises all three outcomes.
        #expect(outcomes.packets > 0)
        #expect(outcomes.incomplete > 0)
        #expect(outcomes.errors > 0)
    }

    @Test func mutatedConnectPacketsNeverCrash() {
        var rng = SeededRandomNumberGenerator(seed: 42)
        let connects = [MQTTProtocolVersion.v3_1, .v3_1_1, .v5].flatMap { v in
            Self.corpus(v).filter { $0.first == 0x10 }
        }
        var errors = 0
        for _ in 0..<Self.iterations / 2 {
            var decoder = MQTTPacketDecoder()
            var buffer = ByteBuffer(bytes: Self.mutate(connects[Int.random(in: 0..<connects.count, using: &rng)], &rng))
            do { _ = try decoder.decode(&buffer) } catch { errors += 1 }
        }
        #expect(errors > 0)
    }
}
