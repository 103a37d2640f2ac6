import Foundation
import Testing

@testable import OneCallContactCenter

/// The policy, the runner and the local provider together, as the orchestrator will drive them.
@Suite struct EscalationScenarioTests {
    @Test func escalatesUntilSomeoneAcknowledges() async throws {
        let definitions = try ContactCenterDefinitions(
            queues: [Queue(name: "support", outboundCallerID: try PhoneNumber("+15550199"))],
            rosters: [
                Roster(
                    name: "site", queue: "support", devices: [DevicePattern("aircon_*")!],
                    operators: [
                        .init(name: "Ana", destination: try CallDestination("+15550101")),
                        .init(name: "Ben", destination: try CallDestination("sip:ben@pbx.example")),
                    ])
            ])
        let provider = LocalVoiceProvider(
            script: LocalVoiceScript(destinations: [
                "+15550101": [.noAnswer], "sip:ben@pbx.example": [.answers("9", ""), .answers("1")],
            ]))
        let roster = try #require(definitions.roster(forDevice: "aircon_4"))
        let queue = definitions.queue(for: roster)
        var policy = definitions.escalationPolicy(for: roster)
        var now = utc(2026, 3, 2, 12)
        var step = policy.nextStep(now: now)
        var log: [String] = []
        var attempt = 0
        while case .call(let index, let at) = step, attempt < 20 {
            attempt += 1
            now = at
            let person = roster.operators[index]
            let request = DialRequest(
                callID: "t-1", attempt: attempt, destination: person.destination.address,
                callerID: queue.outboundCallerID?.e164, operatorName: person.name,
                ringTimeout: Double(roster.ringTimeoutSeconds))
            let outcome: EscalationPolicy.Outcome
            switch await provider.dial(request) {
            case .success(let channel):
                let run = await ContactFlowRunner().run(
                    definitions.flow(for: queue), on: channel,
                    context: ContactFlowContext(
                        attributes: ["device_id": "aircon_4", "error_code": "E3", "unique_id": "t-1"],
                        contactID: "t-1", customerAddress: request.destination, systemAddress: request.callerID,
                        queueName: queue.name, hours: definitions.hoursLookup(for: queue), now: now))
                outcome = EscalationPolicy.Outcome(run: run)
            case .failure(let error):
                outcome = EscalationPolicy.Outcome(dialFailure: error.failure)
            }
            log.append("\(person.name) \(outcome.rawValue) at +\(Int(now - utc(2026, 3, 2, 12)) / 60)m")
            now += 30
            step = policy.record(.init(operatorIndex: index, outcome: outcome, time: now), now: now)
        }
        #expect(step == .done(.acknowledged))
        #expect(
            log == [
                "Ana no_answer at +0m", "Ana no_answer at +5m", "Ben answered_no_key at +6m",
                "Ben acknowledged at +11m",
            ])
        #expect(provider.calls.count == 4)
        #expect(provider.transcript(callID: "t-1", attempt: 4)?.contains("pressed: 1") == true)
    }

    @Test func outcomesMapFromRunsAndFailures() {
        let run = { (action: String?) in
            ContactFlowRun(attributes: action.map { ["onecall_action": $0] } ?? [:], ending: .disconnected)
        }
        #expect(EscalationPolicy.Outcome(run: run("acknowledge")) == .acknowledged)
        #expect(EscalationPolicy.Outcome(run: run("resolve")) == .resolved)
        #expect(EscalationPolicy.Outcome(run: run("snooze")) == .snoozed)
        #expect(EscalationPolicy.Outcome(run: run(nil)) == .answeredNoKey)
        #expect(EscalationPolicy.Outcome(dialFailure: .noAnswer) == .noAnswer)
        #expect(EscalationPolicy.Outcome(dialFailure: .busy) == .busy)
        #expect(EscalationPolicy.Outcome(dialFailure: .rejected(status: 603, reason: "Decline")) == .rejected)
        #expect(EscalationPolicy.Outcome(dialFailure: .failed("no route")) == .failed)
    }
}
