import Foundation

extension ContactFlow {
    /// The name of the built-in flow.
    public static let oneCallDefaultName = "onecall-default"

    /// The built-in flow that OneCall's outbound calls run unless a queue names another: it reads the ticket,
    /// asks for 1 (acknowledge), 2 (resolve) or 3 (snooze), records the choice in the `onecall_action` attribute,
    /// confirms it and hangs up. A timeout or a wrong key asks once more, then hangs up without a choice.
    ///
    /// Attributes it reads: `unique_id`, `device_id`, `error_code`, `title`, `steps`, `site`.
    public static let oneCallDefault: ContactFlow = {
        do {
            return try ContactFlow(json: Data(oneCallDefaultJSON.utf8), name: oneCallDefaultName, file: "<built-in>")
        } catch {
            fatalError("the built-in OneCall flow is invalid: \(error)")
        }
    }()

    /// The built-in flow's JSON, in the flow language, so that it can be exported, edited and loaded back.
    public static let oneCallDefaultJSON = #"""
        {
          "Version": "2019-10-30",
          "StartAction": "enable-logging",
          "Metadata": {"name": "OneCall default outbound flow"},
          "Actions": [
            {
              "Identifier": "enable-logging",
              "Type": "UpdateFlowLoggingBehavior",
              "Parameters": {"FlowLoggingBehavior": "Enabled"},
              "Transitions": {"NextAction": "read-ticket"}
            },
            {
              "Identifier": "read-ticket",
              "Type": "MessageParticipant",
              "Parameters": {
                "Text": "This is OneCall with an alert at $.Attributes.site. Device $.Attributes.device_id reports error $.Attributes.error_code, $.Attributes.title. Ticket $.Attributes.unique_id. Suggested steps: $.Attributes.steps"
              },
              "Transitions": {
                "NextAction": "ask",
                "Errors": [{"NextAction": "hang-up", "ErrorType": "NoMatchingError"}]
              }
            },
            {
              "Identifier": "ask",
              "Type": "GetParticipantInput",
              "Parameters": {
                "Text": "Press 1 to acknowledge, 2 to resolve, 3 to snooze.",
                "InputTimeLimitSeconds": "8",
                "StoreInput": "False"
              },
              "Transitions": {
                "Conditions": [
                  {"NextAction": "record-acknowledge", "Condition": {"Operator": "Equals", "Operands": ["1"]}},
                  {"NextAction": "record-resolve", "Condition": {"Operator": "Equals", "Operands": ["2"]}},
                  {"NextAction": "record-snooze", "Condition": {"Operator": "Equals", "Operands": ["3"]}}
                ],
                "Errors": [
                  {"NextAction": "not-understood", "ErrorType": "InputTimeLimitExceeded"},
                  {"NextAction": "not-understood", "ErrorType": "NoMatchingCondition"},
                  {"NextAction": "hang-up", "ErrorType": "NoMatchingError"}
                ]
              }
            },
            {
              "Identifier": "not-understood",
              "Type": "MessageParticipant",
              "Parameters": {"Text": "Sorry, that was not a choice."},
              "Transitions": {
                "NextAction": "ask-again",
                "Errors": [{"NextAction": "hang-up", "ErrorType": "NoMatchingError"}]
              }
            },
            {
              "Identifier": "ask-again",
              "Type": "GetParticipantInput",
              "Parameters": {
                "Text": "Press 1 to acknowledge, 2 to resolve, 3 to snooze.",
                "InputTimeLimitSeconds": "8",
                "StoreInput": "False"
              },
              "Transitions": {
                "Conditions": [
                  {"NextAction": "record-acknowledge", "Condition": {"Operator": "Equals", "Operands": ["1"]}},
                  {"NextAction": "record-resolve", "Condition": {"Operator": "Equals", "Operands": ["2"]}},
                  {"NextAction": "record-snooze", "Condition": {"Operator": "Equals", "Operands": ["3"]}}
                ],
                "Errors": [
                  {"NextAction": "no-choice", "ErrorType": "InputTimeLimitExceeded"},
                  {"NextAction": "no-choice", "ErrorType": "NoMatchingCondition"},
                  {"NextAction": "hang-up", "ErrorType": "NoMatchingError"}
                ]
              }
            },
            {
              "Identifier": "no-choice",
              "Type": "MessageParticipant",
              "Parameters": {"Text": "No choice was made. OneCall will try again. Goodbye."},
              "Transitions": {
                "NextAction": "hang-up",
                "Errors": [{"NextAction": "hang-up", "ErrorType": "NoMatchingError"}]
              }
            },
            {
              "Identifier": "record-acknowledge",
              "Type": "UpdateContactAttributes",
              "Parameters": {"Attributes": {"onecall_action": "acknowledge"}, "TargetContact": "Current"},
              "Transitions": {
                "NextAction": "confirm-acknowledge",
                "Errors": [{"NextAction": "hang-up", "ErrorType": "NoMatchingError"}]
              }
            },
            {
              "Identifier": "confirm-acknowledge",
              "Type": "MessageParticipant",
              "Parameters": {"Text": "Acknowledged. Ticket $.Attributes.unique_id is assigned to you. Goodbye."},
              "Transitions": {
                "NextAction": "hang-up",
                "Errors": [{"NextAction": "hang-up", "ErrorType": "NoMatchingError"}]
              }
            },
            {
              "Identifier": "record-resolve",
              "Type": "UpdateContactAttributes",
              "Parameters": {"Attributes": {"onecall_action": "resolve"}, "TargetContact": "Current"},
              "Transitions": {
                "NextAction": "confirm-resolve",
                "Errors": [{"NextAction": "hang-up", "ErrorType": "NoMatchingError"}]
              }
            },
            {
              "Identifier": "confirm-resolve",
              "Type": "MessageParticipant",
              "Parameters": {"Text": "Ticket $.Attributes.unique_id is marked resolved. Goodbye."},
              "Transitions": {
                "NextAction": "hang-up",
                "Errors": [{"NextAction": "hang-up", "ErrorType": "NoMatchingError"}]
              }
            },
            {
              "Identifier": "record-snooze",
              "Type": "UpdateContactAttributes",
              "Parameters": {"Attributes": {"onecall_action": "snooze"}, "TargetContact": "Current"},
              "Transitions": {
                "NextAction": "confirm-snooze",
                "Errors": [{"NextAction": "hang-up", "ErrorType": "NoMatchingError"}]
              }
            },
            {
              "Identifier": "confirm-snooze",
              "Type": "MessageParticipant",
              "Parameters": {"Text": "Snoozed. OneCall will call you again later. Goodbye."},
              "Transitions": {
                "NextAction": "hang-up",
                "Errors": [{"NextAction": "hang-up", "ErrorType": "NoMatchingError"}]
              }
            },
            {
              "Identifier": "hang-up",
              "Type": "DisconnectParticipant",
              "Parameters": {},
              "Transitions": {}
            }
          ]
        }
        """#
}
