/// What happened when a flow ran on a call: a transcript, the keys collected, the final attributes and how it
/// ended.
public struct ContactFlowRun: Sendable, Hashable {
    /// How a run ended.
    public enum Ending: Sendable, Hashable {
        /// A `DisconnectParticipant` action ended the call.
        case disconnected
        /// The far end hung up.
        case hungUp
        /// The run executed ``ContactFlowContext/stepLimit`` actions (a loop) and was stopped.
        case stepLimit
        /// The run could not go on: no transition applied, or a channel error had no error branch.
        case failed(String)
    }

    /// What a transcript entry records.
    public enum Kind: String, Sendable, Hashable {
        /// A prompt was spoken.
        case spoke
        /// Keys were pressed.
        case input
        /// Nothing was pressed in time.
        case timeout
        /// An attribute was set.
        case attribute
        /// Hours of operation were checked.
        case hours
        /// Flow logging or a branch decision.
        case log
        /// The call was ended by the flow.
        case disconnect
        /// Something went wrong (channel error, no transition, missing hours).
        case error
    }

    /// One line of the transcript.
    public struct Entry: Sendable, Hashable {
        /// When it happened (seconds since 1970, from the context's clock).
        public var time: Double
        /// The action that produced it.
        public var action: String
        /// What it records.
        public var kind: Kind
        /// The text: what was spoken, the keys, `name=value`, `open`/`closed`, the error.
        public var text: String
        /// Whether flow logging was enabled when it happened.
        public var logged: Bool

        /// An entry from values.
        public init(time: Double, action: String, kind: Kind, text: String, logged: Bool) {
            self.time = time
            self.action = action
            self.kind = kind
            self.text = text
            self.logged = logged
        }
    }

    /// The transcript, in order.
    public var entries: [Entry]
    /// Every input collected, in order.
    public var inputs: [String]
    /// The contact's attributes at the end.
    public var attributes: [String: String]
    /// How the run ended.
    public var ending: Ending
    /// How many actions ran.
    public var steps: Int

    /// A run from values.
    public init(
        entries: [Entry] = [], inputs: [String] = [], attributes: [String: String] = [:], ending: Ending, steps: Int = 0
    ) {
        self.entries = entries
        self.inputs = inputs
        self.attributes = attributes
        self.ending = ending
        self.steps = steps
    }

    /// The last input collected, if any.
    public var lastInput: String? { inputs.last }

    /// The texts spoken, in order.
    public var spoken: [String] { entries.filter { $0.kind == .spoke }.map(\.text) }

    /// The transcript entries that were made while flow logging was on.
    public var loggedEntries: [Entry] { entries.filter(\.logged) }
}
