import Foundation
import Testing

@testable import OneCallContactCenter

@Suite struct ContactFlowLoadingTests {
    let disconnect = #"{"Identifier": "end", "Type": "DisconnectParticipant", "Parameters": {}, "Transitions": {}}"#

    @Test func loadsAMinimalFlow() throws {
        let flow = try makeFlow(
            start: "hello",
            #"{"Identifier": "hello", "Type": "MessageParticipant", "Parameters": {"Text": "Hi"}, "Transitions": {"NextAction": "end"}}"#,
            disconnect)
        #expect(flow.actions.count == 2)
        #expect(flow.action("hello")?.type == .messageParticipant)
        #expect(flow.action("end")?.step == .disconnect)
    }

    @Test func refusesInvalidJSON() {
        let error = expectLoadError(.invalidJSON, Data("{\"Version\": ".utf8))
        #expect(error?.item == "(file)")
    }

    @Test func refusesMissingTopLevelKeys() {
        expectLoadError(.missingKey, Data(#"{"Version": "2019-10-30", "Actions": []}"#.utf8))
        expectLoadError(.missingKey, Data(#"{"Version": "2019-10-30", "StartAction": "a"}"#.utf8))
        expectLoadError(.missingKey, Data(#"{"StartAction": "a", "Actions": []}"#.utf8))
        expectLoadError(.invalidValue, Data(#"{"Version": "2020-01-01", "StartAction": "a", "Actions": []}"#.utf8))
    }

    @Test func refusesUnknownActionType() {
        let error = expectLoadError(
            .unknownActionType,
            flowJSON(start: "x", #"{"Identifier": "x", "Type": "InvokeLambdaFunction", "Parameters": {}}"#))
        #expect(error?.item == "x")
        #expect(error?.description == "flows/bad.json: x: unknown action type 'InvokeLambdaFunction'")
    }

    @Test func refusesDuplicateIdentifier() {
        let error = expectLoadError(.duplicateIdentifier, flowJSON(start: "end", disconnect, disconnect))
        #expect(error?.item == "end")
    }

    @Test func refusesDanglingTransitions() {
        let start = expectLoadError(.danglingTransition, flowJSON(start: "nowhere", disconnect))
        #expect(start?.item == "StartAction")
        let next = expectLoadError(
            .danglingTransition,
            flowJSON(
                start: "m",
                #"{"Identifier": "m", "Type": "MessageParticipant", "Parameters": {"Text": "x"}, "Transitions": {"NextAction": "gone"}}"#
            ))
        #expect(next?.item == "m")
        #expect(next?.reason.contains("dangling transition to 'gone'") == true)
        let fromError = expectLoadError(
            .danglingTransition,
            flowJSON(
                start: "m",
                #"{"Identifier": "m", "Type": "MessageParticipant", "Parameters": {"Text": "x"}, "Transitions": {"NextAction": "end", "Errors": [{"NextAction": "lost", "ErrorType": "NoMatchingError"}]}}"#,
                disconnect))
        #expect(fromError?.item == "m")
    }

    @Test func refusesMissingParameters() {
        let message = expectLoadError(
            .missingParameter,
            flowJSON(start: "m", #"{"Identifier": "m", "Type": "MessageParticipant", "Parameters": {}}"#))
        #expect(message?.item == "m")
        #expect(message?.reason.contains("Text or SSML") == true)
        expectLoadError(
            .missingParameter,
            flowJSON(start: "c", #"{"Identifier": "c", "Type": "Compare", "Parameters": {}}"#))
        expectLoadError(
            .missingParameter,
            flowJSON(start: "u", #"{"Identifier": "u", "Type": "UpdateContactAttributes", "Parameters": {}}"#))
        expectLoadError(
            .missingParameter,
            flowJSON(start: "l", #"{"Identifier": "l", "Type": "UpdateFlowLoggingBehavior", "Parameters": {}}"#))
        expectLoadError(
            .invalidValue,
            flowJSON(
                start: "l",
                #"{"Identifier": "l", "Type": "UpdateFlowLoggingBehavior", "Parameters": {"FlowLoggingBehavior": "On"}}"#
            ))
        expectLoadError(
            .invalidValue,
            flowJSON(
                start: "m",
                #"{"Identifier": "m", "Type": "MessageParticipant", "Parameters": {"Text": "a", "SSML": "<speak>b</speak>"}}"#
            ))
        expectLoadError(
            .invalidValue,
            flowJSON(
                start: "m", #"{"Identifier": "m", "Type": "MessageParticipant", "Parameters": {"PromptId": "arn:x"}}"#))
    }

    @Test func hoursIdIsOptional() throws {
        let flow = try makeFlow(
            start: "h",
            #"{"Identifier": "h", "Type": "CheckHoursOfOperation", "Parameters": {}, "Transitions": {"Conditions": [{"NextAction": "end", "Condition": {"Operator": "Equals", "Operands": ["True"]}}, {"NextAction": "end", "Condition": {"Operator": "Equals", "Operands": ["False"]}}]}}"#,
            disconnect)
        #expect(flow.action("h")?.step == .checkHours(hoursOfOperationID: nil))
    }

    @Test func refusesUnsupportedOperatorsAndErrorTypes() {
        let unknown = expectLoadError(
            .unsupportedOperator,
            flowJSON(
                start: "c",
                #"{"Identifier": "c", "Type": "Compare", "Parameters": {"ComparisonValue": "$.Attributes.x"}, "Transitions": {"Conditions": [{"NextAction": "end", "Condition": {"Operator": "Matches", "Operands": ["a"]}}]}}"#,
                disconnect))
        #expect(unknown?.item == "c Conditions[0]")
        expectLoadError(
            .unsupportedOperator,
            flowJSON(
                start: "g",
                #"{"Identifier": "g", "Type": "GetParticipantInput", "Parameters": {"Text": "x"}, "Transitions": {"Conditions": [{"NextAction": "end", "Condition": {"Operator": "NumberGreaterThan", "Operands": ["1"]}}]}}"#,
                disconnect))
        expectLoadError(
            .unsupportedOperator,
            flowJSON(
                start: "m",
                #"{"Identifier": "m", "Type": "MessageParticipant", "Parameters": {"Text": "x"}, "Transitions": {"Conditions": [{"NextAction": "end", "Condition": {"Operator": "Equals", "Operands": ["1"]}}]}}"#,
                disconnect))
        expectLoadError(
            .unsupportedErrorType,
            flowJSON(
                start: "m",
                #"{"Identifier": "m", "Type": "MessageParticipant", "Parameters": {"Text": "x"}, "Transitions": {"NextAction": "end", "Errors": [{"NextAction": "end", "ErrorType": "InputTimeLimitExceeded"}]}}"#,
                disconnect))
        expectLoadError(
            .invalidValue,
            flowJSON(
                start: "h",
                #"{"Identifier": "h", "Type": "CheckHoursOfOperation", "Parameters": {}, "Transitions": {"Conditions": [{"NextAction": "end", "Condition": {"Operator": "Equals", "Operands": ["Yes"]}}]}}"#,
                disconnect))
    }

    @Test func enforcesLimits() {
        let longText = String(repeating: "a", count: ContactFlow.maximumTextBytes + 1)
        let text = expectLoadError(
            .tooLarge,
            flowJSON(
                start: "m",
                #"{"Identifier": "m", "Type": "MessageParticipant", "Parameters": {"Text": "\#(longText)"}}"#))
        #expect(text?.item == "m")
        let many = (0...ContactFlow.maximumActions).map {
            #"{"Identifier": "a\#($0)", "Type": "DisconnectParticipant"}"#
        }
        let json = Data(
            #"{"Version": "2019-10-30", "StartAction": "a0", "Actions": [\#(many.joined(separator: ","))]}"#.utf8)
        expectLoadError(.tooLarge, json)
        expectLoadError(.tooLarge, Data(repeating: 0x20, count: ContactFlow.maximumBytes + 1))
        let longID = String(repeating: "x", count: 51)
        expectLoadError(
            .invalidValue, flowJSON(start: longID, #"{"Identifier": "\#(longID)", "Type": "DisconnectParticipant"}"#))
    }

    @Test func readsGetParticipantInputParameters() throws {
        let flow = try makeFlow(
            start: "g",
            #"{"Identifier": "g", "Type": "GetParticipantInput", "Parameters": {"SSML": "<speak>Enter</speak>", "InputTimeLimitSeconds": "7", "StoreInput": "True", "InputValidation": {"CustomValidation": {"MaximumLength": "4"}}, "DTMFConfiguration": {"InputTerminationSequence": "*"}}, "Transitions": {"NextAction": "end", "Errors": [{"NextAction": "end", "ErrorType": "InputTimeLimitExceeded"}, {"NextAction": "end", "ErrorType": "NoMatchingError"}]}}"#,
            disconnect)
        guard case .getInput(let settings)? = flow.action("g")?.step else {
            Issue.record("not an input step")
            return
        }
        #expect(settings.timeLimitSeconds == 7)
        #expect(settings.storeInput)
        #expect(settings.maximumLength == 4)
        #expect(settings.maximumDigits == 4)
        #expect(settings.terminationSequence == "*")
        #expect(settings.prompt == .ssml(ContactFlowText("<speak>Enter</speak>")))
    }

    @Test func defaultsInputTimeLimitToFiveSeconds() throws {
        let flow = try makeFlow(
            start: "g", #"{"Identifier": "g", "Type": "GetParticipantInput", "Parameters": {"Text": "Press"}}"#)
        guard case .getInput(let settings)? = flow.action("g")?.step else {
            Issue.record("not an input step")
            return
        }
        #expect(settings.timeLimitSeconds == 5)
        #expect(!settings.storeInput)
        #expect(settings.maximumDigits == 1)
    }

    @Test func builtInFlowLoads() {
        let flow = ContactFlow.oneCallDefault
        #expect(flow.name == ContactFlow.oneCallDefaultName)
        #expect(flow.startAction == "enable-logging")
    }

    @Test func referenceFixtureLoadsUnchanged() throws {
        let url = try #require(
            Bundle.module.url(forResource: "reference-flow", withExtension: "json", subdirectory: "Fixtures"))
        let flow = try ContactFlow(json: Data(contentsOf: url), name: "reference-flow", file: url.lastPathComponent)
        #expect(flow.actions.map(\.type) == [.updateFlowLoggingBehavior, .messageParticipant, .disconnectParticipant])
    }
}
