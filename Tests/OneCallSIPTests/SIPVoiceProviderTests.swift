import OneCallApp
import OneCallContactCenter
import OneCallSIP
import Testing

@Suite("SIP voice provider")
struct SIPVoiceProviderTests {
    @Test("destinations: E.164 and extensions at the domain, SIP URIs as they are")
    func destinations() throws {
        #expect(
            try SIPVoiceProvider.destinationURI("+15551234567", domain: "trunk.example.com").description
                == "sip:+15551234567@trunk.example.com")
        #expect(try SIPVoiceProvider.destinationURI(" 1001 ", domain: "pbx.local").description == "sip:1001@pbx.local")
        #expect(
            try SIPVoiceProvider.destinationURI("sip:op@10.0.0.5:5062", domain: "x").description
                == "sip:op@10.0.0.5:5062")
        for bad in ["", "+", "+1555123456789012", "555-1234", "tel:+15551234567", "alice", "sip:"] {
            #expect(throws: SIPError.self) { try SIPVoiceProvider.destinationURI(bad, domain: "x") }
        }
    }

    @Test("long prompts are spoken in pieces the synthesizer takes, cut at sentence ends, then spaces")
    func longPromptPieces() {
        let steps = (1...400).map { "Step \($0): check the part." }.joined(separator: " ")
        let pieces = SIPVoiceProvider.Channel.pieces(of: steps, maximumLength: 2_000)
        #expect(pieces.count > 1)
        #expect(pieces.allSatisfy { $0.count <= 2_000 && $0.hasSuffix(".") })
        #expect(pieces.joined(separator: " ") == steps)
        // No sentence end or space: plain cuts, nothing lost, no endless loop.
        let word = String(repeating: "x", count: 4_500)
        #expect(SIPVoiceProvider.Channel.pieces(of: word, maximumLength: 2_000).map(\.count) == [2_000, 2_000, 500])
        #expect(SIPVoiceProvider.Channel.pieces(of: " " + word, maximumLength: 2_000).joined() == word)
        #expect(SIPVoiceProvider.Channel.pieces(of: "", maximumLength: 10).isEmpty)
    }

    @Test("a bad destination or ring timeout fails without a call; the name is sip")
    func badRequests() async {
        let provider = SIPVoiceProvider(
            agent: SIPUserAgent(configuration: .init(proxyHost: "127.0.0.1", proxyPort: 9, domain: "example.com")))
        #expect(provider.name == "sip")
        let badDestination = await provider.dial(
            DialRequest(callID: "c", attempt: 1, destination: "nobody", ringTimeout: 5))
        #expect(badDestination.failureValue == DialFailureError(.failed("invalid destination")))
        let badTimeout = await provider.dial(
            DialRequest(callID: "c", attempt: 1, destination: "+15551234567", ringTimeout: 0))
        #expect(badTimeout.failureValue == DialFailureError(.failed("invalid ring timeout")))
        #expect(await provider.agent.isRunning == false)
    }
}

extension Result {
    fileprivate var failureValue: Failure? {
        if case .failure(let failure) = self { return failure }
        return nil
    }
}
