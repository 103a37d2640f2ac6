/// Runs a ``ContactFlow`` on a connected call: speaks its prompts, collects keys, branches, sets attributes,
/// and records everything in a ``ContactFlowRun``.
///
/// A hang-up from the far end ends the run ``ContactFlowRun/Ending/hungUp``. Any other channel error takes the
/// action's `NoMatchingError` branch when it has one and ends the run ``ContactFlowRun/Ending/failed(_:)``
/// otherwise. When no transition applies, the run ends `failed("no transition …")`. The channel is hung up when
/// the run ends, however it ends.
public struct ContactFlowRunner: Sendable {
    /// The most user-defined attributes a contact may hold.
    public static let maximumAttributes = 256

    /// A runner.
    public init() {}

    /// Runs `flow` on `channel` from its `StartAction`.
    public func run(_ flow: ContactFlow, on channel: any VoiceChannel, context: ContactFlowContext) async
        -> ContactFlowRun
    {
        var session = Session(context: context)
        var current = flow.startAction
        var ending: ContactFlowRun.Ending
        loop: while true {
            guard let action = flow.action(current) else {
                // Unreachable for a checked flow; kept so that a hand-built flow cannot trap.
                ending = .failed("no action '\(current)'")
                break
            }
            if session.steps >= context.stepLimit {
                session.record(action.identifier, .error, "stopped after \(context.stepLimit) actions (step limit)")
                ending = .stepLimit
                break
            }
            session.steps += 1
            switch await perform(action, on: channel, session: &session) {
            case .next(let identifier): current = identifier
            case .end(let end):
                ending = end
                break loop
            }
        }
        await channel.hangUp()
        return ContactFlowRun(
            entries: session.entries, inputs: session.inputs, attributes: session.attributes, ending: ending,
            steps: session.steps)
    }

    private enum Outcome {
        case next(String)
        case end(ContactFlowRun.Ending)
    }

    /// The mutable state of one run.
    private struct Session {
        let context: ContactFlowContext
        var attributes: [String: String]
        var storedInput: String?
        var logging = false
        var entries: [ContactFlowRun.Entry] = []
        var inputs: [String] = []
        var steps = 0

        init(context: ContactFlowContext) {
            self.context = context
            self.attributes = context.attributes
        }

        mutating func record(_ action: String, _ kind: ContactFlowRun.Kind, _ text: String) {
            entries.append(.init(time: context.clock(), action: action, kind: kind, text: text, logged: logging))
        }

        var system: [String: String] {
            var values: [String: String] = ["ContactId": context.contactID, "InitialContactId": context.contactID]
            values["Channel"] = "VOICE"
            values["StoredCustomerInput"] = storedInput
            values["CustomerEndpoint.Address"] = context.customerAddress
            values["SystemEndpoint.Address"] = context.systemAddress
            values["Queue.Name"] = context.queueName
            return values
        }

        func render(_ text: ContactFlowText, ssml: Bool = false) -> String {
            text.render(attributes: attributes, system: system, escapingForSSML: ssml)
        }

        func prompt(_ text: ContactFlowAction.PromptText) -> Prompt {
            switch text {
            case .text(let template): return .text(render(template))
            case .ssml(let template): return .ssml(render(template, ssml: true))
            }
        }
    }

    private func follow(_ target: String?, from action: ContactFlowAction, after what: String) -> Outcome {
        guard let target else { return .end(.failed("no transition from '\(action.identifier)' after \(what)")) }
        return .next(target)
    }

    /// Takes the error branch for `errorType` (or `NoMatchingError`), or ends the run.
    private func error(_ errorType: String, from action: ContactFlowAction, session: inout Session, _ text: String)
        -> Outcome
    {
        session.record(action.identifier, .error, text)
        return follow(action.transitions.branch(forError: errorType), from: action, after: "\(errorType): \(text)")
    }

    private func channelError(_ error: any Error, from action: ContactFlowAction, session: inout Session) -> Outcome {
        if let channelError = error as? VoiceChannelError, channelError == .hungUp {
            session.record(action.identifier, .error, "the far end hung up")
            return .end(.hungUp)
        }
        let text: String
        if case .failed(let message)? = error as? VoiceChannelError { text = message } else { text = "\(error)" }
        return self.error(ContactFlowAction.noMatchingError, from: action, session: &session, "channel error: \(text)")
    }

    private static func spokenText(_ prompt: Prompt) -> String {
        switch prompt {
        case .text(let text), .ssml(let text): return text
        }
    }

    private func perform(_ action: ContactFlowAction, on channel: any VoiceChannel, session: inout Session) async
        -> Outcome
    {
        let transitions = action.transitions
        switch action.step {
        case .updateFlowLogging(let enabled):
            // The switch itself is logged when logging is on before or after it.
            if enabled { session.logging = true }
            session.record(action.identifier, .log, enabled ? "flow logging enabled" : "flow logging disabled")
            session.logging = enabled
            return follow(transitions.nextAction, from: action, after: "setting flow logging")

        case .message(let text):
            let prompt = session.prompt(text)
            session.record(action.identifier, .spoke, Self.spokenText(prompt))
            do {
                try await channel.play(prompt)
            } catch {
                return channelError(error, from: action, session: &session)
            }
            return follow(transitions.nextAction, from: action, after: "the message")

        case .getInput(let settings):
            let prompt = settings.prompt.map { session.prompt($0) }
            if let prompt { session.record(action.identifier, .spoke, Self.spokenText(prompt)) }
            let collected: String?
            do {
                collected = try await channel.collectDigits(
                    prompt: prompt, maxDigits: settings.maximumDigits, timeout: Double(settings.timeLimitSeconds))
            } catch {
                return channelError(error, from: action, session: &session)
            }
            guard let digits = Self.clean(collected, settings), !digits.isEmpty else {
                session.record(action.identifier, .timeout, "no input within \(settings.timeLimitSeconds) s")
                let timeoutBranch = transitions.branch(forError: ContactFlowAction.inputTimeLimitExceeded)
                if settings.storeInput, timeoutBranch == nil {
                    // Like Connect's "Store customer input": no error branch stores "Timeout" and goes on.
                    session.storedInput = "Timeout"
                    return follow(transitions.nextAction, from: action, after: "storing the input")
                }
                return follow(timeoutBranch, from: action, after: ContactFlowAction.inputTimeLimitExceeded)
            }
            session.record(action.identifier, .input, digits)
            session.inputs.append(digits)
            if settings.storeInput {
                session.storedInput = digits
                return follow(transitions.nextAction, from: action, after: "storing the input")
            }
            if let target = transitions.branch(for: digits) { return .next(target) }
            return error(
                ContactFlowAction.noMatchingCondition, from: action, session: &session,
                "no condition matches input '\(digits)'")

        case .checkHours(let id):
            let resolved = id.map { session.render(ContactFlowText($0)) }
            guard let hours = session.context.hours(resolved) else {
                return error(
                    ContactFlowAction.noMatchingError, from: action, session: &session,
                    "no hours of operation '\(resolved ?? "(queue)")'")
            }
            let open = hours.isOpen(at: session.context.clock())
            session.record(action.identifier, .hours, "\(hours.name): \(open ? "open" : "closed")")
            if let target = transitions.branch(for: open ? "True" : "False") { return .next(target) }
            return error(
                ContactFlowAction.noMatchingError, from: action, session: &session,
                "no condition for hours \(open ? "True" : "False")")

        case .compare(let template):
            let value = session.render(template)
            if let target = transitions.branch(for: value) {
                session.record(action.identifier, .log, "compared '\(value)'")
                return .next(target)
            }
            return error(
                ContactFlowAction.noMatchingCondition, from: action, session: &session,
                "no condition matches '\(value)'")

        case .updateAttributes(let updates, let related):
            guard !related else {
                return error(
                    ContactFlowAction.noMatchingError, from: action, session: &session,
                    "there is no related contact")
            }
            // All or nothing: render every pair first.
            let pairs = updates.map { (session.render($0.key), session.render($0.value)) }
            let newKeys = Set(pairs.map(\.0)).subtracting(session.attributes.keys)
            guard session.attributes.count + newKeys.count <= Self.maximumAttributes else {
                return error(
                    ContactFlowAction.noMatchingError, from: action, session: &session,
                    "a contact holds at most \(Self.maximumAttributes) attributes")
            }
            for (key, value) in pairs {
                session.attributes[key] = value
                session.record(action.identifier, .attribute, "\(key)=\(value)")
            }
            return follow(transitions.nextAction, from: action, after: "setting attributes")

        case .disconnect:
            session.record(action.identifier, .disconnect, "disconnected")
            await channel.hangUp()
            return .end(.disconnected)
        }
    }

    /// The digits without a trailing termination sequence (or `#`), cut to the maximum.
    private static func clean(_ digits: String?, _ settings: ContactFlowAction.InputSettings) -> String? {
        guard var digits else { return nil }
        if let sequence = settings.terminationSequence, digits.hasSuffix(sequence) {
            digits.removeLast(sequence.count)
        } else if digits.hasSuffix("#") {
            digits.removeLast()
        }
        return String(digits.prefix(settings.maximumDigits))
    }
}
