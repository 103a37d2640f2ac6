extension EscalationPolicy.Outcome {
    /// The attribute the built-in flow sets to `acknowledge`, `resolve` or `snooze`.
    public static let actionAttribute = "onecall_action"

    /// The outcome of an answered call, from the flow's `onecall_action` attribute: `acknowledge`, `resolve`
    /// and `snooze` map to their outcomes; anything else (no key, a hang-up, a failed flow) is
    /// ``answeredNoKey``.
    public init(run: ContactFlowRun) {
        switch run.attributes[Self.actionAttribute]?.lowercased() {
        case "acknowledge", "acknowledged": self = .acknowledged
        case "resolve", "resolved": self = .resolved
        case "snooze", "snoozed": self = .snoozed
        default: self = .answeredNoKey
        }
    }

    /// The outcome of a call that was not answered.
    public init(dialFailure: DialFailure) {
        switch dialFailure {
        case .noAnswer: self = .noAnswer
        case .busy: self = .busy
        case .rejected: self = .rejected
        case .failed: self = .failed
        }
    }
}
