/// One step of a contact flow: its identifier, what it does (typed parameters) and where it goes next.
public struct ContactFlowAction: Sendable, Hashable {
    /// The action types OneCall runs (`Type` in the flow language).
    public enum ActionType: String, Sendable, Hashable, CaseIterable {
        /// Turns flow logging on or off.
        case updateFlowLoggingBehavior = "UpdateFlowLoggingBehavior"
        /// Speaks a prompt.
        case messageParticipant = "MessageParticipant"
        /// Speaks a prompt and collects keypresses.
        case getParticipantInput = "GetParticipantInput"
        /// Branches on whether hours of operation are open.
        case checkHoursOfOperation = "CheckHoursOfOperation"
        /// Branches on a value.
        case compare = "Compare"
        /// Sets contact attributes.
        case updateContactAttributes = "UpdateContactAttributes"
        /// Ends the call.
        case disconnectParticipant = "DisconnectParticipant"

        /// The error types the action may raise (and so may name in `Transitions.Errors`).
        public var errorTypes: Set<String> {
            switch self {
            case .updateFlowLoggingBehavior, .disconnectParticipant: return [noMatchingError]
            case .messageParticipant, .checkHoursOfOperation, .updateContactAttributes: return [noMatchingError]
            case .getParticipantInput:
                return [inputTimeLimitExceeded, noMatchingCondition, noMatchingError, "InvalidPhoneNumber"]
            case .compare: return [noMatchingCondition, noMatchingError]
            }
        }

        /// The operators its conditions may use; empty when it takes no conditions.
        public var operators: Set<ContactFlowOperator> {
            switch self {
            case .getParticipantInput, .checkHoursOfOperation: return [.equals]
            case .compare: return Set(ContactFlowOperator.allCases)
            default: return []
            }
        }
    }

    /// What is spoken: plain text or SSML, each with references.
    public enum PromptText: Sendable, Hashable {
        /// Plain text.
        case text(ContactFlowText)
        /// SSML (`<speak>…</speak>`).
        case ssml(ContactFlowText)
    }

    /// How `GetParticipantInput` collects keys.
    public struct InputSettings: Sendable, Hashable {
        /// The prompt spoken before collecting, if any.
        public var prompt: PromptText?
        /// Seconds to wait for the first key (`InputTimeLimitSeconds`, default 5).
        public var timeLimitSeconds: Int
        /// Whether the input is stored in `$.StoredCustomerInput` (several digits) rather than matched against
        /// conditions (one digit).
        public var storeInput: Bool
        /// The most digits collected when storing (`InputValidation.CustomValidation.MaximumLength`).
        public var maximumLength: Int
        /// The keys that end the input early (`DTMFConfiguration.InputTerminationSequence`), if set.
        public var terminationSequence: String?

        /// Input settings from values.
        public init(
            prompt: PromptText?, timeLimitSeconds: Int = 5, storeInput: Bool = false, maximumLength: Int = 1,
            terminationSequence: String? = nil
        ) {
            self.prompt = prompt
            self.timeLimitSeconds = timeLimitSeconds
            self.storeInput = storeInput
            self.maximumLength = maximumLength
            self.terminationSequence = terminationSequence
        }

        /// How many digits a channel should collect.
        public var maximumDigits: Int { storeInput ? maximumLength : 1 }
    }

    /// One attribute to set: key and value, each with references.
    public struct AttributeUpdate: Sendable, Hashable {
        /// The attribute name.
        public var key: ContactFlowText
        /// Its new value.
        public var value: ContactFlowText

        /// An update from values.
        public init(key: ContactFlowText, value: ContactFlowText) {
            self.key = key
            self.value = value
        }
    }

    /// What the action does, with its parameters read and checked.
    public enum Step: Sendable, Hashable {
        /// `UpdateFlowLoggingBehavior`.
        case updateFlowLogging(enabled: Bool)
        /// `MessageParticipant`.
        case message(PromptText)
        /// `GetParticipantInput`.
        case getInput(InputSettings)
        /// `CheckHoursOfOperation`; nil means the queue's hours.
        case checkHours(hoursOfOperationID: String?)
        /// `Compare` on the rendered value.
        case compare(ContactFlowText)
        /// `UpdateContactAttributes`; `related` is `TargetContact: Related`, which OneCall has none of.
        case updateAttributes([AttributeUpdate], related: Bool)
        /// `DisconnectParticipant`.
        case disconnect
    }

    /// `NoMatchingError`: the catch-all error branch.
    public static let noMatchingError = "NoMatchingError"
    /// `NoMatchingCondition`: no condition matched the result.
    public static let noMatchingCondition = "NoMatchingCondition"
    /// `InputTimeLimitExceeded`: nothing was pressed in time.
    public static let inputTimeLimitExceeded = "InputTimeLimitExceeded"

    /// The identifier, unique in the flow (a UUID in exports, or a readable name).
    public var identifier: String
    /// The action type.
    public var type: ActionType
    /// The parameters, typed.
    public var step: Step
    /// Where the flow goes next.
    public var transitions: ContactFlowTransitions

    /// An action from values (no checks; ``ContactFlow`` checks the whole flow).
    public init(identifier: String, type: ActionType, step: Step, transitions: ContactFlowTransitions) {
        self.identifier = identifier
        self.type = type
        self.step = step
        self.transitions = transitions
    }
}
