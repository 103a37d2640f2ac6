import OneCallChat
import OneCallCore
import OneCallKnowledge
import OneCallStorageSQLite
import Testing

@Suite("What is wrong now")
struct ProblemsQuestionTests {
    @Test(arguments: [
        "What is wrong right now?", "any problems?", "anything wrong", "current alarms", "what's broken?",
    ])
    func unresolvedTicketsAndReportedCodesNewestFirst(_ message: String) async throws {
        let world = try await ChatTestWorld()
        let answer = try await world.ask(message)
        #expect(answer.intent == "problems")
        #expect(answer.grounded)
        let lines = answer.answer.split(separator: "\n").dropFirst().map(String.init)
        #expect(lines.count == 3)
        #expect(lines[0].contains(world.lowPressureTicket.uniqueID))
        #expect(lines[0].contains("still reports it"))
        #expect(lines[1].contains(world.chillerTicket.uniqueID))
        #expect(lines[2].contains(world.anomalyTicket.uniqueID))
        #expect(answer.answer.contains("2 devices reporting an error code"))
    }

    @Test func aReportedCodeWithoutATicketIsListed() async throws {
        let world = try await ChatTestWorld()
        _ = try await world.store.setStatus(
            ticketID: world.chillerTicket.uniqueID, to: .resolved, by: "ops", note: nil, at: ChatTestWorld.now)
        let answer = try await world.ask("what is wrong?")
        #expect(
            answer.answer.contains(
                "`chiller-north` — latest reading (2025-10-09 09:00:00 UTC) reports `alarm` **CH-101**; no unresolved ticket"
            ))
    }

    @Test func nothingWrongIsSaidPlainly() async throws {
        let store = try SQLiteStorage()
        try await store.save(Device(id: "boiler-a", type: "boiler", createdAt: 0, updatedAt: 0))
        let reading: JSONValue = ["device_id": "boiler-a", "flow_temp_c": 60, "fault": "none"]
        try await store.append(
            [
                TelemetryRecord(
                    deviceID: "boiler-a", timestamp: 100, receivedAt: 100, topic: "t", payload: reading.jsonBytes)
            ],
            deadLetters: [])
        let engine = ChatEngine(
            dataSource: ChatDataSource(
                tickets: store, devices: store, telemetry: store, knowledge: { KnowledgeIndex() }, clock: { 200 }))
        let answer = try await engine.answer("any problems right now?", session: "x")
        #expect(answer.intent == "problems")
        #expect(answer.answer.hasPrefix("Nothing is wrong as far as the stored data shows"))
        #expect(answer.answer.contains("1 device checked"))
    }
}
