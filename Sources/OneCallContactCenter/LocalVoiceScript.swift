/// What the ``LocalVoiceProvider`` does when it is asked to call a destination: per destination (or by
/// default), a list of behaviours used one per dial, the last repeating.
public struct LocalVoiceScript: Sendable, Hashable {
    /// One thing the "callee" does during a call, in order.
    public enum Key: Sendable, Hashable {
        /// Presses these keys at the next input.
        case press(String)
        /// Presses nothing at the next input (a timeout, reported at once).
        case silence
        /// Hangs up at the next input.
        case hangUp
    }

    /// How one dial goes.
    public enum Behavior: Sendable, Hashable {
        /// Answers and presses `keys` at successive inputs; once they run out every input times out.
        /// `hangUpAfterPrompts` hangs up when that many prompts have been played.
        case answer(keys: [Key], hangUpAfterPrompts: Int? = nil)
        /// Rings out.
        case noAnswer
        /// Is busy.
        case busy
        /// Refuses with a status.
        case reject(status: Int, reason: String)
        /// Cannot be reached.
        case fail(String)

        /// Answers and presses each key string in turn (`"1"`; an empty string is silence).
        public static func answers(_ keys: String...) -> Behavior {
            .answer(keys: keys.map { $0.isEmpty ? .silence : .press($0) })
        }
    }

    /// Behaviours by destination (the dialled text, exactly).
    public var destinations: [String: [Behavior]]
    /// Behaviours for destinations not listed.
    public var fallback: [Behavior]

    /// A script; by default every call is answered and nothing is pressed.
    public init(destinations: [String: [Behavior]] = [:], fallback: [Behavior] = [.answer(keys: [])]) {
        self.destinations = destinations
        self.fallback = fallback
    }

    /// The behaviour for the `dialCount`-th dial (0-based) to `destination`.
    public func behavior(for destination: String, dialCount: Int) -> Behavior {
        let list = destinations[destination] ?? fallback
        guard !list.isEmpty else { return .answer(keys: []) }
        return list[min(dialCount, list.count - 1)]
    }
}
