import Foundation
import OneCallCore
import OneCallStorage
import OneCallStorageSQLite
import Synchronization
import Testing

@testable import OneCallContactCenter

/// A clock the test moves.
final class TestClock: Sendable {
    private let time: Mutex<Double>

    init(_ start: Double) { time = Mutex(start) }

    var now: Double { time.withLock { $0 } }

    func advance(_ seconds: Double) { time.withLock { $0 += seconds } }
}

/// The orchestration end to end over a real SQLite store and the local voice provider: a recorded
/// call request is placed, its flow run, the keypress acts on the ticket, and every attempt is
/// recorded; unanswered calls are retried and escalated along the roster.
@Suite("Contact center service")
struct ContactCenterServiceTests {
    struct Setup {
        let store: SQLiteStorage
        let provider: LocalVoiceProvider
        let service: ContactCenterService
        let clock: TestClock
        let ticket: Ticket
        let callID: String
    }

    static let start = 1_780_000_000.0

    /// A ticket for `device` with the given steps, its `call_operator` action done and the call recorded.
    static func setUp(
        script: LocalVoiceScript, rosters: [Roster] = [], queues: [Queue] = [], flows: [ContactFlow] = [],
        device: String = "unit-7", contact: String? = "+15550100"
    ) async throws -> Setup {
        let store = try SQLiteStorage()
        let clock = TestClock(start)
        _ = try await store.insert(
            Device(
                id: device, type: "aircon", address: "Dock 4", city: "Utrecht", siteOwner: "Harbour Ltd",
                siteOwnerContact: contact, createdAt: start, updatedAt: start))
        let event = ErrorEvent(
            id: UUIDText.random(), deviceID: device, errorCode: "Q9", timestamp: start, receivedAt: start,
            source: .mqtt)
        let opened = try await store.openTicket(
            TicketOpening(
                event: event, ticketID: UUIDText.random(), troubleshootingSteps: ["Open the panel.", "Reset the fan."],
                severity: "high", title: "fan_stall", actions: ["call_operator"], now: start))
        let action = try #require(try await store.claimDueActions(now: start, limit: 1, lease: 30).first)
        let call = CallRequest(
            id: "call-\(UUIDText.random().prefix(8))", ticketID: opened.ticket.uniqueID, actionID: action.id,
            deviceID: device, contactName: "Harbour Ltd", contact: contact, message: "Fan stall on unit 7.",
            createdAt: start)
        try await store.completeAction(id: action.id, outcome: .done(result: [:], call: call), at: start)
        let provider = LocalVoiceProvider(script: script)
        let definitions = try ContactCenterDefinitions(flows: flows, queues: queues, rosters: rosters)
        let service = ContactCenterService(
            calls: store, tickets: store, devices: store, provider: provider, definitions: { definitions },
            clock: { clock.now })
        return Setup(
            store: store, provider: provider, service: service, clock: clock, ticket: opened.ticket, callID: call.id)
    }

    static func roster(attempts: Int = 2, rounds: Int = 1) throws -> Roster {
        Roster(
            name: "harbour", devices: [try #require(DevicePattern("unit-*"))],
            operators: [
                .init(name: "Ana", destination: try CallDestination("+15550101")),
                .init(name: "Bo", destination: try CallDestination("sip:bo@pbx.example")),
            ],
            attemptsPerOperator: attempts, retryAfterMinutes: 5, rounds: rounds, snoozeMinutes: 30)
    }

    @Test
    func anAnsweredCallWithKeyOneAcknowledgesTheTicket() async throws {
        let setup = try await Self.setUp(script: LocalVoiceScript(fallback: [.answers("1")]))
        #expect(try await setup.service.advanceDueCalls() == 1)

        let ticket = try #require(try await setup.store.ticket(id: setup.ticket.uniqueID))
        #expect(ticket.status == .acknowledged)
        #expect(ticket.acknowledgedBy == "Harbour Ltd (phone)")
        let call = try #require(try await setup.store.call(id: setup.callID))
        #expect(call.status == .acknowledged)
        #expect(call.roster == "site contact")
        #expect(call.nextAttemptAt == nil)
        let attempts = try await setup.store.callAttempts(callID: setup.callID)
        #expect(attempts.count == 1)
        let attempt = try #require(attempts.first)
        #expect(attempt.outcome == .acknowledged)
        #expect(attempt.digits == "1")
        #expect(attempt.destination == "+15550100")
        #expect(attempt.provider == "local")
        #expect(attempt.answeredAt != nil)
        // The default flow spoke the ticket from the stored data.
        let spoken = attempt.transcript.filter { $0.hasPrefix("spoke:") }.joined(separator: "\n")
        #expect(spoken.contains("unit-7"))
        #expect(spoken.contains("Q9"))
        #expect(spoken.contains("Reset the fan."))
        #expect(setup.provider.calls.count == 1)
        // Nothing more is due.
        #expect(try await setup.store.nextCallDue() == nil)
        #expect(try await setup.service.advanceDueCalls() == 0)
    }

    @Test
    func keyTwoResolvesAndKeyThreeSnoozes() async throws {
        let resolving = try await Self.setUp(script: LocalVoiceScript(fallback: [.answers("2")]))
        _ = try await resolving.service.advanceDueCalls()
        let resolved = try #require(try await resolving.store.ticket(id: resolving.ticket.uniqueID))
        #expect(resolved.status == .resolved)
        #expect(try await resolving.store.call(id: resolving.callID)?.status == .resolved)

        let snoozing = try await Self.setUp(script: LocalVoiceScript(fallback: [.answers("3"), .answers("1")]))
        _ = try await snoozing.service.advanceDueCalls()
        var call = try #require(try await snoozing.store.call(id: snoozing.callID))
        #expect(call.status == .snoozed)
        #expect(call.nextAttemptAt == Self.start + 30 * 60)
        #expect(try await snoozing.store.ticket(id: snoozing.ticket.uniqueID)?.status == .open)
        // Not before the snooze is over.
        snoozing.clock.advance(29 * 60)
        #expect(try await snoozing.service.advanceDueCalls() == 0)
        snoozing.clock.advance(60)
        #expect(try await snoozing.service.advanceDueCalls() == 1)
        call = try #require(try await snoozing.store.call(id: snoozing.callID))
        #expect(call.status == .acknowledged)
        #expect(call.attempts == 2)
    }

    @Test
    func nobodyAnsweringEscalatesAlongTheRosterUntilExhausted() async throws {
        let script = LocalVoiceScript(
            destinations: ["+15550101": [.noAnswer], "sip:bo@pbx.example": [.busy, .answers("")]])
        let setup = try await Self.setUp(script: script, rosters: [try Self.roster(attempts: 2, rounds: 1)])
        // Ana, no answer: again in five minutes.
        #expect(try await setup.service.advanceDueCalls() == 1)
        var call = try #require(try await setup.store.call(id: setup.callID))
        #expect(call.status == .waiting)
        #expect(call.roster == "harbour")
        #expect(call.nextAttemptAt == Self.start + 300)
        setup.clock.advance(300)
        #expect(try await setup.service.advanceDueCalls() == 1)
        // Ana's attempts are used: Bo at once.
        call = try #require(try await setup.store.call(id: setup.callID))
        #expect(call.nextAttemptAt == Self.start + 300)
        #expect(try await setup.service.advanceDueCalls() == 1)
        // Bo is busy, then answers and presses nothing.
        setup.clock.advance(300)
        #expect(try await setup.service.advanceDueCalls() == 1)
        call = try #require(try await setup.store.call(id: setup.callID))
        #expect(call.status == .exhausted)
        #expect(call.nextAttemptAt == nil)
        let attempts = try await setup.store.callAttempts(callID: setup.callID)
        #expect(attempts.map(\.outcome) == [.noAnswer, .noAnswer, .busy, .answered])
        #expect(attempts.map(\.operatorName) == ["Ana", "Ana", "Bo", "Bo"])
        #expect(attempts.map(\.number) == [1, 2, 3, 4])
        #expect(try await setup.store.ticket(id: setup.ticket.uniqueID)?.status == .open)
    }

    @Test
    func aTicketAcknowledgedElsewhereCancelsTheCallWithoutDialling() async throws {
        let setup = try await Self.setUp(script: LocalVoiceScript(fallback: [.noAnswer]))
        _ = try await setup.service.advanceDueCalls()
        _ = try await setup.store.setStatus(
            ticketID: setup.ticket.uniqueID, to: .acknowledged, by: "console", note: nil, at: setup.clock.now)
        setup.clock.advance(3600)
        #expect(try await setup.service.advanceDueCalls() == 1)
        let call = try #require(try await setup.store.call(id: setup.callID))
        #expect(call.status == .cancelled)
        #expect(call.outcome?.contains("console") == true)
        #expect(setup.provider.calls.count == 1)
    }

    @Test
    func aDeviceWithNoRosterAndNoCallableContactFailsTheCallWithTheReason() async throws {
        let setup = try await Self.setUp(script: LocalVoiceScript(), contact: "call the janitor")
        _ = try await setup.service.advanceDueCalls()
        let call = try #require(try await setup.store.call(id: setup.callID))
        #expect(call.status == .failed)
        #expect(call.outcome?.contains("E.164") == true)
        #expect(setup.provider.calls.isEmpty)
    }

    @Test
    func aKeyCountsOnlyWhenTheFlowReportsItsMeaning() async throws {
        // A site's menu where 1 means "repeat": the key is input, not an acknowledgement.
        let menu = try makeFlow(
            start: "ask",
            #"{"Identifier": "ask", "Type": "GetParticipantInput", "Parameters": {"Text": "Press 1 to hear it again."},"#
                + #""Transitions": {"NextAction": "bye", "Errors": [{"NextAction": "bye", "ErrorType": "NoMatchingError"},"#
                + #"{"NextAction": "bye", "ErrorType": "InputTimeLimitExceeded"}, {"NextAction": "bye", "ErrorType": "NoMatchingCondition"}],"#
                + #""Conditions": [{"NextAction": "bye", "Condition": {"Operator": "Equals", "Operands": ["1"]}}]}}"#,
            #"{"Identifier": "bye", "Type": "DisconnectParticipant", "Parameters": {}, "Transitions": {}}"#)
        var roster = try Self.roster(attempts: 1, rounds: 1)
        roster.queue = "menu"
        let setup = try await Self.setUp(
            script: LocalVoiceScript(fallback: [.answers("1")]), rosters: [roster],
            queues: [Queue(name: "menu", outboundFlow: menu.name)], flows: [menu])
        _ = try await setup.service.advanceDueCalls()
        let attempt = try #require(try await setup.store.callAttempts(callID: setup.callID).first)
        #expect(attempt.digits == "1")
        #expect(attempt.outcome == .answered)
        #expect(try await setup.store.ticket(id: setup.ticket.uniqueID)?.status == .open)
    }

    @Test
    func theReferenceFlowRunsUnchangedAndLeavesTheCallUnacknowledged() async throws {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/reference-flow", withExtension: "json"))
        let flow = try ContactFlow(json: try Data(contentsOf: url), name: "reference", file: "reference-flow.json")
        var roster = try Self.roster(attempts: 1, rounds: 1)
        roster.queue = "reference"
        let setup = try await Self.setUp(
            script: LocalVoiceScript(fallback: [.answers("1")]), rosters: [roster],
            queues: [Queue(name: "reference", outboundFlow: "reference")], flows: [flow])
        _ = try await setup.service.advanceDueCalls()
        let attempt = try #require(try await setup.store.callAttempts(callID: setup.callID).first)
        // The reference's flow speaks and hangs up: nobody can press anything, so it escalates.
        #expect(attempt.outcome == .answered)
        #expect(attempt.digits == "")
        #expect(attempt.transcript.contains { $0.hasPrefix("spoke:") && $0.contains(setup.ticket.uniqueID) })
        #expect(try await setup.store.call(id: setup.callID)?.status == .waiting)
    }
}
