import OneCallSIP
import Testing

@Suite("SDP offer and answer")
struct SessionDescriptionTests {
    @Test("the offer: PCMU, PCMA, telephone-event 101, ptime 20, sendrecv")
    func offer() throws {
        let offer = SessionDescription.audioOffer(address: "192.0.2.10", port: 40_000, sessionID: 42)
        #expect(
            offer.text
                == [
                    "v=0", "o=onecall 42 42 IN IP4 192.0.2.10", "s=OneCall", "c=IN IP4 192.0.2.10", "t=0 0",
                    "m=audio 40000 RTP/AVP 0 8 101", "a=rtpmap:0 PCMU/8000", "a=rtpmap:8 PCMA/8000",
                    "a=rtpmap:101 telephone-event/8000", "a=fmtp:101 0-16", "a=ptime:20", "a=sendrecv", "",
                ].joined(separator: "\r\n"))
        let parsed = try SessionDescription(parsing: Array(offer.text.utf8))
        #expect(parsed == offer)
    }

    @Test("the answer's address, port, codec and telephone-event payload type")
    func answer() throws {
        let text = [
            "v=0", "o=- 1 2 IN IP4 203.0.113.1", "s=-", "c=IN IP4 203.0.113.1", "t=0 0",
            "m=video 0 RTP/AVP 31", "m=audio 0 RTP/AVP 0", "m=audio 30000 RTP/AVP 8 96 0", "c=IN IP4 203.0.113.7",
            "a=rtpmap:96 telephone-event/8000", "a=fmtp:96 0-15", "a=recvonly",
        ].joined(separator: "\n")
        let media = try NegotiatedAudio(answer: SessionDescription(parsing: Array(text.utf8)))
        #expect(media.remoteAddress == "203.0.113.7")
        #expect(media.remotePort == 30_000)
        #expect(media.codec == .pcma)
        #expect(media.payloadType == 8)
        #expect(media.telephoneEventPayloadType == 96)
        #expect(media.direction == "recvonly")
    }

    @Test("a dynamic payload type mapped to PCMU is accepted")
    func dynamicCodec() throws {
        let text =
            "v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\nc=IN IP4 198.51.100.2\r\nt=0 0\r\n"
            + "m=audio 5004 RTP/AVP 97\r\na=rtpmap:97 pcmu/8000\r\n"
        let media = try NegotiatedAudio(answer: SessionDescription(parsing: Array(text.utf8)))
        #expect(media.codec == .pcmu)
        #expect(media.payloadType == 97)
        #expect(media.telephoneEventPayloadType == nil)
    }

    @Test(
        "unusable answers",
        arguments: [
            "v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\nc=IN IP4 1.2.3.4\r\nt=0 0\r\nm=audio 0 RTP/AVP 0\r\n",
            "v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n",
            "v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\nc=IN IP4 1.2.3.4\r\nt=0 0\r\nm=audio 4000 RTP/AVP 18\r\n",
            "v=0\r\no=- 1 1 IN IP4 h\r\ns=-\r\nc=IN IP4 1.2.3.4\r\nt=0 0\r\n"
                + "m=audio 4000 RTP/AVP 97\r\na=rtpmap:97 PCMU/16000\r\n",
        ])
    func unusable(_ text: String) throws {
        let description = try SessionDescription(parsing: Array(text.utf8))
        #expect(throws: SIPError.self) { try NegotiatedAudio(answer: description) }
    }

    @Test(
        "malformed descriptions",
        arguments: [
            "", "o=- 1 1 IN IP4 h\r\n", "v=1\r\no=- 1 1 IN IP4 h\r\n", "v=0\r\ns=-\r\n", "v=0\r\no=- x 1 IN IP4 h\r\n",
            "v=0\r\no=- 1 1 IN IP4 h\r\nm=audio port RTP/AVP 0\r\n", "v=0\r\no=- 1 1 IN IP4 h\r\nc=IN IP9 x\r\n",
            "v=0\r\no=- 1 1 IN IP4 h\r\nbogus\r\n", "v=0\r\no=- 1 1 IN IP4 h\r\nm=audio / RTP/AVP 0\r\n",
            "v=0\r\no=- 1 1 IN IP4 h\r\nc=IN IP4 /\r\n", "v=0\r\no=- 1 1 IN IP4 h\r\nc=IN IP4 //1\r\n",
        ])
    func malformed(_ text: String) {
        #expect(throws: SIPError.self) { try SessionDescription(parsing: Array(text.utf8)) }
    }

    @Test("line bound")
    func lineBound() {
        let text = "v=0\r\no=- 1 1 IN IP4 h\r\n" + String(repeating: "a=x\r\n", count: 300)
        #expect(throws: SIPError.self) { try SessionDescription(parsing: Array(text.utf8)) }
    }
}
