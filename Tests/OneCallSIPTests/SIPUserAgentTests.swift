import Foundation
import OneCallSIP
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The agent's socket handling without sipp: bad input is dropped and counted, out-of-dialog
/// requests are answered, and dials fail cleanly.
@Suite("SIP user agent")
struct SIPUserAgentTests {
    /// A UDP socket on 127.0.0.1 for poking the agent; reads block a dispatch thread, not the pool.
    private final class RawSocket: Sendable {
        let descriptor: Int32
        let port: Int

        init() throws {
            let descriptor = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
            self.descriptor = descriptor
            var address = Self.address(port: 0)
            _ = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            _ = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
            }
            port = Int(UInt16(bigEndian: address.sin_port))
            var timeout = timeval(tv_sec: 2, tv_usec: 0)
            setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        }

        deinit { close(descriptor) }

        static func address(port: Int) -> sockaddr_in {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = UInt16(port).bigEndian
            address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
            return address
        }

        func send(_ bytes: [UInt8], to port: Int) {
            var address = Self.address(port: port)
            _ = bytes.withUnsafeBytes { buffer in
                withUnsafePointer(to: &address) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        sendto(
                            descriptor, buffer.baseAddress, buffer.count, 0, $0,
                            socklen_t(MemoryLayout<sockaddr_in>.size))
                    }
                }
            }
        }

        func receive() async -> [UInt8]? {
            await withCheckedContinuation { continuation in
                DispatchQueue.global().async { continuation.resume(returning: self.receiveBlocking()) }
            }
        }

        /// The next SIP message, skipping anything that does not parse.
        func receiveMessage() async -> SIPMessage? {
            while let bytes = await receive() {
                if let message = try? SIPMessageParser().parse(bytes) { return message }
            }
            return nil
        }

        func receiveBlocking() -> [UInt8]? {
            var buffer = [UInt8](repeating: 0, count: 65_536)
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            return count > 0 ? Array(buffer.prefix(count)) : nil
        }
    }

    private static func configuration(proxyPort: Int, t1: Duration = .milliseconds(20)) -> SIPUserAgentConfiguration {
        SIPUserAgentConfiguration(proxyHost: "127.0.0.1", proxyPort: proxyPort, domain: "example.com", t1: t1)
    }

    @Test("malformed datagrams are dropped and counted; OPTIONS still gets 200 OK")
    func malformedInput() async throws {
        let peer = try RawSocket()
        let agent = SIPUserAgent(configuration: Self.configuration(proxyPort: peer.port))
        try await agent.start()
        let port = try #require(await agent.localPort)
        let garbage: [[UInt8]] = [
            Array("INVITE sip:x SIP/2.0\r\n\r\n".utf8), [0xFF, 0x00, 0x13], Array(repeating: 0x41, count: 60_000),
            Array("SIP/2.0 200 OK\r\nContent-Length: 99\r\n\r\n".utf8), Array("\r\n\r\n".utf8),
        ]
        for datagram in garbage { peer.send(datagram, to: port) }
        let options = [
            "OPTIONS sip:onecall@127.0.0.1 SIP/2.0", "Via: SIP/2.0/UDP 127.0.0.1:\(peer.port);branch=z9hG4bKping",
            "From: <sip:monitor@example.com>;tag=m1", "To: <sip:onecall@example.com>", "Call-ID: ping-1",
            "CSeq: 1 OPTIONS", "Content-Length: 0", "", "",
        ].joined(separator: "\r\n")
        peer.send(Array(options.utf8), to: port)
        let reply = try #require(await peer.receive())
        guard case .response(let response) = try SIPMessageParser().parse(reply) else {
            Issue.record("not a response")
            return
        }
        #expect(response.status == 200)
        #expect(response.headers.callID == "ping-1")
        #expect(response.headers.to?.tag != nil)
        let statistics = agent.statistics
        #expect(statistics.datagramsReceived == 6)
        #expect(statistics.malformedMessages == 4)
        await agent.shutdown()
        #expect(await agent.isRunning == false)
    }

    @Test("an unanswered INVITE is retransmitted, then fails after Timer B")
    func timeout() async throws {
        let peer = try RawSocket()
        let agent = SIPUserAgent(configuration: Self.configuration(proxyPort: peer.port))
        try await agent.start()
        let outcome = await agent.dial(SIPURI(user: "1001", host: "example.com"), ringTimeout: .seconds(5))
        guard case .failed(let error) = outcome else {
            Issue.record("expected failure, got \(outcome)")
            return
        }
        #expect(error.code == .timeout)
        var invites = 0
        while let datagram = await peer.receive(), invites < 20 {
            if String(decoding: datagram, as: UTF8.self).hasPrefix("INVITE ") { invites += 1 }
            if invites >= 4 { break }
        }
        #expect(invites >= 4)
        await agent.shutdown()
    }

    @Test("cancelling the dialing task ends the dial as cancelled")
    func cancelledDial() async throws {
        let peer = try RawSocket()
        let agent = SIPUserAgent(configuration: Self.configuration(proxyPort: peer.port, t1: .milliseconds(500)))
        try await agent.start()
        let task = Task { await agent.dial(SIPURI(user: "1001", host: "example.com"), ringTimeout: .seconds(30)) }
        try await Task.sleep(for: .milliseconds(100))
        task.cancel()
        let outcome = await task.value
        guard case .failed(let error) = outcome else {
            Issue.record("expected failure, got \(outcome)")
            return
        }
        #expect(error.code == .cancelled)
        await agent.shutdown()
    }

    @Test("dialing before start, and an invalid configuration, fail clearly")
    func notRunning() async throws {
        let agent = SIPUserAgent(configuration: Self.configuration(proxyPort: 5060))
        guard case .failed(let error) = await agent.dial(SIPURI(host: "example.com"), ringTimeout: .seconds(1)) else {
            Issue.record("expected failure")
            return
        }
        #expect(error.code == .notRunning)
        var bad = Self.configuration(proxyPort: 5060)
        bad.username = "alice"
        let invalid = SIPUserAgent(configuration: bad)
        await #expect(throws: SIPError.self) { try await invalid.start() }
        for change in [
            { (configuration: inout SIPUserAgentConfiguration) in configuration.proxyHost = "bad host" },
            { $0.localPort = 70_000 },
            { $0.t1 = .zero },
            { $0.codecs = [] },
            { $0.rtpPortRange = 80...90 },
            { $0.localHost = "0.0.0.0" },
            { $0.fromUser = "a b" },
        ] {
            var configuration = Self.configuration(proxyPort: 5060)
            change(&configuration)
            #expect(throws: SIPError.self) { try configuration.validate() }
        }
        var ranged = Self.configuration(proxyPort: 5060)
        ranged.rtpPortRange = 20_000...20_100
        try ranged.validate()
    }

    @Test("an answered call: re-ACK, RTP paced at 20 ms with continuous numbering, INFO key, BYE with 200")
    func answeredCall() async throws {
        let sip = try RawSocket()
        let media = try RawSocket()
        let agent = SIPUserAgent(configuration: Self.configuration(proxyPort: sip.port))
        try await agent.start()
        let agentPort = try #require(await agent.localPort)
        async let dialing = agent.dial(SIPURI(user: "+15551234567", host: "example.com"), ringTimeout: .seconds(5))

        guard case .request(let invite) = try #require(await sip.receiveMessage()) else {
            Issue.record("expected the INVITE")
            return
        }
        let sdp =
            "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
            + "m=audio \(media.port) RTP/AVP 0 101\r\na=rtpmap:101 telephone-event/8000\r\n"
        let ok = SIPResponse(
            replyingTo: invite, status: 200, toTag: "far",
            extra: [.init(name: "Contact", value: "<sip:far@127.0.0.1:\(sip.port)>")], contentType: "application/sdp",
            body: Array(sdp.utf8))
        sip.send(SIPMessage.response(ok).serialized(), to: agentPort)
        guard case .answered(let call) = await dialing else {
            Issue.record("not answered")
            return
        }
        guard case .request(let ack) = try #require(await sip.receiveMessage()) else {
            Issue.record("expected the ACK")
            return
        }
        #expect(ack.method == .ack)
        #expect(ack.uri.description == "sip:far@127.0.0.1:\(sip.port)")
        // The 200 again (as if the ACK were lost): the same ACK again.
        sip.send(SIPMessage.response(ok).serialized(), to: agentPort)
        guard case .request(let secondAck) = try #require(await sip.receiveMessage()) else {
            Issue.record("expected the ACK again")
            return
        }
        #expect(secondAck == ack)

        // Ten packets of a tone, between silence: all paced, numbered and stamped as one stream.
        let tone = (0..<1_600).map { Int16(8_000 * sin(Double($0) * 2 * Double.pi / 16)) }
        let clock = ContinuousClock()
        let start = clock.now
        #expect(try await call.play(tone) == .completed)
        #expect(clock.now - start >= .milliseconds(180))
        var packets: [RTPPacket] = []
        while packets.count < 40, let bytes = await media.receive() {
            packets.append(try RTPPacket(decoding: bytes))
        }
        #expect(packets.count == 40)
        #expect(packets.first?.marker == true)
        #expect(packets.dropFirst().allSatisfy { !$0.marker })
        #expect(Set(packets.map(\.ssrc)).count == 1)
        #expect(packets.allSatisfy { $0.payloadType == 0 && $0.payload.count == 160 })
        for (previous, next) in zip(packets, packets.dropFirst()) {
            #expect(next.sequenceNumber == previous.sequenceNumber &+ 1)
            #expect(next.timestamp == previous.timestamp &+ 160)
        }
        let spoken = packets.filter { $0.payload != [UInt8](repeating: 0xFF, count: 160) }
        #expect(spoken.count == 10)
        #expect(spoken.first?.payload == G711Codec.pcmu.encode(tone.prefix(160)))

        // A key over INFO, answered 200.
        func request(_ method: SIPMethod, cseq: UInt32, type: String? = nil, body: String = "") -> [UInt8] {
            var headers = SIPHeaders()
            headers.add("Via", "SIP/2.0/UDP 127.0.0.1:\(sip.port);branch=z9hG4bKfar\(cseq)")
            headers.add("From", "<sip:far@example.com>;tag=far")
            headers.add("To", invite.headers["From"] ?? "")
            headers.add("Call-ID", invite.headers.callID ?? "")
            headers.add("CSeq", "\(cseq) \(method.rawValue)")
            if let type { headers.add("Content-Type", type) }
            headers.add("Content-Length", String(body.utf8.count))
            let message = SIPRequest(
                method: method, uri: try! SIPURI(parsing: "sip:onecall@127.0.0.1:\(agentPort)"), headers: headers,
                body: Array(body.utf8))
            return SIPMessage.request(message).serialized()
        }
        sip.send(request(.info, cseq: 1, type: "application/dtmf", body: "9"), to: agentPort)
        guard case .response(let infoOK) = try #require(await sip.receiveMessage()) else {
            Issue.record("expected 200 to INFO")
            return
        }
        #expect(infoOK.status == 200)
        #expect(try await call.nextKeypress(timeout: .seconds(2)) == "9")

        // Our hang-up: BYE, answered 200.
        async let hangingUp: Void = call.hangUp()
        var bye: SIPRequest?
        while let message = await sip.receiveMessage() {
            if case .request(let request) = message, request.method == .bye {
                bye = request
                break
            }
        }
        let byeRequest = try #require(bye)
        #expect(byeRequest.headers.cseq == SIPCSeq(2, .bye))
        #expect(byeRequest.headers.to?.tag == "far")
        sip.send(SIPMessage.response(SIPResponse(replyingTo: byeRequest, status: 200)).serialized(), to: agentPort)
        await hangingUp
        #expect(call.isEnded)
        #expect(!call.isEndedRemotely)
        await #expect(throws: SIPError.self) { try await call.play(tone) }
        await agent.shutdown()
    }
}
