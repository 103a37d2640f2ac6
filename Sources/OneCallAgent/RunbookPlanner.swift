import OneCallKnowledge

/// Turns the knowledge base's section for an error code into a plan, deterministically: the
/// steps for the ticket, and the action list mapped to tools by `vocabulary`.
///
/// Each tool appears at most once, in the order the guide names it. A code that no section covers,
/// a section without an action list, or an action list with phrases that map to no tool still
/// gets `log_ticket`, first, so that a person sees the fault; the plan says why it needs attention.
public struct RunbookPlanner: Sendable {
    /// The words that map phrases to tools and name the fields.
    public var vocabulary: RunbookVocabulary

    /// A planner that reads guides with `vocabulary`.
    public init(vocabulary: RunbookVocabulary = .standard) {
        self.vocabulary = vocabulary
    }

    /// The plan for `code` from the section of `index` that covers it.
    public func plan(code: String, in index: KnowledgeIndex) -> RunbookPlan {
        let sections = index.sections(forCode: code)
        var plan = plan(code: code, section: sections.first)
        var others: [String] = []
        for section in sections.dropFirst()
        where section.documentName != plan.documentName && !others.contains(section.documentName) {
            others.append(section.documentName)
        }
        plan.otherDocuments = others
        return plan
    }

    /// The plan for `code` from `section` (`nil`: no section covers the code).
    public func plan(code: String, section: KnowledgeSection?) -> RunbookPlan {
        guard let section else {
            return RunbookPlan(
                code: code, actions: [RunbookAction(tool: .logTicket, phrase: "")], attentionReasons: [.noRunbook])
        }
        var plan = RunbookPlan(code: code, sectionTitle: section.title, documentName: section.documentName)
        plan.severity = section.field(.severity, in: vocabulary.fields).map { Self.scalar($0.value) }
        plan.faultType = section.field(.faultType, in: vocabulary.fields).map { Self.scalar($0.value) }
        plan.steps = section.fields(.steps, in: vocabulary.fields).flatMap(\.items)

        let actionFields = section.fields(.actions, in: vocabulary.fields)
        if actionFields.isEmpty {
            plan.actions = [RunbookAction(tool: .logTicket, phrase: "")]
            plan.attentionReasons = [.noActionField]
            return plan
        }
        let reading = interpret(actionFields.flatMap { $0.items.isEmpty ? [$0.value] : $0.items })
        plan.actions = reading.actions
        plan.unmapped = reading.unmapped
        if !reading.unmapped.isEmpty {
            let ticket = plan.actions.first { $0.tool == .logTicket } ?? RunbookAction(tool: .logTicket, phrase: "")
            plan.actions.removeAll { $0.tool == .logTicket }
            plan.actions.insert(ticket, at: 0)
            plan.attentionReasons = [.unmappedPhrases]
        }
        return plan
    }

    /// The tools that the action-list items `items` ask for, each once, in order, with the phrase
    /// behind each, and the phrases that map to no tool.
    public func interpret(_ items: [String]) -> (actions: [RunbookAction], unmapped: [String]) {
        let reader = RunbookPhraseReader(vocabulary: vocabulary)
        var actions: [RunbookAction] = []
        var unmapped: [String] = []
        for item in items {
            for clause in reader.clauses(of: item) {
                switch clause.meaning {
                case .tools(let tools):
                    for tool in tools where !actions.contains(where: { $0.tool == tool }) {
                        actions.append(RunbookAction(tool: tool, phrase: clause.text))
                    }
                case .unmapped:
                    if !unmapped.contains(clause.text) { unmapped.append(clause.text) }
                case .nothing:
                    break
                }
            }
        }
        return (actions, unmapped)
    }

    /// A one-word field value without the punctuation around it ("High." → "High").
    private static func scalar(_ value: String) -> String {
        RunbookPhraseReader.clean(value)
    }
}
