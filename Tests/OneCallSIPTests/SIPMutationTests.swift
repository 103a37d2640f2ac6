import OneCallCore
import OneCallSIP
import Testing

/// A seeded mutation test of everything a far end can send: SIP messages, the SDP inside them,
/// digest challenges, name-addresses, Via, INFO bodies and RTP. Each valid seed is damaged
/// thousands of ways (flipped bits, bytes dropped, repeated or replaced by separators, truncation);
/// every result must parse or throw ``SIPError`` — a trap fails the whole run. The same seed gives
/// the same inputs, so a failure can be replayed.
@Suite("SIP input mutation")
struct SIPMutationTests {
    static let invite = """
        INVITE sip:+15551234567@pbx.example.com SIP/2.0\r
        Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK776asdhds;rport\r
        Max-Forwards: 70\r
        To: "Op" <sip:+15551234567@pbx.example.com>\r
        From: "OneCall" <sip:onecall@pbx.example.com>;tag=1928301774\r
        Call-ID: a84b4c76e66710@10.0.0.1\r
        CSeq: 314159 INVITE\r
        Contact: <sip:onecall@10.0.0.1:5060>\r
        Proxy-Authorization: Digest username="onecall", realm="pbx", nonce="abc", uri="sip:x@y", response="00"\r
        Content-Type: application/sdp\r
        Content-Length: 151\r
        \r
        v=0\r
        o=- 1 1 IN IP4 10.0.0.1\r
        s=-\r
        c=IN IP4 10.0.0.1\r
        t=0 0\r
        m=audio 40000 RTP/AVP 0 8 101\r
        a=rtpmap:101 telephone-event/8000\r
        a=fmtp:101 0-16\r
        a=ptime:20\r

        """

    static let answer = """
        SIP/2.0 200 OK\r
        Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK776asdhds;received=192.0.2.4\r
        Record-Route: <sip:proxy.example.com;lr>\r
        To: <sip:+15551234567@pbx.example.com>;tag=a6c85cf\r
        From: "OneCall" <sip:onecall@pbx.example.com>;tag=1928301774\r
        Call-ID: a84b4c76e66710@10.0.0.1\r
        CSeq: 314159 INVITE\r
        Contact: <sip:op@192.0.2.4:5062>\r
        WWW-Authenticate: Digest realm="pbx", nonce="dcd98b7102dd2f0e", qop="auth,auth-int", algorithm=MD5, opaque="5cc"\r
        Content-Type: application/sdp\r
        Content-Length: 131\r
        \r
        v=0\r
        o=op 2 2 IN IP4 192.0.2.4\r
        s=-\r
        c=IN IP4 192.0.2.4/127\r
        t=0 0\r
        m=audio 30000/2 RTP/AVP 8 96\r
        a=rtpmap:96 telephone-event/8000\r

        """

    static let info = "Signal=1\r\nDuration=160\r\n"

    static func mutate(_ seed: [UInt8], using random: inout SeededRandomNumberGenerator) -> [UInt8] {
        var bytes = seed
        let separators: [UInt8] = Array("/:;=,<>\"@ \r\n\t".utf8) + [0, 0xFF, 0xC3, 0x9F]
        for _ in 0..<Int.random(in: 1...6, using: &random) where !bytes.isEmpty {
            let index = Int.random(in: 0..<bytes.count, using: &random)
            switch Int.random(in: 0..<6, using: &random) {
            case 0: bytes[index] ^= UInt8(1 << Int.random(in: 0..<8, using: &random))
            case 1: bytes.remove(at: index)
            case 2: bytes.insert(separators.randomElement(using: &random)!, at: index)
            case 3: bytes[index] = separators.randomElement(using: &random)!
            case 4: bytes.removeSubrange(index...)
            default:
                let end = min(bytes.count, index + Int.random(in: 1...16, using: &random))
                bytes.insert(contentsOf: bytes[index..<end], at: index)
            }
        }
        return bytes
    }

    @Test("damaged SIP messages and their SDP parse or throw SIPError")
    func messages() {
        var random = SeededRandomNumberGenerator(seed: 0x5150_2026)
        let parser = SIPMessageParser()
        var parsed = 0
        for seed in [Self.invite, Self.answer].map({ Array($0.utf8) }) {
            for _ in 0..<4_000 {
                let bytes = Self.mutate(seed, using: &random)
                guard let message = try? parser.parse(bytes) else { continue }
                parsed += 1
                for (_, value) in message.headers.fields.map({ ($0.name, $0.value) }) {
                    _ = try? SIPNameAddress(parsing: value)
                    _ = try? SIPVia(parsing: value)
                    _ = try? DigestChallenge(parsing: value)
                    _ = try? SIPURI(parsing: value)
                }
                if let description = try? SessionDescription(parsing: message.body) {
                    _ = try? NegotiatedAudio(answer: description)
                }
            }
        }
        // Many damaged messages are still messages: the mutations reach the inner parsers.
        #expect(parsed > 500)
    }

    @Test("damaged SDP bodies parse or throw SIPError")
    func descriptions() {
        var random = SeededRandomNumberGenerator(seed: 7)
        let body = Array(Self.answer.utf8).split(separator: 10, omittingEmptySubsequences: false).drop {
            $0 != [13]
        }.dropFirst().joined(separator: [10])
        var accepted = 0
        for _ in 0..<10_000 {
            let bytes = Self.mutate(Array(body), using: &random)
            if let description = try? SessionDescription(parsing: bytes) {
                accepted += 1
                _ = try? NegotiatedAudio(answer: description)
            }
        }
        #expect(accepted > 100)
    }

    @Test("damaged INFO bodies and RTP packets never trap")
    func mediaInputs() {
        var random = SeededRandomNumberGenerator(seed: 11)
        for _ in 0..<5_000 {
            let body = Self.mutate(Array(Self.info.utf8), using: &random)
            _ = DTMFInfoBody.digit(contentType: "application/dtmf-relay", body: body)
            _ = DTMFInfoBody.digit(contentType: "application/dtmf", body: Array(body.prefix(3)))
        }
        var detector = TelephoneEventDetector()
        let event = RTPPacket(payloadType: 101, sequenceNumber: 1, timestamp: 160, ssrc: 9, payload: [1, 0x8A, 0, 160])
        let seed = event.encoded()
        for _ in 0..<10_000 {
            let bytes = Self.mutate(seed, using: &random)
            if let packet = try? RTPPacket(decoding: bytes) { _ = detector.process(packet) }
        }
    }
}
