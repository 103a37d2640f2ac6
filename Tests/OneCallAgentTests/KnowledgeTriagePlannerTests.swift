import Foundation
import OneCallAgent
import OneCallCore
import OneCallKnowledge
import Synchronization
import Testing

/// Triage plans from the knowledge base, by the runbook planner or by a model held to it (a local
/// server that speaks the OpenAI API plays the model).
@Suite("Knowledge triage planner", .serialized, .timeLimit(.minutes(1)))
struct KnowledgeTriagePlannerTests {
    static let guide = KnowledgeDocument(
        name: "pumps.md",
        text: """
            # Pump station faults

            ## Fault PS-1: dry running
            Severity: high
            Steps: 1. Check the inlet valve. 2. Check the level sensor.
            Actions: 1. Log a maintenance ticket. 2. Call the site operator on duty. No further action.

            ## Fault PS-2: seal leak
            Severity: low
            Steps: 1. Inspect the seal.
            Response: 1. Log a ticket. 2. Reset the fault on the unit. 3. Send flowers.
            """)

    static func event(_ code: String) -> ErrorEvent {
        ErrorEvent(id: "e-\(code)", deviceID: "pump-1", errorCode: code, timestamp: 1, receivedAt: 1, source: .mqtt)
    }

    @Test func theRunbookPlanBecomesTheTicketsContent() async throws {
        let planner = KnowledgeTriagePlanner(knowledge: { KnowledgeIndex(documents: [Self.guide]) })
        let ps1 = await planner.plan(for: Self.event("PS-1"))
        #expect(ps1.tools == ["log_ticket", "call_operator"])
        #expect(ps1.steps == ["Check the inlet valve.", "Check the level sensor."])
        #expect(ps1.severity == "high")
        #expect(ps1.attention.isEmpty)
        #expect(ps1.json["planner"] == "runbook")
        let ps2 = await planner.plan(for: Self.event("PS-2"))
        #expect(ps2.tools == ["log_ticket", "clear_fault"])
        #expect(ps2.attention == [#"no tool does "Send flowers""#])
        let unknown = await planner.plan(for: Self.event("PS-9"))
        #expect(unknown.noRunbook)
        #expect(unknown.tools == ["log_ticket"])
    }

    @Test func cachedPlansFollowANewVersionOfTheGuide() async throws {
        let state = Mutex((generation: 1, index: KnowledgeIndex(documents: [Self.guide])))
        let planner = KnowledgeTriagePlanner(
            knowledge: { state.withLock { $0.index } }, generation: { state.withLock { $0.generation } })
        #expect(await planner.plan(for: Self.event("PS-1")).tools == ["log_ticket", "call_operator"])
        let revised = KnowledgeDocument(
            name: "pumps.md", text: "## Fault PS-1\nActions: 1. Log a ticket. 2. Clear the fault on the device.")
        state.withLock { $0 = (2, KnowledgeIndex(documents: [revised])) }
        #expect(await planner.plan(for: Self.event("PS-1")).tools == ["log_ticket", "clear_fault"])
        #expect(await planner.plan(for: Self.event("PS-2")).noRunbook)
    }

    @Test func theModelPlansWithinTheGuideAndFallsBackWhenItFails() async throws {
        let peer = try OpenAIPeer(["chat": ["mode": "follow_section", "extra_calls": ["clear_fault"]]])
        defer { peer.stop() }
        let planner = KnowledgeTriagePlanner(
            knowledge: { KnowledgeIndex(documents: [Self.guide]) },
            llm: LLMPlanner(client: try peer.client(timeout: .seconds(5))))
        let plan = await planner.plan(for: Self.event("PS-1"))
        #expect(plan.json["planner"] == "llm", "\(plan.json)")
        // The model also asked to clear the fault, which the guide does not list for PS-1.
        #expect(plan.tools == ["log_ticket", "call_operator"])
        #expect(plan.attention.contains { $0.contains("clear_fault") })
        #expect(planner.statistics.planned == 1)

        let slow = try OpenAIPeer(["chat": ["mode": "follow_section", "delay": 3]])
        defer { slow.stop() }
        let timid = KnowledgeTriagePlanner(
            knowledge: { KnowledgeIndex(documents: [Self.guide]) },
            llm: LLMPlanner(client: try slow.client(timeout: .milliseconds(300))))
        let fallback = await timid.plan(for: Self.event("PS-1"))
        #expect(fallback.json["planner"] == "runbook")
        #expect(fallback.json["llm_fallback"]?["reason"] == "timeout")
        #expect(fallback.tools == ["log_ticket", "call_operator"])
        #expect(timid.statistics.fallbackCount == 1)
    }

    @Test func semanticRanksAreFusedWithBM25() async throws {
        let peer = try OpenAIPeer(["embeddings": ["mode": "ok", "dimensions": 16]])
        defer { peer.stop() }
        let index = KnowledgeIndex(documents: [Self.guide])
        let ranker = SemanticRanker(client: try peer.client())
        let first = try await ranker.ranking(query: "water on the floor", index: index, generation: 1)
        #expect(Set(first) == Set(index.chunks.map(\.id)))
        _ = try await ranker.ranking(query: "pump runs dry", index: index, generation: 1)
        // Chunks are embedded once per generation; each query once.
        let inputs = try peer.requests().compactMap { $0["body"]?["input"]?.arrayValue?.count }
        #expect(inputs == [index.chunks.count, 1, 1])
        let fused = index.search("seal", limit: 10, semanticRanking: first)
        #expect(fused.count == index.chunks.count)
        #expect(fused.first?.sectionTitle.contains("PS-2") == true)
    }
}
