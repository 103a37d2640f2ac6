import OneCallCore
import OneCallSIP
import Testing

@Suite("SIP registration state machine")
struct SIPRegistrationStateMachineTests {
    static func machine(credentials: DigestCredentials? = DigestCredentials(username: "alice", password: "pw"))
        -> SIPRegistrationStateMachine
    {
        let endpoint = SIPLocalEndpoint(
            viaHost: "192.0.2.10", viaPort: 5070, contact: SIPURI(user: "alice", host: "192.0.2.10", port: 5070),
            credentials: credentials)
        return SIPRegistrationStateMachine(
            settings: .init(
                endpoint: endpoint, registrar: SIPURI(host: "example.com"),
                addressOfRecord: SIPNameAddress(
                    uri: SIPURI(user: "alice", host: "example.com"),
                    parameters: SIPParameters([.init(name: "tag", value: "t")])),
                callID: "reg-1", cseq: 4, expires: 600),
            random: SeededRandomNumberGenerator(seed: 1))
    }

    static func sent(_ actions: [SIPRegistrationStateMachine.Action]) -> [SIPRequest] {
        actions.compactMap { if case .sendRequest(let request) = $0 { return request } else { return nil } }
    }

    @Test("401, then REGISTER with Authorization and the next CSeq, then 200 with the granted lifetime")
    func challengeThenSuccess() throws {
        var machine = Self.machine()
        let first = try #require(Self.sent(machine.start()).first)
        #expect(first.method == .register)
        #expect(first.uri.description == "sip:example.com")
        #expect(first.headers["Expires"] == "600")
        #expect(first.headers.cseq == SIPCSeq(4, .register))
        #expect(first.headers.to?.tag == nil)
        let challenge = SIPResponse(
            replyingTo: first, status: 401, toTag: "x",
            extra: [.init(name: "WWW-Authenticate", value: "Digest realm=\"example.com\", nonce=\"n1\", qop=\"auth\"")])
        let second = try #require(Self.sent(machine.responseReceived(challenge)).first)
        #expect(second.headers.cseq == SIPCSeq(5, .register))
        #expect(second.headers.callID == "reg-1")
        #expect(second.headers["Authorization"]?.contains("uri=\"sip:example.com\"") == true)
        #expect(machine.timerFired(.retransmit) == [.sendRequest(second), .startTimer(.retransmit, .seconds(1))])
        let ok = SIPResponse(
            replyingTo: second, status: 200, toTag: "x",
            extra: [
                .init(name: "Contact", value: "<sip:other@198.51.100.1>;expires=60"),
                .init(name: "Contact", value: "<sip:alice@192.0.2.10:5070>;expires=300"),
            ])
        #expect(machine.responseReceived(ok).last == .finished(.registered(expires: 300)))
        #expect(machine.timerFired(.timeout).isEmpty)
    }

    @Test("refusal, repeated challenge, missing credentials and timeout")
    func failures() throws {
        var refused = Self.machine()
        let request = Self.sent(refused.start())[0]
        let outcome = refused.responseReceived(SIPResponse(replyingTo: request, status: 403, toTag: "x")).last
        #expect(
            outcome == .finished(.failed(SIPError(.refused, "the registrar refused", status: 403, detail: "Forbidden")))
        )

        var noCredentials = Self.machine(credentials: nil)
        let bare = Self.sent(noCredentials.start())[0]
        let challenge = SIPResponse(
            replyingTo: bare, status: 407, toTag: "x",
            extra: [.init(name: "Proxy-Authenticate", value: "Digest realm=\"r\", nonce=\"n\"")])
        guard case .finished(.failed(let error)) = noCredentials.responseReceived(challenge).last else {
            Issue.record("expected failure")
            return
        }
        #expect(error.code == .authenticationFailed)

        var twice = Self.machine()
        let one = Self.sent(twice.start())[0]
        let two = Self.sent(
            twice.responseReceived(
                SIPResponse(
                    replyingTo: one, status: 401, toTag: "x",
                    extra: [.init(name: "WWW-Authenticate", value: "Digest realm=\"r\", nonce=\"n\"")])))[0]
        guard
            case .finished(.failed(let again)) = twice.responseReceived(
                SIPResponse(
                    replyingTo: two, status: 401, toTag: "x",
                    extra: [.init(name: "WWW-Authenticate", value: "Digest realm=\"r\", nonce=\"n2\"")])
            ).last
        else {
            Issue.record("expected failure")
            return
        }
        #expect(again.code == .authenticationFailed)

        var silent = Self.machine()
        _ = silent.start()
        guard case .finished(.failed(let timeout)) = silent.timerFired(.timeout).last else {
            Issue.record("expected timeout")
            return
        }
        #expect(timeout.code == .timeout)
    }
}
