import Foundation
import Testing

@testable import OneCallContactCenter

@Suite struct LocalVoiceProviderTests {
    func request(_ destination: String, attempt: Int = 1) -> DialRequest {
        DialRequest(
            callID: "ticket-1", attempt: attempt, destination: destination, operatorName: "Ana", ringTimeout: 30)
    }

    @Test func runsTheDefaultFlowAndKeepsATranscript() async throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let provider = LocalVoiceProvider(
            script: LocalVoiceScript(destinations: ["+15550101": [.answers("1")]]), transcriptDirectory: directory)
        #expect(provider.name == "local")
        guard case .success(let channel) = await provider.dial(request("+15550101")) else {
            Issue.record("expected an answer")
            return
        }
        let run = await ContactFlowRunner().run(
            .oneCallDefault, on: channel,
            context: ContactFlowContext(attributes: ["device_id": "aircon_1"], contactID: "ticket-1", now: 0))
        #expect(run.attributes["onecall_action"] == "acknowledge")
        let lines = try #require(provider.transcript(callID: "ticket-1", attempt: 1))
        #expect(lines.first == "dial: +15550101 (Ana)")
        #expect(lines.contains { $0.hasPrefix("spoke: This is OneCall") && $0.contains("aircon_1") })
        #expect(lines.contains("pressed: 1"))
        #expect(lines.last == "hung up")
        let file = try String(contentsOf: directory.appendingPathComponent("ticket-1-1.txt"), encoding: .utf8)
        #expect(file.contains("pressed: 1"))
    }

    @Test func followsTheScriptPerDial() async {
        let provider = LocalVoiceProvider(
            script: LocalVoiceScript(
                destinations: ["+15550101": [.noAnswer, .busy, .answers("2")]], fallback: [.noAnswer]))
        let first = await provider.dial(request("+15550101", attempt: 1))
        let second = await provider.dial(request("+15550101", attempt: 2))
        let third = await provider.dial(request("+15550101", attempt: 3))
        let other = await provider.dial(request("+15550999"))
        #expect(first.failure == DialFailureError(.noAnswer))
        #expect(second.failure == DialFailureError(.busy))
        #expect(third.failure == nil)
        #expect(other.failure == DialFailureError(.noAnswer))
        #expect(provider.calls.count == 4)
        #expect(provider.transcript(callID: "ticket-1", attempt: 1)?.last == "not connected: no answer")
    }

    @Test func timeoutsAreImmediateAndHangUpsThrow() async throws {
        let provider = LocalVoiceProvider(
            script: LocalVoiceScript(fallback: [.answer(keys: [.silence, .hangUp])]))
        guard case .success(let channel) = await provider.dial(request("sip:ana@pbx")) else {
            Issue.record("expected an answer")
            return
        }
        let run = await ContactFlowRunner().run(
            .oneCallDefault, on: channel, context: ContactFlowContext(contactID: "c", now: 0))
        #expect(run.ending == .hungUp)
        let lines = try #require(provider.transcript(callID: "ticket-1", attempt: 1))
        #expect(lines.contains("timeout after 8 s"))
        #expect(lines.contains("hung up by callee"))
    }

    @Test func ssmlIsReducedToWords() {
        #expect(LocalVoiceChannel.words(.ssml("<speak>Hello <break time=\"1s\"/>A &amp; B</speak>")) == "Hello A & B")
    }

    @Test func fileNamesAreSafe() {
        #expect(LocalVoiceProvider.safeFileName("../etc/passwd") == "_._etc_passwd")
        #expect(LocalVoiceProvider.safeFileName("") == "call")
    }
}

extension Result {
    fileprivate var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
