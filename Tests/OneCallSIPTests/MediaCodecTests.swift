import OneCallSIP
import Testing

@Suite("RTP, G.711 and telephone events")
struct MediaCodecTests {
    @Test("RTP packets round-trip")
    func rtpRoundTrip() throws {
        let packet = RTPPacket(
            marker: true, payloadType: 8, sequenceNumber: 0xFFFE, timestamp: 0xDEAD_BEEF, ssrc: 0x0102_0304,
            csrcs: [7, 9], payload: [1, 2, 3])
        let bytes = packet.encoded()
        #expect(bytes.prefix(12) == [0x82, 0x88, 0xFF, 0xFE, 0xDE, 0xAD, 0xBE, 0xEF, 1, 2, 3, 4])
        #expect(try RTPPacket(decoding: bytes) == packet)
    }

    @Test("RTP header extension and padding are skipped")
    func rtpExtensionAndPadding() throws {
        // V=2 P=1 X=1 CC=0, PT 0; one extension word; payload AA BB; two octets of padding.
        let bytes: [UInt8] = [
            0xB0, 0x00, 0, 1, 0, 0, 0, 160, 0, 0, 0, 5, 0xBE, 0xDE, 0, 1, 9, 9, 9, 9, 0xAA, 0xBB, 0, 2,
        ]
        let packet = try RTPPacket(decoding: bytes)
        #expect(packet.payload == [0xAA, 0xBB])
        #expect(packet.timestamp == 160)
    }

    @Test(
        "malformed RTP is refused",
        arguments: [
            [UInt8](), [0x80, 0, 0, 1], [0x40, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0],
            [0x81, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0],
            [0x90, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9], [0xA0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 9],
            [0xA0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0], [UInt8](repeating: 0x80, count: 3_000),
        ])
    func malformedRTP(_ bytes: [UInt8]) {
        #expect(throws: SIPError.self) { try RTPPacket(decoding: bytes) }
    }

    @Test("G.711 reference points")
    func g711ReferencePoints() {
        #expect(G711.muLaw(fromLinear: 0) == 0xFF)
        #expect(G711.aLaw(fromLinear: 0) == 0xD5)
        #expect(G711.muLaw(fromLinear: .max) == 0x80)
        #expect(G711.muLaw(fromLinear: .min) == 0x00)
        #expect(G711.linear(fromMuLaw: 0x80) == 32_124)
        #expect(G711.linear(fromMuLaw: 0x00) == -32_124)
        #expect(G711.aLaw(fromLinear: .max) == 0xAA)
        #expect(G711.aLaw(fromLinear: .min) == 0x2A)
        #expect(G711.linear(fromALaw: 0xAA) == 32_256)
        #expect(G711.linear(fromALaw: 0x2A) == -32_256)
        #expect(G711Codec.pcmu.silence == G711.muLaw(fromLinear: 0))
        #expect(G711Codec.pcma.silence == G711.aLaw(fromLinear: 0))
    }

    @Test("every G.711 code decodes to a value that encodes back to it")
    func g711CodesRoundTrip() {
        for code in UInt8.min...UInt8.max {
            // µ-law has two zeros (0x7F and 0xFF); the encoder picks 0xFF.
            if code != 0x7F { #expect(G711.muLaw(fromLinear: G711.linear(fromMuLaw: code)) == code) }
            #expect(G711.aLaw(fromLinear: G711.linear(fromALaw: code)) == code)
        }
    }

    @Test("G.711 keeps the error within its step size")
    func g711Error() {
        for sample in stride(from: -32_000, through: 32_000, by: 7) {
            let value = Int16(sample)
            let mu = Int(G711.linear(fromMuLaw: G711.muLaw(fromLinear: value)))
            let a = Int(G711.linear(fromALaw: G711.aLaw(fromLinear: value)))
            let tolerance = max(16, abs(sample) / 16)
            #expect(abs(mu - sample) <= tolerance, "µ-law \(sample) -> \(mu)")
            #expect(abs(a - sample) <= tolerance, "A-law \(sample) -> \(a)")
        }
        #expect(G711Codec.pcma.decode(G711Codec.pcma.encode([0, 1_000, -1_000])).count == 3)
    }

    private func event(_ key: UInt8, timestamp: UInt32, duration: UInt16, end: Bool, ssrc: UInt32 = 1) -> RTPPacket {
        RTPPacket(
            payloadType: 101, sequenceNumber: 0, timestamp: timestamp, ssrc: ssrc,
            payload: TelephoneEvent(event: key, isEnd: end, duration: duration).encoded())
    }

    @Test("one key press is counted once, its updates and three end packets ignored")
    func oneKeyOnce() {
        var detector = TelephoneEventDetector()
        var keys: [Character] = []
        for duration in stride(from: 0, through: 960, by: 160) {
            if let key = detector.process(event(1, timestamp: 13_280, duration: UInt16(duration), end: false)) {
                keys.append(key)
            }
        }
        for _ in 0..<3 {
            if let key = detector.process(event(1, timestamp: 13_280, duration: 1_120, end: true)) { keys.append(key) }
        }
        #expect(keys == ["1"])
    }

    @Test("two presses of the same key, a lost start, and every key code")
    func severalKeys() {
        var detector = TelephoneEventDetector()
        #expect(detector.process(event(5, timestamp: 1_000, duration: 0, end: false)) == "5")
        #expect(detector.process(event(5, timestamp: 1_000, duration: 800, end: true)) == nil)
        #expect(detector.process(event(5, timestamp: 3_000, duration: 0, end: false)) == "5")
        // The start packets of this one were lost: its end still counts, once.
        #expect(detector.process(event(11, timestamp: 6_000, duration: 800, end: true)) == "#")
        #expect(detector.process(event(11, timestamp: 6_000, duration: 800, end: true)) == nil)
        // A new SSRC with the same timestamp is a new event.
        #expect(detector.process(event(10, timestamp: 6_000, duration: 0, end: false, ssrc: 2)) == "*")
        #expect(
            Array("0123456789*#ABCD").enumerated().allSatisfy {
                TelephoneEvent.digit(forEvent: UInt8($0.offset)) == $0.element
            })
        #expect(TelephoneEvent.digit(forEvent: 16) == nil)
        #expect(detector.process(event(16, timestamp: 9_000, duration: 0, end: false)) == nil)
        #expect(
            detector.process(RTPPacket(payloadType: 101, sequenceNumber: 0, timestamp: 1, ssrc: 1, payload: [1])) == nil
        )
    }

    @Test("a long press split into segments counts once")
    func longEvent() {
        var detector = TelephoneEventDetector()
        #expect(detector.process(event(2, timestamp: 100, duration: 0xFFFF, end: false)) == "2")
        #expect(detector.process(event(2, timestamp: 100 + 0xFFFF, duration: 800, end: false)) == nil)
        #expect(detector.process(event(2, timestamp: 100 + 0xFFFF, duration: 1_600, end: true)) == nil)
        #expect(detector.process(event(2, timestamp: 100_000 + 0xFFFF, duration: 0, end: false)) == "2")
    }

    @Test("INFO bodies: dtmf-relay and dtmf")
    func infoBodies() {
        func key(_ type: String?, _ body: String) -> Character? {
            DTMFInfoBody.digit(contentType: type, body: Array(body.utf8))
        }
        #expect(key("application/dtmf-relay", "Signal=1\r\nDuration=160\r\n") == "1")
        #expect(key("application/dtmf-relay", "Duration= 250\nSignal= *\n") == "*")
        #expect(key("application/dtmf-relay", "signal=11\r\n") == "#")
        #expect(key("application/dtmf-relay", "Signal=d") == "D")
        #expect(key("application/dtmf", "5\r\n") == "5")
        #expect(key("application/dtmf", "#") == "#")
        #expect(key("application/dtmf-relay", "Duration=160") == nil)
        // Letters whose upper case is two characters are refused, not a trap.
        #expect(key("application/dtmf", "ß") == nil)
        #expect(key("application/dtmf-relay", "Signal=ß") == nil)
        #expect(key("application/dtmf-relay", "Signal=Z") == nil)
        #expect(key("application/dtmf-relay", "Signal=99") == nil)
        #expect(key("text/plain", "Signal=1") == nil)
        #expect(key(nil, "Signal=1") == nil)
        #expect(key("application/dtmf", String(repeating: "1", count: 2_000)) == nil)
    }
}
