import Foundation
import OneCallCore
import OneCallStorage
import OneCallStorageSQLite
import Testing

func errorEvent(_ device: String, _ code: String, at time: Double, id: String = UUIDText.random()) -> ErrorEvent {
    ErrorEvent(id: id, deviceID: device, errorCode: code, timestamp: time, receivedAt: time, source: .mqtt)
}

func opening(_ event: ErrorEvent, tools: [String], now: Double? = nil) -> TicketOpening {
    TicketOpening(
        event: event, ticketID: UUIDText.random(), troubleshootingSteps: ["Look.", "Listen."], severity: "high",
        title: "fault", actions: tools, now: now ?? event.receivedAt)
}

@Suite("Ticket store contract")
struct TicketStoreTests {
    @Test(arguments: Adapter.allCases)
    func aRepeatOfAnOpenFaultBumpsTheCountAndAddsNoActions(adapter: Adapter) async throws {
        let store = try adapter.make()
        let first = try await store.openTicket(opening(errorEvent("d1", "F7", at: 100), tools: ["log_ticket", "x"]))
        guard case .opened(let ticket) = first else { Issue.record("expected a new ticket"); return }
        #expect(ticket.actions.map(\.tool) == ["log_ticket", "x"])
        #expect(ticket.actions.allSatisfy { $0.status == .pending })
        #expect(ticket.troubleshootingSteps == ["Look.", "Listen."])

        let again = try await store.openTicket(opening(errorEvent("d1", "F7", at: 105), tools: ["log_ticket", "x"]))
        guard case .repeated(let repeated) = again else { Issue.record("expected a repeat"); return }
        #expect(repeated.uniqueID == ticket.uniqueID)
        #expect(repeated.occurrences == 2)
        #expect(repeated.lastOccurrenceAt == 105)
        #expect(repeated.actions.count == 2)

        // Another code, another device: new tickets.
        #expect(
            try await store.openTicket(opening(errorEvent("d1", "F8", at: 106), tools: [])).ticket.uniqueID
                != ticket.uniqueID)
        #expect(
            try await store.openTicket(opening(errorEvent("d2", "F7", at: 106), tools: [])).ticket.uniqueID
                != ticket.uniqueID)
        #expect(try await store.tickets(TicketQuery()).count == 3)
        #expect(try await store.tickets(TicketQuery(deviceID: "d1", errorCode: "F7")).map(\.occurrences) == [2])
    }

    @Test(arguments: Adapter.allCases)
    func aReplayedEventChangesNothing(adapter: Adapter) async throws {
        let store = try adapter.make()
        let event = errorEvent("d1", "F7", at: 100)
        try await store.append([event])
        #expect(try await store.untriagedEvents(limit: 10).map(\.id) == [event.id])
        let ticket = try await store.openTicket(opening(event, tools: ["log_ticket"])).ticket
        #expect(try await store.untriagedEvents(limit: 10).isEmpty)
        let replay = try await store.openTicket(opening(event, tools: ["log_ticket"]))
        #expect(replay == .alreadyTriaged(ticket))
        #expect(try await store.ticket(id: ticket.uniqueID)?.occurrences == 1)
    }

    @Test(arguments: Adapter.allCases)
    func theLifecycleMovesForwardOnly(adapter: Adapter) async throws {
        let store = try adapter.make()
        let ticket = try await store.openTicket(opening(errorEvent("d1", "F7", at: 100), tools: [])).ticket
        let acknowledged = try await store.setStatus(
            ticketID: ticket.uniqueID, to: .acknowledged, by: "ana", note: nil, at: 110)
        #expect(acknowledged.status == .acknowledged)
        #expect(acknowledged.acknowledgedBy == "ana")
        #expect(acknowledged.acknowledgedAt == 110)
        // Acknowledging again is accepted and changes nothing.
        #expect(
            try await store.setStatus(ticketID: ticket.uniqueID, to: .acknowledged, by: "bo", note: nil, at: 120)
                .acknowledgedBy == "ana")
        let resolved = try await store.setStatus(
            ticketID: ticket.uniqueID, to: .resolved, by: "ana", note: "replaced the fan", at: 130)
        #expect(resolved.status == .resolved)
        #expect(resolved.resolution == "replaced the fan")
        await #expect(throws: TicketStoreError.self) {
            try await store.setStatus(ticketID: ticket.uniqueID, to: .acknowledged, by: nil, note: nil, at: 140)
        }
        await #expect(throws: TicketStoreError.self) {
            try await store.setStatus(ticketID: "missing", to: .resolved, by: nil, note: nil, at: 140)
        }
        // Once resolved, the same fault opens a new ticket.
        let next = try await store.openTicket(opening(errorEvent("d1", "F7", at: 150), tools: []))
        guard case .opened(let fresh) = next else { Issue.record("expected a new ticket"); return }
        #expect(fresh.uniqueID != ticket.uniqueID)
    }

    @Test(arguments: Adapter.allCases)
    func actionsAreClaimedOnceRetriedAndReleased(adapter: Adapter) async throws {
        let store = try adapter.make()
        let ticket = try await store.openTicket(
            opening(errorEvent("d1", "F7", at: 100), tools: ["log_ticket", "call_operator"])
        ).ticket
        let claimed = try await store.claimDueActions(now: 100, limit: 10, lease: 30)
        #expect(claimed.map(\.tool) == ["log_ticket", "call_operator"])
        #expect(claimed.allSatisfy { $0.status == .running && $0.attempts == 1 })
        // Held: nobody else gets them until the lease runs out.
        #expect(try await store.claimDueActions(now: 110, limit: 10, lease: 30).isEmpty)

        let call = CallRequest(
            id: "call-1", ticketID: ticket.uniqueID, actionID: claimed[1].id, deviceID: "d1", contactName: "Ana",
            contact: "+15550100", message: "Press 1.", createdAt: 101)
        try await store.completeAction(id: claimed[1].id, outcome: .done(result: ["ok": true], call: call), at: 101)
        // Done twice records one call.
        try await store.completeAction(id: claimed[1].id, outcome: .done(result: ["ok": true], call: call), at: 102)
        #expect(try await store.calls(ticketID: ticket.uniqueID, limit: 10).map(\.id) == ["call-1"])

        try await store.completeAction(id: claimed[0].id, outcome: .retry(error: "451 busy", retryAt: 200), at: 101)
        #expect(try await store.nextActionDue() == 200)
        #expect(try await store.claimDueActions(now: 150, limit: 10, lease: 30).isEmpty)
        let retried = try await store.claimDueActions(now: 200, limit: 10, lease: 30)
        #expect(retried.map(\.attempts) == [2])
        // A crash: the running action is released at the next start and claimed again.
        #expect(try await store.releaseRunningActions() == 1)
        #expect(try await store.claimDueActions(now: 201, limit: 10, lease: 30).map(\.id) == [claimed[0].id])
        try await store.completeAction(id: claimed[0].id, outcome: .failed(error: "550 no such user"), at: 202)
        let final = try #require(try await store.ticket(id: ticket.uniqueID))
        #expect(final.actions.map(\.status) == [.failed, .done])
        #expect(final.actions[0].lastError == "550 no such user")
        #expect(final.actions[1].result == ["ok": true])
        #expect(try await store.nextActionDue() == nil)
    }

    @Test(arguments: Adapter.allCases)
    func actionsCreatedClaimedAreHeldUntilTheirLeaseEnds(adapter: Adapter) async throws {
        let store = try adapter.make()
        var leased = opening(errorEvent("d1", "F7", at: 100), tools: ["log_ticket", "call_operator"])
        leased.leaseActions = 30
        let ticket = try await store.openTicket(leased).ticket
        #expect(ticket.actions.allSatisfy { $0.status == .running && $0.attempts == 1 && $0.leaseUntil == 130 })
        #expect(try await store.claimDueActions(now: 120, limit: 10, lease: 30).isEmpty)
        // The creator died: after the lease, or at the next start, the actions are claimed again.
        #expect(try await store.claimDueActions(now: 131, limit: 10, lease: 30).map(\.attempts) == [2, 2])
    }

    @Test(arguments: Adapter.allCases)
    func anExpiredLeaseLetsAnotherClaimTakeOver(adapter: Adapter) async throws {
        let store = try adapter.make()
        _ = try await store.openTicket(opening(errorEvent("d1", "F7", at: 100), tools: ["log_ticket"]))
        let first = try await store.claimDueActions(now: 100, limit: 10, lease: 30)
        let second = try await store.claimDueActions(now: 131, limit: 10, lease: 30)
        #expect(second.map(\.id) == first.map(\.id))
        #expect(second.first?.attempts == 2)
    }

    @Test(arguments: Adapter.allCases)
    func addedActionsAreNotDoubled(adapter: Adapter) async throws {
        let store = try adapter.make()
        let ticket = try await store.openTicket(opening(errorEvent("d1", "F7", at: 100), tools: ["log_ticket"])).ticket
        _ = try await store.addActions(ticketID: ticket.uniqueID, tools: ["call_operator"], at: 101)
        let twice = try await store.addActions(ticketID: ticket.uniqueID, tools: ["call_operator"], at: 102)
        #expect(twice.actions.map(\.tool) == ["log_ticket", "call_operator"])
        await #expect(throws: TicketStoreError.self) {
            try await store.addActions(ticketID: "missing", tools: ["call_operator"], at: 102)
        }
    }

    @Test(arguments: Adapter.allCases)
    func aClearedFaultIsConfirmedOnlyAfterTheClearAction(adapter: Adapter) async throws {
        let store = try adapter.make()
        let ticket = try await store.openTicket(
            opening(errorEvent("d1", "F2", at: 100), tools: ["log_ticket", "clear_fault"])
        ).ticket
        let other = try await store.openTicket(opening(errorEvent("d1", "F1", at: 100), tools: ["log_ticket"])).ticket
        #expect(try await store.devicesAwaitingClearConfirmation() == ["d1"])
        // Not yet cleared by OneCall: a report of no error confirms nothing.
        #expect(try await store.confirmFaultCleared(deviceID: "d1", at: 105).isEmpty)
        let claimed = try await store.claimDueActions(now: 100, limit: 10, lease: 30)
        for action in claimed {
            try await store.completeAction(id: action.id, outcome: .done(result: [:], call: nil), at: 101)
        }
        let confirmed = try await store.confirmFaultCleared(deviceID: "d1", at: 110)
        #expect(confirmed.map(\.uniqueID) == [ticket.uniqueID])
        #expect(confirmed.first?.status == .resolved)
        #expect(confirmed.first?.faultClearedAt == 110)
        #expect(confirmed.first?.resolvedBy == "device")
        #expect(try await store.ticket(id: other.uniqueID)?.status == .open)
        #expect(try await store.devicesAwaitingClearConfirmation().isEmpty)
    }

    @Test func ticketsSurviveAReopenOfTheFile() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("onecall-\(UUIDText.random())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("onecall.sqlite").path
        let id: String
        do {
            let store = try SQLiteStorage(path: path)
            id = try await store.openTicket(opening(errorEvent("d1", "F7", at: 100), tools: ["log_ticket"])).ticket
                .uniqueID
        }
        let reopened = try SQLiteStorage(path: path)
        #expect(try await reopened.ticket(id: id)?.actions.map(\.tool) == ["log_ticket"])
    }
}
