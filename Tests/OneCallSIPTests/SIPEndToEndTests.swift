import Foundation
import OneCallApp
import OneCallContactCenter
import OneCallSIP
import Testing

/// The user agent and the voice provider against a real SIP peer: sipp, with the scenarios in
/// `Peers/`, on 127.0.0.1. Each test fails (never skips) when sipp or espeak-ng is missing.
@Suite("SIP end to end against sipp", .serialized)
struct SIPEndToEndTests {
    private static func configuration(
        _ peer: SippPeer, username: String? = nil, password: String? = nil
    ) -> SIPUserAgentConfiguration {
        SIPUserAgentConfiguration(
            localHost: "127.0.0.1", proxyHost: "127.0.0.1", proxyPort: peer.sipPort, domain: "onecall.test",
            username: username, password: password, displayName: "OneCall", fromUser: "onecall",
            userAgent: "OneCall-Test", t1: .milliseconds(100))
    }

    private static func request(_ destination: String = "+15551234567", ringTimeout: Double = 5) -> DialRequest {
        DialRequest(
            callID: "call-1", attempt: 1, destination: destination, callerID: "+15550001111", operatorName: "Ada",
            ringTimeout: ringTimeout)
    }

    /// (a) The callee answers and presses 1 (RFC 4733 events from a pcap); the flow hears "1",
    /// says a prompt, and hangs up with BYE, which sipp expects.
    @Test("answer, key 1 over RFC 4733, prompt, BYE")
    func telephoneEventKeypress() async throws {
        try SippPeer.requireEspeak()
        let peer = try await SippPeer.start(scenario: "uas_rfc4733_keypress.xml")
        defer { peer.stop() }
        let provider = SIPVoiceProvider(agent: SIPUserAgent(configuration: Self.configuration(peer)))
        let result = await provider.dial(Self.request())
        guard case .success(let channel) = result else {
            Issue.record("dial failed: \(result)\n\((await peer.finish()).report)")
            await provider.shutdown()
            return
        }
        let digits = try await channel.collectDigits(prompt: .text("Press one."), maxDigits: 1, timeout: 5)
        #expect(digits == "1")
        try await channel.play(.ssml("<speak>Thank you.</speak>"))
        await channel.hangUp()
        await channel.hangUp()
        let outcome = await peer.finish()
        #expect(outcome.status == 0, "\(outcome.report)")
        // The pcap's three end packets and its updates counted as one key.
        let statistics = provider.agent.statistics
        #expect(statistics.keypressesReceived == 1)
        #expect(statistics.rtpPacketsReceived >= 8)
        #expect(statistics.rtpPacketsSent > 10)
        await provider.shutdown()
    }

    /// (b) The key comes as SIP INFO (application/dtmf-relay), answered 200 OK.
    @Test("answer, key 1 over SIP INFO, BYE")
    func infoKeypress() async throws {
        let peer = try await SippPeer.start(scenario: "uas_info_keypress.xml")
        defer { peer.stop() }
        let agent = SIPUserAgent(configuration: Self.configuration(peer))
        try await agent.start()
        let outcome = await agent.dial(
            SIPURI(user: "+15551234567", host: "onecall.test"), ringTimeout: .seconds(5), callerID: "+15550001111")
        guard case .answered(let call) = outcome else {
            Issue.record("dial failed: \(outcome)\n\((await peer.finish()).report)")
            await agent.shutdown()
            return
        }
        // The answer lists PCMA first: the call speaks A-law.
        #expect(call.media.codec == .pcma)
        let key = try await call.nextKeypress(timeout: .seconds(5))
        #expect(key == "1")
        try await call.play([Int16](repeating: 0, count: 1_600))
        await call.hangUp()
        #expect(call.isEnded)
        let result = await peer.finish()
        #expect(result.status == 0, "\(result.report)")
        // The caller id is asserted; From stays the account's (a PBX matches its endpoint by it).
        #expect(result.messages.contains("P-Asserted-Identity: <sip:+15550001111@onecall.test>"), "\(result.messages)")
        #expect(!result.messages.contains("From: \"OneCall\" <sip:+15550001111@"), "\(result.messages)")
        await agent.shutdown()
    }

    /// (c) 486 Busy Here is busy, and is acknowledged.
    @Test("486 is busy")
    func busy() async throws {
        let peer = try await SippPeer.start(scenario: "uas_busy.xml")
        defer { peer.stop() }
        let provider = SIPVoiceProvider(agent: SIPUserAgent(configuration: Self.configuration(peer)))
        let result = await provider.dial(Self.request())
        guard case .failure(let error) = result else {
            Issue.record("expected busy, got \(result)")
            await provider.shutdown()
            return
        }
        #expect(error.failure == .busy)
        let outcome = await peer.finish()
        #expect(outcome.status == 0, "\(outcome.report)")
        await provider.shutdown()
    }

    /// (d) Ringing past the ring timeout: CANCEL, 487, ACK, no answer.
    @Test("ring timeout sends CANCEL and ends as no answer")
    func ringTimeout() async throws {
        let peer = try await SippPeer.start(scenario: "uas_ring_no_answer.xml")
        defer { peer.stop() }
        let agent = SIPUserAgent(configuration: Self.configuration(peer))
        try await agent.start()
        let clock = ContinuousClock()
        let start = clock.now
        let outcome = await agent.dial(SIPURI(user: "1001", host: "onecall.test"), ringTimeout: .milliseconds(800))
        let elapsed = clock.now - start
        guard case .noAnswer(let status) = outcome else {
            Issue.record("expected no answer, got \(outcome)\n\((await peer.finish()).report)")
            await agent.shutdown()
            return
        }
        #expect(status == 487)
        #expect(elapsed >= .milliseconds(800))
        #expect(elapsed < .seconds(4))
        let result = await peer.finish()
        #expect(result.status == 0, "\(result.report)")
        await agent.shutdown()
    }

    /// (e) A proxy challenges with 407; the second INVITE carries a Proxy-Authorization, whose
    /// digest this test recomputes from sipp's log (sipp's verifyauth reads only Authorization);
    /// the call is answered, routed by Record-Route, and ended with BYE.
    @Test("407 challenge answered with a valid Proxy-Authorization")
    func proxyChallenge() async throws {
        let peer = try await SippPeer.start(scenario: "proxy_challenge_407.xml")
        defer { peer.stop() }
        let agent = SIPUserAgent(configuration: Self.configuration(peer, username: "alice", password: "wonderland"))
        try await agent.start()
        let outcome = await agent.dial(SIPURI(user: "+15551234567", host: "onecall.test"), ringTimeout: .seconds(5))
        guard case .answered(let call) = outcome else {
            Issue.record("dial failed: \(outcome)\n\((await peer.finish()).report)")
            await agent.shutdown()
            return
        }
        await call.hangUp()
        let result = await peer.finish()
        #expect(result.status == 0, "\(result.report)")
        #expect(result.messages.contains("Route: <sip:127.0.0.1:\(peer.sipPort);lr>"), "\(result.messages)")
        #expect(!result.messages.contains("wonderland"))
        let header = try #require(
            result.messages.split(whereSeparator: \.isNewline).first { $0.hasPrefix("Proxy-Authorization: Digest ") })
        var fields: [String: String] = [:]
        for part in header.dropFirst("Proxy-Authorization: Digest ".count).split(separator: ", ") {
            let pair = part.split(separator: "=", maxSplits: 1)
            fields[String(pair[0])] = pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\"\r"))
        }
        func md5(_ text: String) -> String { DigestAlgorithm.md5.hash(text: text) }
        let ha1 = md5("alice:onecall.test:wonderland")
        let ha2 = md5("INVITE:\(fields["uri"] ?? "")")
        let expected = md5(
            "\(ha1):4f0dc1e2a9b3c7d58e6f:\(fields["nc"] ?? ""):\(fields["cnonce"] ?? ""):auth:\(ha2)")
        #expect(fields["username"] == "alice")
        #expect(fields["realm"] == "onecall.test")
        #expect(fields["uri"] == "sip:+15551234567@onecall.test")
        #expect(fields["qop"] == "auth")
        #expect(fields["nc"] == "00000001")
        #expect(fields["opaque"] == "5ccc069c403ebaf9")
        #expect(fields["response"] == expected)
        await agent.shutdown()
    }

    /// A callee challenges with 401; sipp verifies the Authorization digest and answers.
    @Test("401 challenge answered with an Authorization sipp verifies")
    func calleeChallenge() async throws {
        let peer = try await SippPeer.start(scenario: "uas_challenge_401.xml")
        defer { peer.stop() }
        let agent = SIPUserAgent(configuration: Self.configuration(peer, username: "alice", password: "wonderland"))
        try await agent.start()
        let outcome = await agent.dial(SIPURI(user: "+15551234567", host: "onecall.test"), ringTimeout: .seconds(5))
        guard case .answered(let call) = outcome else {
            Issue.record("dial failed: \(outcome)\n\((await peer.finish()).report)")
            await agent.shutdown()
            return
        }
        await call.hangUp()
        let result = await peer.finish()
        #expect(result.status == 0, "\(result.report)")
        await agent.shutdown()
    }

    /// A wrong password: sipp refuses the second INVITE with 403, and the dial is rejected.
    @Test("a refused digest fails the dial")
    func wrongPassword() async throws {
        let peer = try await SippPeer.start(scenario: "uas_challenge_401.xml", timeoutSeconds: 5)
        defer { peer.stop() }
        let agent = SIPUserAgent(configuration: Self.configuration(peer, username: "alice", password: "wrong"))
        try await agent.start()
        let outcome = await agent.dial(SIPURI(user: "+15551234567", host: "onecall.test"), ringTimeout: .seconds(5))
        guard case .rejected(let status, _) = outcome else {
            Issue.record("expected a refusal, got \(outcome)")
            await agent.shutdown()
            return
        }
        #expect(status == 403)
        let result = await peer.finish()
        #expect(result.status != 0)
        await agent.shutdown()
    }

    /// (f) The far end hangs up while a prompt is playing: the channel reports hungUp.
    @Test("far end hangs up mid-prompt")
    func remoteHangUp() async throws {
        try SippPeer.requireEspeak()
        let peer = try await SippPeer.start(scenario: "uas_hangs_up.xml")
        defer { peer.stop() }
        let provider = SIPVoiceProvider(agent: SIPUserAgent(configuration: Self.configuration(peer)))
        let result = await provider.dial(Self.request("sip:sipp@onecall.test"))
        guard case .success(let channel) = result else {
            Issue.record("dial failed: \(result)\n\((await peer.finish()).report)")
            await provider.shutdown()
            return
        }
        let clock = ContinuousClock()
        let start = clock.now
        await #expect(throws: VoiceChannelError.hungUp) {
            try await channel.play(.text("This prompt is long enough to be cut short when the other side hangs up."))
        }
        #expect(clock.now - start < .seconds(3))
        await #expect(throws: VoiceChannelError.hungUp) {
            _ = try await channel.collectDigits(prompt: nil, maxDigits: 1, timeout: 1)
        }
        await channel.hangUp()
        let outcome = await peer.finish()
        #expect(outcome.status == 0, "\(outcome.report)")
        await provider.shutdown()
    }

    /// REGISTER answers the registrar's 401 and gets the lifetime it granted.
    @Test("REGISTER with a digest challenge")
    func register() async throws {
        let peer = try await SippPeer.start(scenario: "registrar_challenge_401.xml")
        defer { peer.stop() }
        let agent = SIPUserAgent(configuration: Self.configuration(peer, username: "alice", password: "wonderland"))
        try await agent.start()
        let granted = try await agent.register(expires: 600)
        #expect(granted == 300)
        let result = await peer.finish()
        #expect(result.status == 0, "\(result.report)")
        await agent.shutdown()
    }
}
