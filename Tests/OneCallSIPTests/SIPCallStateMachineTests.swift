import OneCallCore
import OneCallSIP
import Testing

/// The outbound call's transaction and dialog logic, event by event, without a socket.
@Suite("SIP call state machine")
struct SIPCallStateMachineTests {
    typealias Machine = SIPCallStateMachine
    typealias Action = SIPCallStateMachine.Action

    static let timers = SIPTimers()

    static func machine(credentials: DigestCredentials? = nil, ringTimeout: Duration = .seconds(30)) -> Machine {
        let endpoint = SIPLocalEndpoint(
            viaHost: "192.0.2.10", viaPort: 5070, contact: SIPURI(user: "onecall", host: "192.0.2.10", port: 5070),
            userAgent: "OneCall", credentials: credentials, timers: timers)
        let destination = SIPURI(user: "+15551234567", host: "example.com")
        let settings = Machine.Settings(
            endpoint: endpoint, callID: "call-1",
            from: SIPNameAddress(
                displayName: "OneCall", uri: SIPURI(user: "onecall", host: "example.com"),
                parameters: SIPParameters([.init(name: "tag", value: "local")])),
            to: SIPNameAddress(uri: destination), requestURI: destination,
            offer: SessionDescription.audioOffer(address: "192.0.2.10", port: 40_000, sessionID: 1),
            ringTimeout: ringTimeout)
        return Machine(settings: settings, random: SeededRandomNumberGenerator(seed: 7))
    }

    static let answerSDP = Array(
        ("v=0\r\no=- 1 1 IN IP4 203.0.113.5\r\ns=-\r\nc=IN IP4 203.0.113.5\r\nt=0 0\r\n"
            + "m=audio 30000 RTP/AVP 0 101\r\na=rtpmap:101 telephone-event/8000\r\n")
            .utf8)

    static func requests(_ actions: [Action]) -> [SIPRequest] {
        actions.compactMap { if case .sendRequest(let request) = $0 { return request } else { return nil } }
    }

    static func responses(_ actions: [Action]) -> [SIPResponse] {
        actions.compactMap { if case .sendResponse(let response) = $0 { return response } else { return nil } }
    }

    static func dialResult(_ actions: [Action]) -> Machine.DialResult? {
        for case .dialFinished(let result) in actions { return result }
        return nil
    }

    static func reply(
        _ request: SIPRequest, _ status: Int, tag: String? = "remote", extra: [(String, String)] = [],
        sdp: Bool = false
    ) -> SIPResponse {
        var response = SIPResponse(
            replyingTo: request, status: status, toTag: tag, extra: extra.map { .init(name: $0.0, value: $0.1) },
            contentType: sdp ? "application/sdp" : nil, body: sdp ? answerSDP : [])
        if status == 100 { response.headers.set("To", request.headers["To"] ?? "") }
        return response
    }

    /// Starts a call and answers it: returns the machine and the INVITE.
    static func established() -> (Machine, SIPRequest) {
        var machine = machine()
        let invite = requests(machine.start())[0]
        _ = machine.responseReceived(
            reply(
                invite, 200,
                extra: [
                    ("Record-Route", "<sip:p2.example.com;lr>, <sip:p1.example.com;lr>"),
                    ("Contact", "<sip:bob@203.0.113.5:5080>"),
                ], sdp: true))
        return (machine, invite)
    }

    static func request(
        _ method: SIPMethod, cseq: UInt32 = 5, contentType: String? = nil, body: String = ""
    ) -> SIPRequest {
        var headers = SIPHeaders()
        headers.add("Via", "SIP/2.0/UDP 203.0.113.5:5080;branch=z9hG4bKremote\(cseq)")
        headers.add("From", "<sip:bob@example.com>;tag=remote")
        headers.add("To", "\"OneCall\" <sip:onecall@example.com>;tag=local")
        headers.add("Call-ID", "call-1")
        headers.add("CSeq", "\(cseq) \(method.rawValue)")
        if let contentType { headers.add("Content-Type", contentType) }
        headers.add("Content-Length", String(body.utf8.count))
        return SIPRequest(
            method: method, uri: SIPURI(user: "onecall", host: "192.0.2.10", port: 5070), headers: headers,
            body: Array(body.utf8))
    }

    @Test("start: INVITE with the offer, Timers A and B, the ring timeout")
    func start() throws {
        var machine = Self.machine()
        let actions = machine.start()
        let invite = try #require(Self.requests(actions).first)
        #expect(invite.method == .invite)
        #expect(invite.uri.description == "sip:+15551234567@example.com")
        #expect(invite.headers.cseq == SIPCSeq(1, .invite))
        #expect(invite.headers.topVia?.branch?.hasPrefix("z9hG4bK") == true)
        #expect(invite.headers.topVia?.parameters.contains("rport") == true)
        #expect(invite.headers.from?.tag == "local")
        #expect(invite.headers.to?.tag == nil)
        #expect(invite.headers["Contact"] == "<sip:onecall@192.0.2.10:5070>")
        #expect(invite.headers["Content-Type"] == "application/sdp")
        #expect(invite.headers["Content-Length"] == String(invite.body.count))
        #expect(String(decoding: invite.body, as: UTF8.self).contains("m=audio 40000 RTP/AVP 0 8 101"))
        #expect(actions.contains(.startTimer(.inviteRetransmit, .milliseconds(500))))
        #expect(actions.contains(.startTimer(.inviteTimeout, .seconds(32))))
        #expect(actions.contains(.startTimer(.ring, .seconds(30))))
        #expect(machine.phase == .calling)
        #expect(machine.start().isEmpty)
    }

    @Test("Timer A doubles until a provisional response; Timer B fails a silent call")
    func retransmission() throws {
        var machine = Self.machine()
        let invite = Self.requests(machine.start())[0]
        #expect(
            machine.timerFired(.inviteRetransmit) == [
                .sendRequest(invite), .startTimer(.inviteRetransmit, .seconds(1)),
            ])
        #expect(
            machine.timerFired(.inviteRetransmit) == [
                .sendRequest(invite), .startTimer(.inviteRetransmit, .seconds(2)),
            ])
        let timedOut = machine.timerFired(.inviteTimeout)
        guard case .failed(let error) = Self.dialResult(timedOut) else {
            Issue.record("expected failure, got \(timedOut)")
            return
        }
        #expect(error.code == .timeout)
        #expect(timedOut.contains(.terminate))

        var ringing = Self.machine()
        let second = Self.requests(ringing.start())[0]
        let provisional = ringing.responseReceived(Self.reply(second, 100, tag: nil))
        #expect(provisional.contains(.cancelTimer(.inviteRetransmit)))
        #expect(provisional.contains(.cancelTimer(.inviteTimeout)))
        #expect(ringing.timerFired(.inviteRetransmit).isEmpty)
        #expect(ringing.timerFired(.inviteTimeout).isEmpty)
        _ = ringing.responseReceived(Self.reply(second, 180))
        #expect(ringing.isRinging)
    }

    @Test("2xx: ACK to the Contact through the route set, media, answered; a retransmitted 2xx is ACKed again")
    func answered() throws {
        var machine = Self.machine()
        let invite = Self.requests(machine.start())[0]
        _ = machine.responseReceived(Self.reply(invite, 180))
        let ok = Self.reply(
            invite, 200,
            extra: [
                ("Record-Route", "<sip:p2.example.com;lr>, <sip:p1.example.com;lr>"),
                ("Contact", "<sip:bob@203.0.113.5:5080>"),
            ], sdp: true)
        let actions = machine.responseReceived(ok)
        let ack = try #require(Self.requests(actions).first)
        #expect(ack.method == .ack)
        #expect(ack.uri.description == "sip:bob@203.0.113.5:5080")
        #expect(ack.headers.values("Route") == ["<sip:p1.example.com;lr>", "<sip:p2.example.com;lr>"])
        #expect(ack.headers.cseq == SIPCSeq(1, .ack))
        #expect(ack.headers.to?.tag == "remote")
        #expect(ack.headers.topVia?.branch != invite.headers.topVia?.branch)
        let media = NegotiatedAudio(
            remoteAddress: "203.0.113.5", remotePort: 30_000, codec: .pcmu, payloadType: 0,
            telephoneEventPayloadType: 101)
        #expect(actions.contains(.startMedia(media)))
        #expect(Self.dialResult(actions) == .answered(media))
        #expect(machine.phase == .established)
        #expect(machine.remoteDialogTag == "remote")
        #expect(machine.responseReceived(ok) == [.sendRequest(ack)])
    }

    @Test(
        "final refusals: ACK in the transaction and the outcome",
        arguments: [
            (486, Machine.DialResult.busy(status: 486, reason: "Busy Here")),
            (600, .busy(status: 600, reason: "Busy Everywhere")),
            (603, .rejected(status: 603, reason: "Decline")),
            (480, .noAnswer(status: 480)),
            (408, .noAnswer(status: 408)),
            (404, .rejected(status: 404, reason: "Not Found")),
            (503, .rejected(status: 503, reason: "Service Unavailable")),
        ])
    func refusals(_ status: Int, _ expected: Machine.DialResult) throws {
        var machine = Self.machine()
        let invite = Self.requests(machine.start())[0]
        let response = Self.reply(invite, status)
        let actions = machine.responseReceived(response)
        let ack = try #require(Self.requests(actions).first)
        #expect(ack.method == .ack)
        #expect(ack.uri == invite.uri)
        #expect(ack.headers.topVia?.branch == invite.headers.topVia?.branch)
        #expect(ack.headers.cseq == SIPCSeq(1, .ack))
        #expect(ack.headers.to?.tag == "remote")
        #expect(Self.dialResult(actions) == expected)
        #expect(actions.contains(.startTimer(.linger, .seconds(32))))
        #expect(machine.phase == .ended)
        // A retransmission of the final response gets the same ACK; Timer D then forgets the call.
        #expect(machine.responseReceived(response) == [.sendRequest(ack)])
        #expect(machine.timerFired(.linger) == [.terminate])
    }

    @Test("407: ACK, then the INVITE again with CSeq 2, the same Call-ID and a Proxy-Authorization")
    func proxyChallenge() throws {
        var machine = Self.machine(credentials: DigestCredentials(username: "alice", password: "wonderland"))
        let invite = Self.requests(machine.start())[0]
        let challenge = Self.reply(
            invite, 407,
            extra: [("Proxy-Authenticate", "Digest realm=\"example.com\", nonce=\"abc\", qop=\"auth\", algorithm=MD5")])
        let actions = machine.responseReceived(challenge)
        let sent = Self.requests(actions)
        #expect(sent.map(\.method) == [.ack, .invite])
        let retry = sent[1]
        #expect(retry.headers.cseq == SIPCSeq(2, .invite))
        #expect(retry.headers.callID == "call-1")
        #expect(retry.headers.from?.tag == "local")
        #expect(retry.headers.to?.tag == nil)
        #expect(retry.headers.topVia?.branch != invite.headers.topVia?.branch)
        let authorization = try #require(retry.headers["Proxy-Authorization"])
        #expect(authorization.hasPrefix("Digest username=\"alice\", realm=\"example.com\", nonce=\"abc\""))
        #expect(authorization.contains("uri=\"sip:+15551234567@example.com\""))
        #expect(authorization.contains("nc=00000001"))
        #expect(Self.dialResult(actions) == nil)
        #expect(actions.contains(.startTimer(.inviteRetransmit, .milliseconds(500))))
        // A response to the old INVITE is ignored now.
        #expect(machine.responseReceived(Self.reply(invite, 180)).isEmpty)
        // A second challenge for the same request is an authentication failure.
        let again = machine.responseReceived(
            Self.reply(
                retry, 407, extra: [("Proxy-Authenticate", "Digest realm=\"example.com\", nonce=\"abd\", qop=\"auth\"")]
            ))
        #expect(Self.requests(again).map(\.method) == [.ack])
        guard case .failed(let error) = Self.dialResult(again) else {
            Issue.record("expected failure, got \(again)")
            return
        }
        #expect(error.code == .authenticationFailed)
        #expect(error.status == 407)
    }

    @Test("401 without credentials fails; a stale nonce may be retried once more")
    func wwwChallenge() throws {
        var machine = Self.machine()
        let invite = Self.requests(machine.start())[0]
        let actions = machine.responseReceived(
            Self.reply(invite, 401, extra: [("WWW-Authenticate", "Digest realm=\"r\", nonce=\"n\"")]))
        guard case .failed(let error) = Self.dialResult(actions) else {
            Issue.record("expected failure")
            return
        }
        #expect(error.code == .authenticationFailed)

        var stale = Self.machine(credentials: DigestCredentials(username: "a", password: "b"))
        let first = Self.requests(stale.start())[0]
        let second = Self.requests(
            stale.responseReceived(
                Self.reply(first, 401, extra: [("WWW-Authenticate", "Digest realm=\"r\", nonce=\"n\"")])))[1]
        #expect(second.headers["Authorization"]?.contains("nonce=\"n\"") == true)
        let third = Self.requests(
            stale.responseReceived(
                Self.reply(second, 401, extra: [("WWW-Authenticate", "Digest realm=\"r\", nonce=\"m\", stale=true")])))
        #expect(third.map(\.method) == [.ack, .invite])
        #expect(third[1].headers.cseq == SIPCSeq(3, .invite))
    }

    @Test("ring timeout: CANCEL after the provisional response, 487, ACK, no answer")
    func ringTimeout() throws {
        var machine = Self.machine(ringTimeout: .seconds(5))
        let invite = Self.requests(machine.start())[0]
        // Nothing heard yet: the CANCEL waits (RFC 3261 §9.1).
        let early = machine.timerFired(.ring)
        #expect(Self.requests(early).isEmpty)
        #expect(machine.phase == .cancelling)
        let afterRinging = machine.responseReceived(Self.reply(invite, 180))
        let cancel = try #require(Self.requests(afterRinging).first)
        #expect(cancel.method == .cancel)
        #expect(cancel.uri == invite.uri)
        #expect(cancel.headers.topVia?.branch == invite.headers.topVia?.branch)
        #expect(cancel.headers.cseq == SIPCSeq(1, .cancel))
        #expect(cancel.headers.to?.tag == nil)
        #expect(afterRinging.contains(.startTimer(.cancelRetransmit, .milliseconds(500))))
        #expect(
            machine.timerFired(.cancelRetransmit) == [
                .sendRequest(cancel), .startTimer(.cancelRetransmit, .seconds(1)),
            ])
        #expect(
            machine.responseReceived(Self.reply(cancel, 200)) == [
                .cancelTimer(.cancelRetransmit), .cancelTimer(.cancelTimeout),
            ])
        let terminated = machine.responseReceived(Self.reply(invite, 487))
        #expect(Self.requests(terminated).map(\.method) == [.ack])
        #expect(Self.dialResult(terminated) == .noAnswer(status: 487))
    }

    @Test("an answer that crosses the CANCEL is acknowledged and ended with BYE")
    func answerCrossesCancel() throws {
        var machine = Self.machine()
        let invite = Self.requests(machine.start())[0]
        _ = machine.responseReceived(Self.reply(invite, 183))
        _ = machine.timerFired(.ring)
        let actions = machine.responseReceived(
            Self.reply(invite, 200, extra: [("Contact", "<sip:bob@203.0.113.5>")], sdp: true))
        #expect(Self.requests(actions).map(\.method) == [.ack, .bye])
        #expect(Self.dialResult(actions) == .noAnswer(status: nil))
        #expect(machine.phase == .hangingUp)
    }

    @Test("a local cancel fails the dial as cancelled at once; the guard timer ends a CANCEL left unanswered")
    func localCancel() throws {
        var machine = Self.machine()
        let invite = Self.requests(machine.start())[0]
        _ = machine.responseReceived(Self.reply(invite, 180))
        let cancelled = machine.cancel()
        #expect(Self.requests(cancelled).map(\.method) == [.cancel])
        guard case .failed(let error) = Self.dialResult(cancelled) else {
            Issue.record("expected failure, got \(cancelled)")
            return
        }
        #expect(error.code == .cancelled)
        let ended = machine.timerFired(.cancelGuard)
        #expect(Self.dialResult(ended) == nil)
        #expect(machine.phase == .ended)

        // Before any response, the outcome comes at once and the CANCEL waits for a provisional.
        var silent = Self.machine()
        let silentInvite = Self.requests(silent.start())[0]
        let early = silent.cancel()
        #expect(Self.requests(early).isEmpty)
        #expect(Self.dialResult(early) != nil)
        #expect(
            Self.requests(silent.responseReceived(Self.reply(silentInvite, 100, tag: nil))).map(\.method) == [.cancel])

        var idle = Self.machine()
        #expect(idle.cancel().contains(.terminate))
    }

    @Test("a 2xx without a usable answer is acknowledged, ended with BYE, and fails")
    func unusableAnswer() throws {
        var machine = Self.machine()
        let invite = Self.requests(machine.start())[0]
        let actions = machine.responseReceived(Self.reply(invite, 200))
        #expect(Self.requests(actions).map(\.method) == [.ack, .bye])
        guard case .failed(let error) = Self.dialResult(actions) else {
            Issue.record("expected failure")
            return
        }
        #expect(error.code == .unusableSessionDescription)
    }

    @Test("in the dialog: BYE, INFO, OPTIONS, re-INVITE and unknown requests")
    func inDialogRequests() throws {
        var (machine, _) = Self.established()
        let info = machine.requestReceived(
            Self.request(.info, contentType: "application/dtmf-relay", body: "Signal=7\r\nDuration=160\r\n"))
        #expect(Self.responses(info).map(\.status) == [200])
        #expect(info.contains(.digitReceived("7")))
        let otherInfo = machine.requestReceived(Self.request(.info, cseq: 6, contentType: "text/plain", body: "hello"))
        #expect(Self.responses(otherInfo).map(\.status) == [415])
        #expect(Self.responses(machine.requestReceived(Self.request(.options))).map(\.status) == [200])
        #expect(Self.responses(machine.requestReceived(Self.request(.invite, cseq: 7))).map(\.status) == [488])
        #expect(Self.responses(machine.requestReceived(Self.request(SIPMethod("MESSAGE")))).map(\.status) == [501])
        #expect(machine.requestReceived(Self.request(.ack)).isEmpty)

        let bye = Self.request(.bye, cseq: 8)
        let actions = machine.requestReceived(bye)
        let ok = try #require(Self.responses(actions).first)
        #expect(ok.status == 200)
        #expect(ok.headers.cseq == SIPCSeq(8, .bye))
        #expect(ok.headers.to?.tag == "local")
        #expect(actions.contains(.stopMedia))
        #expect(actions.contains(.remoteHungUp))
        #expect(machine.phase == .ended)
        // A retransmitted BYE is answered again; a local hang-up now has nothing to do.
        #expect(Self.responses(machine.requestReceived(bye)).map(\.status) == [200])
        #expect(machine.hangUp() == [.hangUpFinished])
    }

    @Test("hang-up: BYE through the route set; a challenge is answered once; the 200 finishes it")
    func hangUp() throws {
        var (machine, _) = Self.established()
        let actions = machine.hangUp()
        let bye = try #require(Self.requests(actions).first)
        #expect(actions.first == .stopMedia)
        #expect(bye.method == .bye)
        #expect(bye.uri.description == "sip:bob@203.0.113.5:5080")
        #expect(bye.headers.values("Route") == ["<sip:p1.example.com;lr>", "<sip:p2.example.com;lr>"])
        #expect(bye.headers.cseq == SIPCSeq(2, .bye))
        #expect(bye.headers.to?.tag == "remote")
        #expect(machine.hangUp().isEmpty)
        #expect(machine.timerFired(.byeRetransmit) == [.sendRequest(bye), .startTimer(.byeRetransmit, .seconds(1))])

        var timing = machine
        #expect(timing.timerFired(.byeTimeout).contains(.hangUpFinished))
        #expect(machine.responseReceived(Self.reply(bye, 200)).contains(.hangUpFinished))

        var authenticated = Self.machine(credentials: DigestCredentials(username: "alice", password: "pw"))
        let invite = Self.requests(authenticated.start())[0]
        _ = authenticated.responseReceived(
            Self.reply(invite, 200, extra: [("Contact", "<sip:bob@203.0.113.5:5080>")], sdp: true))
        let firstBye = Self.requests(authenticated.hangUp())[0]
        let retry = authenticated.responseReceived(
            Self.reply(firstBye, 407, extra: [("Proxy-Authenticate", "Digest realm=\"r\", nonce=\"n\", qop=\"auth\"")]))
        let secondBye = try #require(Self.requests(retry).first)
        #expect(secondBye.headers.cseq == SIPCSeq(3, .bye))
        #expect(secondBye.headers["Proxy-Authorization"] != nil)
        let finished = authenticated.responseReceived(Self.reply(secondBye, 200))
        #expect(finished.contains(.hangUpFinished))
        #expect(authenticated.phase == .ended)
    }

    @Test("a transport failure fails the dial")
    func transportFailure() {
        var machine = Self.machine()
        _ = machine.start()
        let actions = machine.transportFailed(SIPError(.transportFailed, "unreachable"))
        #expect(Self.dialResult(actions) == .failed(SIPError(.transportFailed, "unreachable")))
        #expect(actions.contains(.terminate))
    }
}
