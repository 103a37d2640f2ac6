import OneCallCore

/// What the knowledge base says to do about one error code: the technician's troubleshooting steps and
/// the tools the system runs, in the guide's order, each at most once.
public struct RunbookPlan: Sendable, Hashable {
    /// The code as it was asked for.
    public var code: String
    /// A short name for the fault: the heading's words besides the code (`High temperature` from
    /// `### E1 — High temperature`), else a `Title`, `Name`, `Fault`, `Description` or `Fault type` field.
    public var title: String?
    /// The `Severity` (or `Priority`, `Criticality`, `Urgency`) field.
    public var severity: String?
    /// The `Fault type` (or `Failure type`, `Type`, `Category`) field.
    public var faultType: String?
    /// The troubleshooting steps for a technician, in order.
    public var steps: [String]
    /// The tools to run, in order, each tool at most once.
    public var actions: [PlannedAction]
    /// Phrases of the action list that map to no tool, verbatim (and negated ones such as `Do not call
    /// the operator`, which never become actions). A person should read them.
    public var unmapped: [String]
    /// Every `Name: value` field of the section, by name lowercased with `_` read as a space
    /// (`fault type`, `severity`, `troubleshooting steps`); the first of a repeated name wins.
    public var fields: [String: String]
    /// Whether the knowledge base has a section for the code.
    public var sectionFound: Bool
    /// Whether that section has an action list, even an empty one (`No action required.`). Without one
    /// the plan opens a ticket so that a person sees the fault.
    public var actionListFound: Bool
    /// The document the section is in.
    public var documentName: String?
    /// The heading that names the code.
    public var heading: String?

    /// Creates a plan.
    public init(
        code: String, title: String? = nil, severity: String? = nil, faultType: String? = nil, steps: [String] = [],
        actions: [PlannedAction] = [], unmapped: [String] = [], fields: [String: String] = [:],
        sectionFound: Bool, actionListFound: Bool, documentName: String? = nil, heading: String? = nil
    ) {
        self.code = code
        self.title = title
        self.severity = severity
        self.faultType = faultType
        self.steps = steps
        self.actions = actions
        self.unmapped = unmapped
        self.fields = fields
        self.sectionFound = sectionFound
        self.actionListFound = actionListFound
        self.documentName = documentName
        self.heading = heading
    }

    /// Whether the knowledge base has nothing for the code: the ticket must be marked "no runbook" and a
    /// person notified.
    public var noRunbook: Bool { !sectionFound }

    /// Whether a person must look at the plan: no runbook, no action list, or unmapped phrases.
    public var needsAttention: Bool { noRunbook || !actionListFound || !unmapped.isEmpty }

    /// The tools in order.
    public var tools: [RunbookTool] { actions.map(\.tool) }

    /// The plan as JSON: `code`, `steps`, `actions` (`[{"tool": "log_ticket"}, …]`) and `unmapped` first,
    /// then `sectionFound`, `noRunbook`, `actionListFound`, `needsAttention`, and `title`, `severity`,
    /// `faultType`, `document` and `heading` when known.
    public var json: JSONValue {
        var object = JSONObject()
        object["code"] = .string(code)
        object["steps"] = .array(steps.map { .string($0) })
        object["actions"] = .array(actions.map { ["tool": .string($0.tool.rawValue)] })
        object["unmapped"] = .array(unmapped.map { .string($0) })
        object["sectionFound"] = .bool(sectionFound)
        object["noRunbook"] = .bool(noRunbook)
        object["actionListFound"] = .bool(actionListFound)
        object["needsAttention"] = .bool(needsAttention)
        if let title { object["title"] = .string(title) }
        if let severity { object["severity"] = .string(severity) }
        if let faultType { object["faultType"] = .string(faultType) }
        if let documentName { object["document"] = .string(documentName) }
        if let heading { object["heading"] = .string(heading) }
        return .object(object)
    }
}
