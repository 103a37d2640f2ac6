import Foundation
import Synchronization
import Testing

@testable import OneCallContactCenter

@Suite struct ContactFlowRunnerTests {
    let runner = ContactFlowRunner()
    let disconnect = #"{"Identifier": "end", "Type": "DisconnectParticipant", "Parameters": {}, "Transitions": {}}"#
    let ticket = [
        "unique_id": "7f9c", "device_id": "aircon_3", "error_code": "E3", "title": "compressor failure",
        "steps": "Check the compressor fuse.", "site": "Austin",
    ]

    func context(
        _ attributes: [String: String] = [:], hours: HoursOfOperation? = nil, now: Double = 0, stepLimit: Int = 500
    )
        -> ContactFlowContext
    {
        ContactFlowContext(
            attributes: attributes, contactID: "call-1", customerAddress: "+15550100", systemAddress: "+15550199",
            queueName: "support", hours: { _ in hours }, now: now, stepLimit: stepLimit)
    }

    // MARK: The default flow

    @Test(arguments: [("1", "acknowledge"), ("2", "resolve"), ("3", "snooze")])
    func defaultFlowRecordsTheChoice(key: String, action: String) async {
        let channel = ScriptedChannel(keys: [key])
        let run = await runner.run(.oneCallDefault, on: channel, context: context(ticket))
        #expect(run.ending == .disconnected)
        #expect(run.attributes["onecall_action"] == action)
        #expect(run.inputs == [key])
        #expect(run.lastInput == key)
        #expect(run.spoken.first?.contains("Device aircon_3 reports error E3, compressor failure") == true)
        #expect(run.spoken.first?.contains("Ticket 7f9c") == true)
        #expect(run.spoken.contains("Press 1 to acknowledge, 2 to resolve, 3 to snooze."))
        #expect(run.entries.allSatisfy { $0.logged })
        #expect(channel.hangUps >= 1)
    }

    @Test func defaultFlowAsksAgainAfterAWrongKey() async {
        let run = await runner.run(.oneCallDefault, on: ScriptedChannel(keys: ["9", "1"]), context: context(ticket))
        #expect(run.ending == .disconnected)
        #expect(run.inputs == ["9", "1"])
        #expect(run.attributes["onecall_action"] == "acknowledge")
        #expect(run.spoken.contains("Sorry, that was not a choice."))
    }

    @Test func defaultFlowGivesUpAfterTwoTimeouts() async {
        let run = await runner.run(.oneCallDefault, on: ScriptedChannel(keys: [nil, nil]), context: context(ticket))
        #expect(run.ending == .disconnected)
        #expect(run.inputs.isEmpty)
        #expect(run.attributes["onecall_action"] == nil)
        #expect(run.entries.filter { $0.kind == .timeout }.count == 2)
        #expect(run.spoken.last == "No choice was made. OneCall will try again. Goodbye.")
    }

    @Test func defaultFlowWrongKeyThenTimeout() async {
        let run = await runner.run(.oneCallDefault, on: ScriptedChannel(keys: ["7", nil]), context: context(ticket))
        #expect(run.ending == .disconnected)
        #expect(run.inputs == ["7"])
        #expect(run.attributes["onecall_action"] == nil)
    }

    @Test func referenceFlowRunsUnchanged() async throws {
        let url = try #require(
            Bundle.module.url(forResource: "reference-flow", withExtension: "json", subdirectory: "Fixtures"))
        let flow = try ContactFlow(json: Data(contentsOf: url), name: "reference-flow", file: "reference-flow.json")
        let attributes = [
            "unique_id": "u-42", "device_id": "aircon_2", "error_code": "E3", "troubleshooting_steps": "Reset the unit",
        ]
        let channel = ScriptedChannel()
        let run = await runner.run(flow, on: channel, context: context(attributes))
        #expect(run.ending == .disconnected)
        #expect(run.spoken.count == 1)
        let text = try #require(run.spoken.first)
        #expect(text.contains("unique id is u-42, device id aircon_2, error code E3"))
        #expect(text.contains("troubleshooting steps: Reset the unit."))
        #expect(run.entries.map(\.kind) == [.log, .spoke, .disconnect])
        #expect(run.entries.allSatisfy { $0.logged })
    }

    // MARK: Action branches

    @Test func loggingFlagFollowsTheFlow() async throws {
        let flow = try makeFlow(
            start: "m1",
            #"{"Identifier": "m1", "Type": "MessageParticipant", "Parameters": {"Text": "before"}, "Transitions": {"NextAction": "on"}}"#,
            #"{"Identifier": "on", "Type": "UpdateFlowLoggingBehavior", "Parameters": {"FlowLoggingBehavior": "Enabled"}, "Transitions": {"NextAction": "m2"}}"#,
            #"{"Identifier": "m2", "Type": "MessageParticipant", "Parameters": {"Text": "during"}, "Transitions": {"NextAction": "off"}}"#,
            #"{"Identifier": "off", "Type": "UpdateFlowLoggingBehavior", "Parameters": {"FlowLoggingBehavior": "Disabled"}, "Transitions": {"NextAction": "m3"}}"#,
            #"{"Identifier": "m3", "Type": "MessageParticipant", "Parameters": {"Text": "after"}, "Transitions": {"NextAction": "end"}}"#,
            disconnect)
        let run = await runner.run(flow, on: ScriptedChannel(), context: context())
        #expect(run.entries.map(\.logged) == [false, true, true, true, false, false])
        #expect(run.loggedEntries.map(\.action) == ["on", "m2", "off"])
    }

    @Test func ssmlPromptsEscapeValues() async throws {
        let flow = try makeFlow(
            start: "m",
            #"{"Identifier": "m", "Type": "MessageParticipant", "Parameters": {"SSML": "<speak>$.Attributes.t</speak>"}, "Transitions": {"NextAction": "end"}}"#,
            disconnect)
        let channel = ScriptedChannel()
        _ = await runner.run(flow, on: channel, context: context(["t": "a<b"]))
        #expect(channel.state.withLock { $0.played } == [.ssml("<speak>a&lt;b</speak>")])
    }

    @Test func storedInputIsAvailableToLaterActions() async throws {
        let flow = try makeFlow(
            start: "g",
            #"{"Identifier": "g", "Type": "GetParticipantInput", "Parameters": {"Text": "Code?", "StoreInput": "True", "InputValidation": {"CustomValidation": {"MaximumLength": "4"}}}, "Transitions": {"NextAction": "c", "Errors": [{"NextAction": "end", "ErrorType": "InputTimeLimitExceeded"}]}}"#,
            #"{"Identifier": "c", "Type": "Compare", "Parameters": {"ComparisonValue": "$.StoredCustomerInput"}, "Transitions": {"Conditions": [{"NextAction": "say", "Condition": {"Operator": "NumberGreaterThan", "Operands": ["100"]}}], "Errors": [{"NextAction": "end", "ErrorType": "NoMatchingCondition"}]}}"#,
            #"{"Identifier": "say", "Type": "MessageParticipant", "Parameters": {"Text": "You entered $.StoredCustomerInput"}, "Transitions": {"NextAction": "end"}}"#,
            disconnect)
        let channel = ScriptedChannel(keys: ["1234#"])
        let run = await runner.run(flow, on: channel, context: context())
        #expect(channel.requestedDigits == [4])
        #expect(run.inputs == ["1234"])
        #expect(run.spoken.last == "You entered 1234")
    }

    @Test func storedInputTimeoutWithoutBranchStoresTimeout() async throws {
        let flow = try makeFlow(
            start: "g",
            #"{"Identifier": "g", "Type": "GetParticipantInput", "Parameters": {"Text": "Code?", "StoreInput": "True"}, "Transitions": {"NextAction": "say"}}"#,
            #"{"Identifier": "say", "Type": "MessageParticipant", "Parameters": {"Text": "Got $.StoredCustomerInput"}, "Transitions": {"NextAction": "end"}}"#,
            disconnect)
        let run = await runner.run(flow, on: ScriptedChannel(keys: [nil]), context: context())
        #expect(run.spoken.last == "Got Timeout")
        #expect(run.inputs.isEmpty)
    }

    @Test func terminationSequenceIsRemoved() async throws {
        let flow = try makeFlow(
            start: "g",
            #"{"Identifier": "g", "Type": "GetParticipantInput", "Parameters": {"Text": "Code?", "StoreInput": "True", "DTMFConfiguration": {"InputTerminationSequence": "*"}}, "Transitions": {"NextAction": "end"}}"#,
            disconnect)
        let run = await runner.run(flow, on: ScriptedChannel(keys: ["55*"]), context: context())
        #expect(run.inputs == ["55"])
    }

    func hoursFlow() throws -> ContactFlow {
        try makeFlow(
            start: "h",
            #"{"Identifier": "h", "Type": "CheckHoursOfOperation", "Parameters": {}, "Transitions": {"Conditions": [{"NextAction": "open", "Condition": {"Operator": "Equals", "Operands": ["True"]}}, {"NextAction": "closed", "Condition": {"Operator": "Equals", "Operands": ["False"]}}], "Errors": [{"NextAction": "broken", "ErrorType": "NoMatchingError"}]}}"#,
            #"{"Identifier": "open", "Type": "MessageParticipant", "Parameters": {"Text": "open"}, "Transitions": {"NextAction": "end"}}"#,
            #"{"Identifier": "closed", "Type": "MessageParticipant", "Parameters": {"Text": "closed"}, "Transitions": {"NextAction": "end"}}"#,
            #"{"Identifier": "broken", "Type": "MessageParticipant", "Parameters": {"Text": "no hours"}, "Transitions": {"NextAction": "end"}}"#,
            disconnect)
    }

    @Test func checkHoursBranches() async throws {
        let nineToFive = HoursOfOperation(
            name: "office", timeZone: TimeZone(identifier: "UTC")!,
            spans: HoursOfOperation.Day.allCases.map {
                .init(day: $0, start: .init(hours: 9, minutes: 0)!, end: .init(hours: 17, minutes: 0)!)
            })
        let flow = try hoursFlow()
        let open = await runner.run(
            flow, on: ScriptedChannel(), context: context(hours: nineToFive, now: utc(2026, 3, 2, 10)))
        #expect(open.spoken == ["open"])
        #expect(open.entries.first?.text == "office: open")
        let closed = await runner.run(
            flow, on: ScriptedChannel(), context: context(hours: nineToFive, now: utc(2026, 3, 2, 20)))
        #expect(closed.spoken == ["closed"])
        let missing = await runner.run(flow, on: ScriptedChannel(), context: context(hours: nil))
        #expect(missing.spoken == ["no hours"])
        #expect(missing.entries.first?.kind == .error)
    }

    @Test func compareTakesTheFirstMatchingCondition() async throws {
        let flow = try makeFlow(
            start: "c",
            #"{"Identifier": "c", "Type": "Compare", "Parameters": {"ComparisonValue": "$.Attributes.error_code"}, "Transitions": {"Conditions": [{"NextAction": "e3", "Condition": {"Operator": "Equals", "Operands": ["E3"]}}, {"NextAction": "eany", "Condition": {"Operator": "TextStartsWith", "Operands": ["E"]}}], "Errors": [{"NextAction": "other", "ErrorType": "NoMatchingCondition"}]}}"#,
            #"{"Identifier": "e3", "Type": "MessageParticipant", "Parameters": {"Text": "compressor"}, "Transitions": {"NextAction": "end"}}"#,
            #"{"Identifier": "eany", "Type": "MessageParticipant", "Parameters": {"Text": "error"}, "Transitions": {"NextAction": "end"}}"#,
            #"{"Identifier": "other", "Type": "MessageParticipant", "Parameters": {"Text": "other"}, "Transitions": {"NextAction": "end"}}"#,
            disconnect)
        #expect(
            await runner.run(flow, on: ScriptedChannel(), context: context(["error_code": "E3"])).spoken == [
                "compressor"
            ])
        #expect(
            await runner.run(flow, on: ScriptedChannel(), context: context(["error_code": "E1"])).spoken == ["error"])
        #expect(
            await runner.run(flow, on: ScriptedChannel(), context: context(["error_code": "W1"])).spoken == ["other"])
    }

    @Test func compareWithoutABranchFails() async throws {
        let flow = try makeFlow(
            start: "c",
            #"{"Identifier": "c", "Type": "Compare", "Parameters": {"ComparisonValue": "$.Attributes.x"}, "Transitions": {"Conditions": [{"NextAction": "end", "Condition": {"Operator": "Equals", "Operands": ["a"]}}]}}"#,
            disconnect)
        let run = await runner.run(flow, on: ScriptedChannel(), context: context(["x": "b"]))
        guard case .failed(let reason) = run.ending else {
            Issue.record("expected failure, got \(run.ending)")
            return
        }
        #expect(reason.hasPrefix("no transition from 'c'"))
    }

    @Test func updateAttributesSubstitutesAndRelatedFails() async throws {
        let flow = try makeFlow(
            start: "u",
            #"{"Identifier": "u", "Type": "UpdateContactAttributes", "Parameters": {"Attributes": {"copy": "$.Attributes.device_id", "who": "$.CustomerEndpoint.Address"}, "TargetContact": "Current"}, "Transitions": {"NextAction": "r"}}"#,
            #"{"Identifier": "r", "Type": "UpdateContactAttributes", "Parameters": {"Attributes": {"x": "1"}, "TargetContact": "Related"}, "Transitions": {"NextAction": "end", "Errors": [{"NextAction": "said", "ErrorType": "NoMatchingError"}]}}"#,
            #"{"Identifier": "said", "Type": "MessageParticipant", "Parameters": {"Text": "no related contact"}, "Transitions": {"NextAction": "end"}}"#,
            disconnect)
        let run = await runner.run(flow, on: ScriptedChannel(), context: context(["device_id": "aircon_1"]))
        #expect(run.attributes["copy"] == "aircon_1")
        #expect(run.attributes["who"] == "+15550100")
        #expect(run.attributes["x"] == nil)
        #expect(run.spoken == ["no related contact"])
        #expect(run.entries.filter { $0.kind == .attribute }.count == 2)
    }

    @Test func hangUpEndsTheRun() async {
        let run = await runner.run(.oneCallDefault, on: ScriptedChannel(playError: .hungUp), context: context(ticket))
        #expect(run.ending == .hungUp)
        let during = await runner.run(
            .oneCallDefault, on: ScriptedChannel(collectError: .hungUp), context: context(ticket))
        #expect(during.ending == .hungUp)
    }

    @Test func channelErrorFollowsNoMatchingError() async throws {
        // The default flow has NoMatchingError branches to its disconnect.
        let run = await runner.run(
            .oneCallDefault, on: ScriptedChannel(playError: .failed("media")), context: context(ticket))
        #expect(run.ending == .disconnected)
        #expect(run.entries.contains { $0.kind == .error && $0.text.contains("media") })
        let bare = try makeFlow(
            start: "m",
            #"{"Identifier": "m", "Type": "MessageParticipant", "Parameters": {"Text": "x"}, "Transitions": {"NextAction": "end"}}"#,
            disconnect)
        let failed = await runner.run(bare, on: ScriptedChannel(playError: .failed("media")), context: context())
        guard case .failed(let reason) = failed.ending else {
            Issue.record("expected failure, got \(failed.ending)")
            return
        }
        #expect(reason.contains("media"))
    }

    @Test func loopsStopAtTheStepLimit() async throws {
        let flow = try makeFlow(
            start: "a",
            #"{"Identifier": "a", "Type": "MessageParticipant", "Parameters": {"Text": "again"}, "Transitions": {"NextAction": "b"}}"#,
            #"{"Identifier": "b", "Type": "UpdateContactAttributes", "Parameters": {"Attributes": {"n": "1"}}, "Transitions": {"NextAction": "a"}}"#
        )
        let channel = ScriptedChannel()
        let run = await runner.run(flow, on: channel, context: context(stepLimit: 10))
        #expect(run.ending == .stepLimit)
        #expect(run.steps == 10)
        #expect(run.entries.last?.kind == .error)
        #expect(channel.hangUps == 1)
    }

    @Test func missingNextActionFails() async throws {
        let flow = try makeFlow(
            start: "m", #"{"Identifier": "m", "Type": "MessageParticipant", "Parameters": {"Text": "x"}}"#)
        let run = await runner.run(flow, on: ScriptedChannel(), context: context())
        #expect(run.ending == .failed("no transition from 'm' after the message"))
    }

    @Test func timeoutWithoutBranchFallsBackToNoMatchingError() async throws {
        let flow = try makeFlow(
            start: "g",
            #"{"Identifier": "g", "Type": "GetParticipantInput", "Parameters": {"Text": "Press"}, "Transitions": {"Conditions": [{"NextAction": "end", "Condition": {"Operator": "Equals", "Operands": ["1"]}}], "Errors": [{"NextAction": "fallback", "ErrorType": "NoMatchingError"}]}}"#,
            #"{"Identifier": "fallback", "Type": "MessageParticipant", "Parameters": {"Text": "fallback"}, "Transitions": {"NextAction": "end"}}"#,
            disconnect)
        let run = await runner.run(flow, on: ScriptedChannel(keys: [nil]), context: context())
        #expect(run.spoken.last == "fallback")
    }

    @Test func entriesCarryTheClock() async throws {
        let counter = Counter()
        let context = ContactFlowContext(contactID: "c", now: 100, clock: { counter.next() })
        let run = await runner.run(.oneCallDefault, on: ScriptedChannel(keys: ["1"]), context: context)
        let times = run.entries.map(\.time)
        #expect(times == times.sorted())
        #expect(Set(times).count == times.count)
    }
}

/// A clock that ticks once per reading.
final class Counter: Sendable {
    private let value = Mutex(0.0)
    func next() -> Double {
        value.withLock {
            $0 += 1; return $0
        }
    }
}
