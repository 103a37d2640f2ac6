import OneCallCore
import OneCallKnowledge
import Synchronization

/// Plans triage from the knowledge base: the runbook planner reads the code's section; when an
/// LLM planner is configured, the model plans instead, held to the section's action list, and the
/// runbook plan stands whenever the model fails, times out or calls nothing usable.
public final class KnowledgeTriagePlanner: TriagePlanning {
    private let knowledge: @Sendable () -> KnowledgeIndex
    /// The deterministic planner (also the LLM's fallback and guard-rail).
    public let runbook: RunbookPlanner
    private let llm: LLMPlanner?
    private let llmStatistics = Mutex(LLMPlannerStatistics())
    private let generation: (@Sendable () -> Int)?
    /// Runbook plans by code for one version of the knowledge base.
    private let cache = Mutex((generation: -1, plans: [String: RunbookPlan]()))

    /// The most codes whose plans are kept.
    static let cacheLimit = 10_000

    /// `knowledge` returns the current index (it changes when documents are added); with
    /// `generation`, which changes whenever the index does, runbook plans are kept per code until
    /// the knowledge base changes.
    public init(
        knowledge: @escaping @Sendable () -> KnowledgeIndex, generation: (@Sendable () -> Int)? = nil,
        runbook: RunbookPlanner = RunbookPlanner(), llm: LLMPlanner? = nil
    ) {
        self.knowledge = knowledge
        self.generation = generation
        self.runbook = runbook
        self.llm = llm
    }

    /// The runbook plan for `code`, from the cache when the knowledge base has not changed.
    func runbookPlan(code: String, index: () -> KnowledgeIndex) -> RunbookPlan {
        guard let version = generation?() else { return runbook.plan(code: code, in: index()) }
        if let plan = cache.withLock({ $0.generation == version ? $0.plans[code] : nil }) { return plan }
        let plan = runbook.plan(code: code, in: index())
        cache.withLock { cache in
            if cache.generation != version || cache.plans.count >= Self.cacheLimit { cache = (version, [:]) }
            cache.plans[code] = plan
        }
        return plan
    }

    /// How the LLM planner fared, when there is one.
    public var statistics: LLMPlannerStatistics { llmStatistics.withLock { $0 } }

    public func plan(for event: ErrorEvent) async -> TriagePlan {
        let runbookPlan = runbookPlan(code: event.errorCode, index: knowledge)
        var json = runbookPlan.json.objectValue ?? JSONObject()
        json["planner"] = "runbook"
        var tools = runbookPlan.tools.map(\.rawValue)
        var attention = Self.attention(runbookPlan)
        if let llm, !runbookPlan.noRunbook, let section = knowledge().section(forCode: event.errorCode) {
            let workflowTools = Set(RunbookTool.allCases.map(\.rawValue))
            let outcome = await llm.plan(
                errorCode: event.errorCode, deviceID: event.deviceID, section: section.text, allowedTools: tools,
                definitions: WorkflowTools.definitions.filter { workflowTools.contains($0.name) })
            llmStatistics.withLock { $0.record(outcome) }
            switch outcome {
            case .planned(let plan):
                // The guide's order, whatever order the model called them in.
                let order = Dictionary(
                    tools.enumerated().map { ($0.element, $0.offset) }, uniquingKeysWith: { a, _ in a })
                tools = plan.tools.sorted { (order[$0] ?? Int.max) < (order[$1] ?? Int.max) }
                json["planner"] = "llm"
                json["llm"] = [
                    "model": .string(plan.model), "tools": .array(plan.tools.map(JSONValue.string)),
                    "rejected": .array(plan.rejected.map { .string($0.description) }),
                    "latency_ms": .double(Self.milliseconds(plan.latency)),
                ]
                let refused = plan.rejected.filter { $0.reason == .notAllowed || $0.reason == .undefined }
                if !refused.isEmpty {
                    attention.append(
                        "the model asked for tools the guide does not list: "
                            + refused.map(\.description).joined(separator: "; "))
                }
            case .fallback(let reason):
                json["llm_fallback"] = [
                    "reason": .string(reason.code.rawValue), "message": .string(reason.message),
                    "latency_ms": .double(Self.milliseconds(reason.latency)),
                ]
            }
        }
        return TriagePlan(
            code: event.errorCode, tools: tools, steps: runbookPlan.steps, severity: runbookPlan.severity,
            title: runbookPlan.faultType ?? runbookPlan.sectionTitle, noRunbook: runbookPlan.noRunbook,
            attention: attention, json: json)
    }

    static func attention(_ plan: RunbookPlan) -> [String] {
        var notes: [String] = []
        for reason in plan.attentionReasons {
            switch reason {
            case .noRunbook: notes.append("no section of the knowledge base covers \(plan.code)")
            case .noActionField: notes.append("the section for \(plan.code) lists no actions")
            case .unmappedPhrases: notes += plan.unmapped.map { "no tool does \"\($0)\"" }
            }
        }
        if !plan.otherDocuments.isEmpty {
            notes.append("\(plan.code) is also defined in " + plan.otherDocuments.joined(separator: ", "))
        }
        return notes
    }

    static func milliseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
    }
}
