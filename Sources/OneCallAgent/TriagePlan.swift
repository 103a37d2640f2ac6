import OneCallCore

/// What triage does about one error: the ticket's content and the tools to run, in order.
public struct TriagePlan: Sendable, Hashable {
    public var code: String
    /// Tool wire names, each at most once, in the guide's order.
    public var tools: [String]
    public var steps: [String]
    public var severity: String?
    public var title: String?
    /// No section of the knowledge base covers the code.
    public var noRunbook: Bool
    /// What a person should look at: phrases that map to no tool, a missing action list, a planner
    /// that fell back.
    public var attention: [String]
    /// The plan as recorded on the ticket.
    public var json: JSONObject

    public init(
        code: String, tools: [String], steps: [String] = [], severity: String? = nil, title: String? = nil,
        noRunbook: Bool = false, attention: [String] = [], json: JSONObject = JSONObject()
    ) {
        self.code = code
        self.tools = tools
        self.steps = steps
        self.severity = severity
        self.title = title
        self.noRunbook = noRunbook
        self.attention = attention
        self.json = json
    }
}

/// Turns an error into a plan (the runbook planner over the knowledge base, or an LLM checked
/// against it).
public protocol TriagePlanning: Sendable {
    func plan(for event: ErrorEvent) async -> TriagePlan
}
