import OneCallChat
import Testing

@Suite("Error code questions")
struct ErrorCodeQuestionTests {
    @Test func theReferencePhrasingQuotesTheSectionWithNumberedStepsAndActions() async throws {
        let world = try await ChatTestWorld()
        let answer = try await world.ask("Please tell me about the error W1")
        #expect(answer.intent == "error_code")
        #expect(answer.grounded)
        let text = answer.answer
        #expect(text.contains("*troubleshooting-guide.md*"))
        #expect(text.contains("high_electricity_consumption"))
        #expect(text.contains("above about 1200 W"))
        #expect(text.contains("1. Check the thermostat settings."))
        #expect(text.contains("5. Look for refrigerant leaks."))
        #expect(text.contains("2. Call the site operator."))
        #expect(text.contains("> ## Error Code: W1"))
        #expect(
            answer.facts == [
                ChatFact(kind: .knowledge, source: "knowledge/troubleshooting-guide.md#W1", text: answer.facts[0].text)
            ])
        #expect(answer.facts[0].text.contains("Fault type: high_electricity_consumption"))
    }

    @Test(arguments: [
        ("what does E2 mean?", "low_pressure"), ("error e3", "compressor_failure"), ("E1?", "high_temperature"),
        ("explain fault code E2", "Clear the fault on the device."),
    ])
    func variantsFindTheSection(_ message: String, _ expected: String) async throws {
        let world = try await ChatTestWorld()
        let answer = try await world.ask(message)
        #expect(answer.intent == "error_code")
        #expect(answer.answer.contains(expected))
    }

    @Test func anotherGuideWithOtherCodesAndWordingWorks() async throws {
        let world = try await ChatTestWorld()
        let answer = try await world.ask("Tell me about alarm CH-205")
        #expect(answer.intent == "error_code")
        #expect(answer.answer.contains("*chiller-alarms.md*"))
        #expect(answer.answer.contains("no_water_flow"))
        #expect(answer.answer.contains("**Diagnosis:**\n1. Confirm that the circulation pump runs."))
        #expect(answer.answer.contains("3. Bleed trapped air from the water loop."))
        #expect(answer.facts.first?.source == "knowledge/chiller-alarms.md#CH-205")
    }

    @Test(arguments: ["Please tell me about the error X9", "what is fault code F-404?", "error 17"])
    func anUnknownCodeHasNoSection(_ message: String) async throws {
        let world = try await ChatTestWorld()
        let answer = try await world.ask(message)
        #expect(answer.intent == "error_code")
        #expect(!answer.grounded)
        #expect(answer.answer.contains("The knowledge base has no section for error code"))
    }
}
