import OneCallCore
import OneCallSIP
import Testing

@Suite("SIP message codec")
struct SIPMessageParserTests {
    static let invite = [
        "INVITE sip:+15551234567@example.com;user=phone SIP/2.0",
        "Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK776asdhds;rport",
        "v: SIP/2.0/UDP proxy.example.com;branch=z9hG4bKnashds8;received=192.0.2.1",
        "Max-Forwards: 70",
        "f: \"Alice Smith\" <sip:alice@example.com>;tag=1928301774",
        "t: <sip:+15551234567@example.com;user=phone>",
        "i: a84b4c76e66710@pc33.example.com",
        "CSeq: 314159 INVITE",
        "m: <sip:alice@10.0.0.1:5060>",
        "Record-Route: <sip:p1.example.com;lr>, <sip:p2.example.com;lr>",
        "c: application/sdp",
        "l: 5",
        "",
        "v=0\r\n",
    ].joined(separator: "\r\n")

    static let response = [
        "SIP/2.0 180 Ringing",
        "Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK776asdhds;rport=5060",
        "From: <sip:alice@example.com>;tag=1928301774",
        "To: <sip:bob@example.com>;tag=a6c85cf",
        "Call-ID: a84b4c76e66710",
        "CSeq: 1 INVITE",
        "Content-Length: 0",
        "",
        "",
    ].joined(separator: "\r\n")

    @Test("a request round-trips byte for byte")
    func requestRoundTrip() throws {
        let bytes = Array(Self.invite.utf8)
        let message = try SIPMessageParser().parse(bytes)
        #expect(message.serialized() == bytes)
        guard case .request(let request) = message else {
            Issue.record("not a request")
            return
        }
        #expect(request.method == .invite)
        #expect(request.uri.user == "+15551234567")
        #expect(request.uri.parameters["user"] == "phone")
        #expect(request.body == Array("v=0\r\n".utf8))
    }

    @Test("a response round-trips byte for byte")
    func responseRoundTrip() throws {
        let bytes = Array(Self.response.utf8)
        let message = try SIPMessageParser().parse(bytes)
        #expect(message.serialized() == bytes)
        guard case .response(let response) = message else {
            Issue.record("not a response")
            return
        }
        #expect(response.status == 180)
        #expect(response.reason == "Ringing")
        #expect(response.isProvisional)
        #expect(response.headers.to?.tag == "a6c85cf")
    }

    @Test("compact forms and long forms are the same header, in any case")
    func compactForms() throws {
        let message = try SIPMessageParser().parse(Array(Self.invite.utf8))
        let headers = message.headers
        #expect(headers["Call-ID"] == "a84b4c76e66710@pc33.example.com")
        #expect(headers["CALL-id"] == headers["i"])
        #expect(headers.from?.displayName == "Alice Smith")
        #expect(headers.from?.tag == "1928301774")
        #expect(headers.to?.uri.user == "+15551234567")
        #expect(headers.contact?.uri.port == 5060)
        #expect(headers.contentType == "application/sdp")
        #expect(headers.cseq == SIPCSeq(314159, .invite))
        #expect(headers.values("Via").count == 2)
        #expect(headers.topVia?.branch == "z9hG4bK776asdhds")
        #expect(headers.recordRoute.map(\.uri.host) == ["p1.example.com", "p2.example.com"])
    }

    @Test("comma-separated values split outside quotes and brackets")
    func multiValueHeaders() throws {
        var headers = SIPHeaders()
        headers.add("Via", "SIP/2.0/UDP a.example.com;branch=z9hG4bK1, SIP/2.0/UDP b.example.com;branch=z9hG4bK2")
        headers.add("v", "SIP/2.0/UDP c.example.com;branch=z9hG4bK3")
        headers.add("Contact", "\"Smith, Bob\" <sip:bob@x.example.com;a=1,2>, <sip:bob@y.example.com>")
        #expect(headers.elements("via").count == 3)
        #expect(
            headers.elements("Contact") == ["\"Smith, Bob\" <sip:bob@x.example.com;a=1,2>", "<sip:bob@y.example.com>"])
        headers.set("VIA", "SIP/2.0/UDP d.example.com;branch=z9hG4bK4")
        #expect(headers.values("v") == ["SIP/2.0/UDP d.example.com;branch=z9hG4bK4"])
        headers.remove("m")
        #expect(headers["Contact"] == nil)
    }

    @Test("folded lines, bare LF and leading CR LF are accepted")
    func lenientInput() throws {
        let text =
            "\r\nOPTIONS sip:bob@example.com SIP/2.0\nVia: SIP/2.0/UDP a.example.com\n ;branch=z9hG4bK1\n"
            + "From: <sip:a@example.com>;tag=1\n"
            + "To: <sip:bob@example.com>\nCall-ID: x1\nCSeq: 7 OPTIONS\nSubject: first\n\tsecond\n\n"
        let message = try SIPMessageParser().parse(Array(text.utf8))
        #expect(message.headers["Subject"] == "first second")
        #expect(message.headers.topVia?.branch == "z9hG4bK1")
        #expect(message.body.isEmpty)
    }

    @Test("Content-Length cuts the body; without it the datagram's rest is the body")
    func contentLength() throws {
        let base = Self.response.replacingOccurrences(of: "Content-Length: 0\r\n", with: "")
        let withoutLength = try SIPMessageParser().parse(Array((base + "hello").utf8))
        #expect(withoutLength.body == Array("hello".utf8))
        let shorter = Self.response.replacingOccurrences(of: "Content-Length: 0", with: "Content-Length: 3")
        #expect(try SIPMessageParser().parse(Array((shorter + "hello").utf8)).body == Array("hel".utf8))
    }

    @Test(
        "malformed messages are refused",
        arguments: [
            "",
            "garbage",
            "INVITE sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/UDP a;branch=z9hG4bK1\r\n",
            "INVITE sip:bob@example.com SIP/3.0\r\n\r\n",
            "INVITE  sip:bob@example.com SIP/2.0\r\n\r\n",
            "SIP/2.0 99 Odd\r\n\r\n",
            "SIP/2.0 2000 OK\r\n\r\n",
            "INVITE tel:+15551234567 SIP/2.0\r\n\r\n",
        ])
    func malformedStartLines(_ text: String) {
        #expect(throws: SIPError.self) { try SIPMessageParser().parse(Array(text.utf8)) }
    }

    @Test(
        "messages with a broken header are refused",
        arguments: [
            ("Call-ID: a84b4c76e66710", ""),
            ("CSeq: 1 INVITE", "CSeq: one INVITE"),
            ("CSeq: 1 INVITE", "CSeq: 1 BYE"),
            ("Content-Length: 0", "Content-Length: 10"),
            ("Content-Length: 0", "Content-Length: -1"),
            ("Content-Length: 0", "Content-Length: 0\r\nContent-Length: 1"),
            ("To: <sip:bob@example.com>;tag=a6c85cf", "To: <sip:bob@example.com;tag=a6c85cf"),
            ("From: <sip:alice@example.com>;tag=1928301774", "From: nobody"),
            ("Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK776asdhds", "Via: SIP/2.0 10.0.0.1"),
            ("Call-ID: a84b4c76e66710", "Call ID: a84b4c76e66710"),
            ("Call-ID: a84b4c76e66710", "Call-ID: a84b\u{1}"),
        ])
    func malformedHeaders(_ replacement: (String, String)) {
        let request = Self.response.replacingOccurrences(
            of: "SIP/2.0 180 Ringing", with: "INVITE sip:bob@example.com SIP/2.0"
        )
        .replacingOccurrences(of: ";rport=5060", with: "")
        let text = request.replacingOccurrences(
            of: replacement.0 + "\r\n", with: replacement.1.isEmpty ? "" : replacement.1 + "\r\n")
        #expect(text != request)
        #expect(throws: SIPError.self) { try SIPMessageParser().parse(Array(text.utf8)) }
    }

    @Test("bounds: datagram size, header count, line length, body size")
    func limits() {
        let limits = SIPLimits(
            maximumMessageSize: 2_000, maximumHeaderCount: 10, maximumLineLength: 200, maximumBodySize: 16)
        let parser = SIPMessageParser(limits: limits)
        func code(_ text: String) -> SIPError.Code? {
            do {
                _ = try parser.parse(Array(text.utf8))
                return nil
            } catch {
                return error.code
            }
        }
        #expect(code(Self.response) == nil)
        #expect(code(Self.response + String(repeating: "x", count: 2_000)) == .tooLarge)
        let manyHeaders = Self.response.replacingOccurrences(
            of: "Content-Length: 0",
            with: (0..<10).map { "X-\($0): y" }.joined(separator: "\r\n") + "\r\nContent-Length: 0")
        #expect(code(manyHeaders) == .tooLarge)
        let longLine = Self.response.replacingOccurrences(
            of: "Content-Length: 0", with: "X-Long: " + String(repeating: "y", count: 300) + "\r\nContent-Length: 0")
        #expect(code(longLine) == .tooLarge)
        let bigBody = Self.response.replacingOccurrences(of: "Content-Length: 0", with: "Content-Length: 20")
        #expect(code(bigBody + String(repeating: "b", count: 20)) == .tooLarge)
        #expect(throws: SIPError.self) { try parser.parse([0xC3, 0x28, 0x0D, 0x0A, 0x0D, 0x0A]) }
    }

    @Test("random and mutated datagrams never crash the parser")
    func fuzz() {
        var random = SeededRandomNumberGenerator(seed: 4_733)
        let valid = Array(Self.invite.utf8)
        let parser = SIPMessageParser()
        var parsed = 0
        for round in 0..<3_000 {
            var bytes: [UInt8]
            if round % 3 == 0 {
                bytes = (0..<Int.random(in: 0..<400, using: &random)).map { _ in
                    UInt8.random(in: 0...255, using: &random)
                }
            } else {
                bytes = valid
                for _ in 0..<Int.random(in: 1...8, using: &random) {
                    let index = Int.random(in: 0..<bytes.count, using: &random)
                    switch Int.random(in: 0..<3, using: &random) {
                    case 0: bytes[index] = UInt8.random(in: 0...255, using: &random)
                    case 1: bytes.remove(at: index)
                    default: bytes.insert(Array(":;<>\"\r\n ,=@".utf8).randomElement(using: &random)!, at: index)
                    }
                    if bytes.isEmpty { break }
                }
            }
            if (try? parser.parse(bytes)) != nil { parsed += 1 }
        }
        #expect(parsed > 0)
    }

    @Test("keep-alives are recognised")
    func keepAlive() {
        #expect(SIPMessageParser.isKeepAlive(Array("\r\n\r\n".utf8)))
        #expect(!SIPMessageParser.isKeepAlive(Array("OPTIONS".utf8)))
    }

    @Test("a reply copies Via, From, To with a tag, Call-ID and CSeq")
    func reply() throws {
        guard case .request(let request) = try SIPMessageParser().parse(Array(Self.invite.utf8)) else {
            Issue.record("not a request")
            return
        }
        let response = SIPResponse(replyingTo: request, status: 486, toTag: "xyz")
        let text = String(decoding: SIPMessage.response(response).serialized(), as: UTF8.self)
        #expect(
            text
                == [
                    "SIP/2.0 486 Busy Here",
                    "Via: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK776asdhds;rport",
                    "Via: SIP/2.0/UDP proxy.example.com;branch=z9hG4bKnashds8;received=192.0.2.1",
                    "From: \"Alice Smith\" <sip:alice@example.com>;tag=1928301774",
                    "To: <sip:+15551234567@example.com;user=phone>;tag=xyz",
                    "Call-ID: a84b4c76e66710@pc33.example.com",
                    "CSeq: 314159 INVITE",
                    "Content-Length: 0",
                    "", "",
                ].joined(separator: "\r\n"))
    }
}
