import OneCallCore

/// What the runbook for one error code says to do: the troubleshooting steps for the ticket and
/// the tools to run, each at most once, in the guide's order.
public struct RunbookPlan: Sendable, Hashable {
    /// The error code planned for.
    public var code: String
    /// The title of the section the plan comes from, if a section covers the code.
    public var sectionTitle: String?
    /// The document of that section.
    public var documentName: String?
    /// The section's severity field, if it has one.
    public var severity: String?
    /// The section's fault type field, if it has one.
    public var faultType: String?
    /// The troubleshooting steps, one per item.
    public var steps: [String]
    /// The tools to run, each at most once, in order.
    public var actions: [RunbookAction]
    /// Phrases of the action list that map to no tool.
    public var unmapped: [String]
    /// Other documents that also define the code (the plan follows the most recent one).
    public var otherDocuments: [String]
    /// Why a person should look at the plan; empty when nothing is wrong.
    public var attentionReasons: [RunbookAttentionReason]

    /// A plan; `RunbookPlanner` makes them.
    public init(
        code: String, sectionTitle: String? = nil, documentName: String? = nil, severity: String? = nil,
        faultType: String? = nil, steps: [String] = [], actions: [RunbookAction] = [], unmapped: [String] = [],
        otherDocuments: [String] = [], attentionReasons: [RunbookAttentionReason] = []
    ) {
        self.code = code
        self.sectionTitle = sectionTitle
        self.documentName = documentName
        self.severity = severity
        self.faultType = faultType
        self.steps = steps
        self.actions = actions
        self.unmapped = unmapped
        self.otherDocuments = otherDocuments
        self.attentionReasons = attentionReasons
    }

    /// The tools in order.
    public var tools: [RunbookTool] { actions.map(\.tool) }

    /// No section of the knowledge base covers the code.
    public var noRunbook: Bool { attentionReasons.contains(.noRunbook) }

    /// A person should look at the ticket: no runbook, no action list, or phrases that map to no tool.
    public var needsAttention: Bool { !attentionReasons.isEmpty }

    /// The plan as JSON: `code`, `steps`, `actions` (`[{"tool": …}]`) and `unmapped` first, then
    /// `section`, `document`, `severity`, `fault_type`, `no_runbook`, `needs_attention`, `attention`,
    /// `sources` (the phrase behind each action) and `also_defined_in`.
    public var json: JSONValue {
        func optional(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
        let object: JSONObject = [
            "code": .string(code),
            "steps": .array(steps.map(JSONValue.string)),
            "actions": .array(actions.map { ["tool": .string($0.tool.rawValue)] }),
            "unmapped": .array(unmapped.map(JSONValue.string)),
            "section": optional(sectionTitle),
            "document": optional(documentName),
            "severity": optional(severity),
            "fault_type": optional(faultType),
            "no_runbook": .bool(noRunbook),
            "needs_attention": .bool(needsAttention),
            "attention": .array(attentionReasons.map { .string($0.rawValue) }),
            "sources": .array(actions.map { .string($0.phrase) }),
            "also_defined_in": .array(otherDocuments.map(JSONValue.string)),
        ]
        return .object(object)
    }
}
