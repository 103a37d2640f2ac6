import OneCallCore
import OneCallKnowledge
import OneCallStorageSQLite
import Synchronization
import Testing

@testable import OneCallChat

/// A clock that tests move by hand.
final class TestClock: Sendable {
    let time = Mutex<Double>(1000)
    func advance(_ seconds: Double) { time.withLock { $0 += seconds } }
    var now: Double { time.withLock { $0 } }
}

@Suite("Chat limits")
struct ChatLimitsTests {
    func engine(_ configuration: ChatConfiguration = .default, clock: TestClock = TestClock()) throws -> ChatEngine {
        let store = try SQLiteStorage()
        return ChatEngine(
            dataSource: ChatDataSource(
                tickets: store, devices: store, telemetry: store, knowledge: { KnowledgeIndex() },
                clock: { clock.now }),
            configuration: configuration)
    }

    @Test func anOversizedMessageIsRefusedWithACode() async throws {
        let engine = try engine()
        let error = await #expect(throws: ChatError.self) {
            try await engine.answer(String(repeating: "a", count: 4097), session: "s")
        }
        #expect(error?.code == .messageTooLong)
        #expect(error?.description.contains("4096") == true)
        #expect(error?.description.contains("aaaa") == false)
        // Exactly at the limit is accepted.
        _ = try await engine.answer(String(repeating: "a ", count: 2048), session: "s")
        // Multi-byte characters count as bytes.
        await #expect(throws: ChatError.self) {
            try await engine.answer(String(repeating: "é", count: 2049), session: "s")
        }
    }

    @Test func emptyMessagesAndBadSessionIDsAreRefused() async throws {
        let engine = try engine()
        let empty = await #expect(throws: ChatError.self) { try await engine.answer("  \n ", session: "s") }
        #expect(empty?.code == .emptyMessage)
        let noSession = await #expect(throws: ChatError.self) { try await engine.answer("hi", session: "") }
        #expect(noSession?.code == .invalidSession)
        let longSession = await #expect(throws: ChatError.self) {
            try await engine.answer("hi", session: String(repeating: "s", count: 129))
        }
        #expect(longSession?.code == .invalidSession)
        #expect(engine.sessionCount == 0)
    }

    @Test func sessionsAreBoundedLeastRecentlyUsedFirst() async throws {
        let engine = try engine(ChatConfiguration(maximumSessions: 2))
        _ = try await engine.answer("hello", session: "a")
        _ = try await engine.answer("hello", session: "b")
        _ = try await engine.answer("hello again", session: "a")
        _ = try await engine.answer("hello", session: "c")
        #expect(engine.sessionCount == 2)
        #expect(engine.history(of: "b").isEmpty)
        #expect(engine.history(of: "a").count == 2)
        engine.forget(session: "a")
        #expect(engine.sessionCount == 1)
    }

    @Test func historyIsBoundedAndIdleSessionsAreForgotten() async throws {
        let clock = TestClock()
        let engine = try engine(ChatConfiguration(sessionIdleSeconds: 60, maximumHistory: 3), clock: clock)
        for number in 1...5 { _ = try await engine.answer("question \(number)", session: "s") }
        #expect(engine.history(of: "s").map(\.question) == ["question 3", "question 4", "question 5"])
        clock.advance(61)
        _ = try await engine.answer("question 6", session: "s")
        #expect(engine.history(of: "s").map(\.question) == ["question 6"])
    }

    @Test func manySessionsAnswerAtOnce() async throws {
        let world = try await ChatTestWorld(configuration: ChatConfiguration(maximumSessions: 10))
        try await withThrowingTaskGroup(of: ChatAnswer.self) { group in
            for number in 0..<24 {
                group.addTask {
                    try await world.ask("average power of aircon_3 in the last hour", session: "s\(number)")
                }
            }
            for try await answer in group { #expect(answer.answer.contains("**889.23 W**")) }
        }
        #expect(world.engine.sessionCount == 10)
    }

    @Test func theJSONRenderingHasTheAnswerFactsAndIntent() async throws {
        let world = try await ChatTestWorld()
        let answer = try await world.ask("Please tell me about the error E2")
        let parsed = try JSONValue(parsing: answer.json)
        #expect(parsed["answer"]?.stringValue == answer.answer)
        #expect(parsed["intent"]?.stringValue == "error_code")
        let facts = try #require(parsed["facts"]?.arrayValue)
        #expect(facts.count == 1)
        #expect(facts[0]["kind"]?.stringValue == "knowledge")
        #expect(facts[0]["source"]?.stringValue == "knowledge/troubleshooting-guide.md#E2")
        #expect(facts[0]["text"]?.stringValue?.contains("low_pressure") == true)
    }

    @Test func answersAreDeterministic() async throws {
        let world = try await ChatTestWorld()
        for message in ["What is wrong right now?", "tell me about chiller-north", "how do I clean the filter?"] {
            let first = try await world.ask(message, session: "one")
            let second = try await world.ask(message, session: "two")
            #expect(first == second)
        }
    }
}
