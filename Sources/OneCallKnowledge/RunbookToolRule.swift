/// When a phrase of an action list asks for a tool: it holds one of ``phrases``, or one of ``verbs``
/// together with one of ``objects`` elsewhere in it.
///
/// Words are compared lowercased, letters and digits only (`clear_fault` reads as `clear fault`,
/// `on-call` as `on call`), apostrophes dropped, and the vocabulary's ignored words (`a`, `the`, …)
/// left out of both sides, so `send a reset command` matches the phrase `reset command`.
public struct RunbookToolRule: Sendable, Hashable {
    /// The tool the phrase asks for.
    public var tool: RunbookTool
    /// Word sequences that ask for the tool wherever they appear: `by phone`, `reset command`.
    public var phrases: [String]
    /// Verbs, in every form that should match (`log`, `logs`, `logged`, `logging`).
    public var verbs: [String]
    /// Objects for the verbs, a word or a word sequence (`ticket`, `work order`).
    public var objects: [String]

    /// Creates a rule.
    public init(tool: RunbookTool, phrases: [String] = [], verbs: [String] = [], objects: [String] = []) {
        self.tool = tool
        self.phrases = phrases
        self.verbs = verbs
        self.objects = objects
    }
}
