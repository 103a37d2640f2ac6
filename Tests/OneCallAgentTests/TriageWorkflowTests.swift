import Foundation
import OneCallAgent
import OneCallCore
import OneCallStorage
import OneCallStorageSQLite
import Synchronization
import Testing

/// Plans from a table: the tools each code's guide lists.
struct TablePlanner: TriagePlanning {
    let table: [String: [String]]

    func plan(for event: ErrorEvent) async -> TriagePlan {
        guard let tools = table[event.errorCode] else {
            return TriagePlan(code: event.errorCode, tools: ["log_ticket"], noRunbook: true, attention: ["no runbook"])
        }
        return TriagePlan(code: event.errorCode, tools: tools, steps: ["Step one."], severity: "high", title: "fault")
    }
}

/// Records mail; fails the first `failures` sends with a transient or permanent error.
final class RecordingMail: MailSender {
    let sent = Mutex<[TicketMail]>([])
    let failures: Mutex<Int>
    let transient: Bool

    init(failures: Int = 0, transient: Bool = true) {
        self.failures = Mutex(failures)
        self.transient = transient
    }

    func send(_ mail: TicketMail) async throws -> JSONObject {
        let fail = failures.withLock { count -> Bool in
            guard count > 0 else { return false }
            count -= 1
            return true
        }
        if fail { throw ActionFailure(transient ? "421 try later" : "550 refused", isTransient: transient) }
        sent.withLock { $0.append(mail) }
        return ["reply": "250 OK"]
    }
}

final class RecordingCommander: DeviceCommander {
    let cleared = Mutex<[String]>([])

    func clearFault(deviceID: String, ticketID: String) async throws -> JSONObject {
        cleared.withLock { $0.append(deviceID) }
        return ["topic": .string("devices/\(deviceID)/commands")]
    }
}

/// A clock the test moves.
final class TestClock: Sendable {
    let now = Mutex(1000.0)
    func advance(_ seconds: Double) { now.withLock { $0 += seconds } }
    var read: @Sendable () -> Double { { self.now.withLock { $0 } } }
}

struct Workflow {
    let store: SQLiteStorage
    let pipeline: EventPipeline
    let agent: TriageAgent
    let dispatcher: ActionDispatcher
    let mail: RecordingMail
    let commander: RecordingCommander
    let watch: FaultClearWatch
    let clock: TestClock

    init(mail: RecordingMail = RecordingMail(), table: [String: [String]]) throws {
        let store = try SQLiteStorage()
        let clock = TestClock()
        let watch = FaultClearWatch()
        let commander = RecordingCommander()
        var configuration = ActionDispatcher.Configuration()
        configuration.retryDelay = 10
        configuration.maximumAttempts = 3
        configuration.pollInterval = .milliseconds(20)
        let dispatcher = ActionDispatcher(
            store: store,
            runner: WorkflowActionRunner(
                mail: mail, commander: commander, devices: store, watch: watch, clock: clock.read),
            configuration: configuration, clock: clock.read)
        let pipeline = EventPipeline(store: store)
        self.store = store
        self.pipeline = pipeline
        self.agent = TriageAgent(
            store: store, pipeline: pipeline, planner: TablePlanner(table: table), dispatcher: dispatcher,
            sweepInterval: .milliseconds(50), clock: clock.read)
        self.dispatcher = dispatcher
        self.mail = mail
        self.commander = commander
        self.watch = watch
        self.clock = clock
    }

    /// Runs the agent and the dispatcher while `body` runs.
    func running(_ body: () async throws -> Void) async throws {
        let agent = Task { try await self.agent.run() }
        let dispatcher = Task { try await self.dispatcher.run() }
        defer {
            agent.cancel()
            dispatcher.cancel()
        }
        try await body()
    }

    func event(_ device: String, _ code: String) -> ErrorEvent {
        ErrorEvent(
            id: UUIDText.random(), deviceID: device, errorCode: code, timestamp: clock.read(), receivedAt: clock.read(),
            source: .mqtt)
    }
}

/// Waits up to 5 s for `condition`.
func eventually(_ condition: () async throws -> Bool) async throws -> Bool {
    for _ in 0..<500 {
        if try await condition() { return true }
        try await Task.sleep(for: .milliseconds(10))
    }
    return false
}

@Suite("Triage workflow")
struct TriageWorkflowTests {
    @Test func eachListedActionRunsOnceAndRepeatsAddNothing() async throws {
        let workflow = try Workflow(table: [
            "F1": ["log_ticket"], "F3": ["log_ticket", "call_operator", "clear_fault"],
        ])
        try await workflow.store.save(
            Device(
                id: "unit-9", type: "chiller", address: "1 Main St", city: "Springfield", siteOwner: "Ana",
                siteOwnerContact: "+15550100", createdAt: 0, updatedAt: 0))
        try await workflow.running {
            try await workflow.pipeline.submit([workflow.event("unit-9", "F3")])
            try await workflow.pipeline.submit([workflow.event("unit-9", "F3"), workflow.event("unit-9", "F1")])
            #expect(
                try await eventually {
                    let tickets = try await workflow.store.tickets(TicketQuery())
                    return tickets.count == 2 && tickets.allSatisfy { $0.actions.allSatisfy { $0.status == .done } }
                })
        }
        let tickets = try await workflow.store.tickets(TicketQuery())
        let f3 = try #require(tickets.first { $0.errorCode == "F3" })
        #expect(f3.occurrences == 2)
        #expect(f3.actions.map(\.tool) == ["log_ticket", "call_operator", "clear_fault"])
        #expect(workflow.mail.sent.withLock { $0.count } == 2)
        let subjects = workflow.mail.sent.withLock { $0.map(\.subject) }
        #expect(subjects.contains("[OneCall] F3 on unit-9: fault"))
        #expect(workflow.mail.sent.withLock { $0.allSatisfy { $0.body.contains("Springfield") } })
        #expect(workflow.commander.cleared.withLock { $0 } == ["unit-9"])
        #expect(workflow.watch.isWatching("unit-9"))
        let calls = try await workflow.store.calls(ticketID: nil, limit: 10)
        #expect(calls.count == 1)
        #expect(calls.first?.contact == "+15550100")
        #expect(calls.first?.message.contains("error F3") == true)
        #expect(workflow.agent.statistics.opened == 2)
        #expect(workflow.agent.statistics.repeated == 1)
    }

    @Test func transientFailuresAreRetriedWithBackOffAndPermanentOnesRecorded() async throws {
        let workflow = try Workflow(mail: RecordingMail(failures: 1), table: ["F1": ["log_ticket"]])
        try await workflow.running {
            try await workflow.pipeline.submit([workflow.event("d1", "F1")])
            #expect(
                try await eventually {
                    try await workflow.store.tickets(TicketQuery()).first?.actions.first?.lastError == "421 try later"
                })
            // Not before the back-off.
            try await Task.sleep(for: .milliseconds(100))
            #expect(workflow.mail.sent.withLock { $0.isEmpty })
            workflow.clock.advance(10)
            workflow.dispatcher.wake()
            #expect(
                try await eventually {
                    try await workflow.store.tickets(TicketQuery()).first?.actions.first?.status == .done
                })
        }
        #expect(workflow.mail.sent.withLock { $0.count } == 1)
        #expect(try await workflow.store.tickets(TicketQuery()).first?.actions.first?.attempts == 2)

        let refusing = try Workflow(mail: RecordingMail(failures: 5, transient: false), table: ["F1": ["log_ticket"]])
        try await refusing.running {
            try await refusing.pipeline.submit([refusing.event("d1", "F1")])
            #expect(
                try await eventually {
                    try await refusing.store.tickets(TicketQuery()).first?.actions.first?.status == .failed
                })
        }
        #expect(try await refusing.store.tickets(TicketQuery()).first?.actions.first?.lastError == "550 refused")
    }

    @Test func retriesStopAfterTheLastAttempt() async throws {
        let workflow = try Workflow(mail: RecordingMail(failures: 100), table: ["F1": ["log_ticket"]])
        try await workflow.running {
            try await workflow.pipeline.submit([workflow.event("d1", "F1")])
            for _ in 0..<5 {
                try await Task.sleep(for: .milliseconds(60))
                workflow.clock.advance(1000)
                workflow.dispatcher.wake()
            }
            #expect(
                try await eventually {
                    try await workflow.store.tickets(TicketQuery()).first?.actions.first?.status == .failed
                })
        }
        let action = try #require(try await workflow.store.tickets(TicketQuery()).first?.actions.first)
        #expect(action.attempts == 3)
        #expect(action.lastError?.contains("gave up after 3 attempts") == true)
    }

    @Test func eventsStoredButNotTriagedAreFoundAtStart() async throws {
        let workflow = try Workflow(table: ["F1": ["log_ticket"]])
        // Stored before the agent runs, as if the process had died right after the event's commit.
        try await workflow.store.append([workflow.event("d1", "F1"), workflow.event("d2", "F9")])
        try await workflow.running {
            let triaged = try await eventually { try await workflow.store.tickets(TicketQuery()).count == 2 }
            #expect(triaged)
        }
        let unknown = try #require(try await workflow.store.tickets(TicketQuery(errorCode: "F9")).first)
        #expect(unknown.noRunbook)
        #expect(unknown.actions.map(\.tool) == ["log_ticket"])
        #expect(workflow.agent.statistics.recovered == 2)
    }

    @Test func aSlowPlanDoesNotHoldOtherErrorsUp() async throws {
        /// Plans "SLOW" in two seconds (an LLM taking its time), anything else at once.
        struct SlowPlanner: TriagePlanning {
            func plan(for event: ErrorEvent) async -> TriagePlan {
                if event.errorCode == "SLOW" { try? await Task.sleep(for: .seconds(2)) }
                return TriagePlan(code: event.errorCode, tools: ["log_ticket"])
            }
        }
        let store = try SQLiteStorage()
        let pipeline = EventPipeline(store: store)
        let agent = TriageAgent(
            store: store, pipeline: pipeline, planner: SlowPlanner(), dispatcher: nil, clock: { 1000 })
        let running = Task { try await agent.run() }
        defer { running.cancel() }
        try await Task.sleep(for: .milliseconds(100))
        let event = { (code: String) in
            ErrorEvent(
                id: UUIDText.random(), deviceID: "d", errorCode: code, timestamp: 1000, receivedAt: 1000, source: .mqtt)
        }
        try await pipeline.submit([event("SLOW")])
        try await pipeline.submit([event("FAST")])
        let fastFirst = try await eventually {
            try await store.tickets(TicketQuery()).map(\.errorCode) == ["FAST"]
        }
        #expect(fastFirst)
        #expect(try await eventually { try await store.tickets(TicketQuery()).count == 2 })
    }

    @Test func theToolsValidateTheirArgumentsAndAreIdempotent() async throws {
        let workflow = try Workflow(table: ["F3": ["log_ticket", "call_operator"]])
        let tools = WorkflowTools(
            agent: workflow.agent, tickets: workflow.store, telemetry: workflow.store, dispatcher: workflow.dispatcher,
            clock: workflow.clock.read)
        #expect(tools.definitions.map(\.name) == WorkflowTools.definitions.map(\.name))
        for definition in tools.definitions {
            #expect(definition.inputSchema["type"] == "object")
        }
        await #expect(throws: ToolCallError.self) { try await tools.call("page_everyone", arguments: [:]) }
        await #expect(throws: ToolCallError.self) { try await tools.call("log_ticket", arguments: ["device_id": "d"]) }
        await #expect(throws: ToolCallError.self) {
            try await tools.call("log_ticket", arguments: ["device_id": 7, "error_code": "F3"])
        }
        await #expect(throws: ToolCallError.self) {
            try await tools.call("log_ticket", arguments: ["device_id": "d", "error_code": "F3", "color": "red"])
        }
        await #expect(throws: ToolCallError.self) {
            try await tools.call("fetch_ticket_data", arguments: ["limit": 100_000])
        }

        #expect(tools.statistics.calls == 5)
        #expect(tools.statistics.refused == 5)
        #expect(tools.statistics.failed == 0)

        // log_ticket logs a ticket and nothing else, even where the guide says to call.
        let first = try await tools.call("log_ticket", arguments: ["device_id": "d", "error_code": "F3"])
        #expect(first["outcome"] == "opened")
        #expect(first["ticket"]?["actions"]?.arrayValue?.compactMap { $0["tool"]?.stringValue } == ["log_ticket"])
        let second = try await tools.call("log_ticket", arguments: ["device_id": "d", "error_code": "F3"])
        #expect(second["outcome"] == "repeated")
        #expect(second["ticket"]?["occurrences"] == 2)
        let id = try #require(first["ticket"]?["unique_id"]?.stringValue)
        _ = try await tools.call("call_operator", arguments: ["ticket_id": .string(id)])
        let twice = try await tools.call("call_operator", arguments: ["ticket_id": .string(id)])
        #expect(twice["ticket"]?["actions"]?.arrayValue?.count == 2)
        await #expect(throws: ToolCallError.self) {
            try await tools.call("call_operator", arguments: ["ticket_id": "nope"])
        }
        let fetched = try await tools.call("fetch_ticket_data", arguments: ["device_id": "d"])
        #expect(fetched["tickets"]?.arrayValue?.count == 1)
        #expect(fetched["tickets"]?.arrayValue?.first?["error_code"] == "F3")
        let byID = try await tools.call("fetch_ticket_data", arguments: ["unique_id": .string(id)])
        #expect(byID["tickets"]?.arrayValue?.first?["unique_id"] == .string(id))

        try await workflow.store.append(
            [
                TelemetryRecord(
                    deviceID: "d", timestamp: 990, receivedAt: 990, topic: "t", payload: Array(#"{"watts":5}"#.utf8))
            ], deadLetters: [])
        let readings = try await tools.call("fetch_telemetry_data", arguments: ["device_id": "d", "limit": 5])
        #expect(readings["readings"]?.arrayValue?.first?["payload"]?["watts"] == 5)
    }
}
