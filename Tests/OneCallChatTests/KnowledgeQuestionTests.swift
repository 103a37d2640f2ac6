import OneCallChat
import Testing

@Suite("Free questions")
struct KnowledgeQuestionTests {
    @Test func aHowToQuotesTheBestSectionAndNamesTheGuide() async throws {
        let world = try await ChatTestWorld()
        let answer = try await world.ask("How do I clean the filter?")
        #expect(answer.intent == "knowledge")
        #expect(answer.grounded)
        #expect(answer.answer.hasPrefix("From the guide *troubleshooting-guide.md*, section “Error Code: W1”:"))
        #expect(answer.answer.contains("> **Troubleshooting steps:** 2. Clean or replace the air filters."))
        #expect(answer.facts.first?.source == "knowledge/troubleshooting-guide.md#Error Code: W1")
    }

    @Test(arguments: [
        ("what causes low pressure?", "“Error Code: E2”", "refrigerant pressure falls"),
        ("how do I descale the condenser", "“Descaling the condenser”", "flush the loop with clean water"),
        (
            "why would the head pressure climb on a chiller?", "“Alarm CH-101 — Condenser fan stalled”",
            "head pressure climbs"
        ),
    ])
    func questionsFindTheirSections(_ message: String, _ section: String, _ text: String) async throws {
        let world = try await ChatTestWorld()
        let answer = try await world.ask(message)
        #expect(answer.intent == "knowledge")
        #expect(answer.answer.contains(section))
        #expect(answer.answer.contains(text))
    }

    @Test(arguments: ["what's the weather in Paris?", "hello", "who won the match yesterday?"])
    func nothingFoundIsSaidPlainly(_ message: String) async throws {
        let world = try await ChatTestWorld()
        let answer = try await world.ask(message)
        #expect(answer.intent == "knowledge")
        #expect(!answer.grounded)
        #expect(answer.facts.isEmpty)
        #expect(answer.answer.hasPrefix("The knowledge base has no answer to that."))
    }
}
