import Synchronization

/// A call answered by the ``LocalVoiceProvider``: prompts are written to the transcript, keys come from the
/// script.
final class LocalVoiceChannel: VoiceChannel {
    private struct State {
        var keys: [LocalVoiceScript.Key]
        var prompts = 0
        var hungUp = false
    }

    private let provider: LocalVoiceProvider
    private let slot: Int
    private let hangUpAfterPrompts: Int?
    private let state: Mutex<State>

    init(provider: LocalVoiceProvider, slot: Int, keys: [LocalVoiceScript.Key], hangUpAfterPrompts: Int?) {
        self.provider = provider
        self.slot = slot
        self.hangUpAfterPrompts = hangUpAfterPrompts
        self.state = Mutex(State(keys: keys))
    }

    /// The words of a prompt; SSML markup is dropped and the five XML entities decoded.
    static func words(_ prompt: Prompt) -> String {
        switch prompt {
        case .text(let text): return text
        case .ssml(let markup):
            var text = ""
            var inTag = false
            for character in markup {
                if character == "<" {
                    inTag = true
                } else if character == ">" {
                    inTag = false
                } else if !inTag {
                    text.append(character)
                }
            }
            for (entity, character) in [
                ("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&apos;", "'"), ("&amp;", "&"),
            ] {
                text = text.replacingOccurrences(of: entity, with: character)
            }
            return text.trimmingSpaces
        }
    }

    /// Speaks `prompt`; throws when the call is over or the script hangs up after it.
    private func speak(_ prompt: Prompt) throws(VoiceChannelError) {
        let hangUpNow: Bool = try state.withLock { state throws(VoiceChannelError) in
            if state.hungUp { throw .hungUp }
            state.prompts += 1
            if let limit = hangUpAfterPrompts, state.prompts > limit {
                state.hungUp = true
                return true
            }
            return false
        }
        if hangUpNow {
            provider.append(slot, "hung up by callee")
            provider.end(slot)
            throw .hungUp
        }
        provider.append(slot, "spoke: \(Self.words(prompt))")
    }

    func play(_ prompt: Prompt) async throws {
        try speak(prompt)
    }

    func collectDigits(prompt: Prompt?, maxDigits: Int, timeout: Double) async throws -> String? {
        if let prompt { try speak(prompt) }
        let key: LocalVoiceScript.Key? = try state.withLock { state throws(VoiceChannelError) in
            if state.hungUp { throw .hungUp }
            guard !state.keys.isEmpty else { return nil }
            let key = state.keys.removeFirst()
            if key == .hangUp { state.hungUp = true }
            return key
        }
        switch key {
        case .press(let keys)?:
            let digits = String(keys.prefix { $0 != "#" }.prefix(max(1, maxDigits)))
            provider.append(slot, "pressed: \(digits)")
            return digits
        case .hangUp?:
            provider.append(slot, "hung up by callee")
            provider.end(slot)
            throw VoiceChannelError.hungUp
        case .silence?, nil:
            provider.append(slot, "timeout after \(Int(timeout)) s")
            return nil
        }
    }

    func hangUp() async {
        let first = state.withLock { state -> Bool in
            defer { state.hungUp = true }
            return !state.hungUp
        }
        if first { provider.append(slot, "hung up") }
        provider.end(slot)
    }
}
