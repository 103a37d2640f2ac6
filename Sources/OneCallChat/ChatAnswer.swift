import OneCallCore

/// The chat's answer to one message: Markdown text, the facts it rests on, and what the question
/// was understood to ask.
public struct ChatAnswer: Sendable, Hashable {
    /// The answer, in short Markdown.
    public var answer: String
    /// The stored data the answer used, in the order it was used.
    public var facts: [ChatFact]
    /// What the question was understood to ask (`device`, `error_code`, `device_ticket`,
    /// `ticket_status`, `ticket_list`, `problems`, `telemetry`, `knowledge`).
    public var intent: String
    /// Whether the answer rests on stored data; `false` when the data holds no answer.
    public var grounded: Bool

    /// An answer; `grounded` defaults to whether any fact was used.
    public init(answer: String, facts: [ChatFact], intent: String, grounded: Bool? = nil) {
        self.answer = answer
        self.facts = facts
        self.intent = intent
        self.grounded = grounded ?? !facts.isEmpty
    }

    /// `{"answer": "...", "facts": [{"kind", "source", "text"}], "intent": "..."}`.
    public var jsonValue: JSONValue {
        let facts: [JSONValue] = facts.map { fact in
            ["kind": .string(fact.kind.rawValue), "source": .string(fact.source), "text": .string(fact.text)]
        }
        return ["answer": .string(answer), "facts": .array(facts), "intent": .string(intent)]
    }

    /// The answer as compact JSON text (see `jsonValue`).
    public var json: String { jsonValue.jsonString }
}
