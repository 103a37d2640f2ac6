import OneCallCore
import OneCallStorage
import OneCallStorageSQLite
import Testing

@Suite("Call store contract")
struct CallStoreTests {
    /// A ticket with a `call_operator` action done, which records `call-1` at time 101.
    func requestedCall(_ store: SQLiteStorage) async throws -> CallRequest {
        let ticket = try await store.openTicket(opening(errorEvent("d1", "F7", at: 100), tools: ["call_operator"]))
            .ticket
        let action = try #require(try await store.claimDueActions(now: 100, limit: 1, lease: 30).first)
        let call = CallRequest(
            id: "call-1", ticketID: ticket.uniqueID, actionID: action.id, deviceID: "d1", contactName: "Ana",
            contact: "+15550100", message: "Press 1.", createdAt: 101)
        try await store.completeAction(id: action.id, outcome: .done(result: [:], call: call), at: 101)
        return try #require(try await store.call(id: "call-1"))
    }

    func attempt(_ call: CallRequest, _ number: Int, _ outcome: CallAttempt.Outcome, at time: Double) -> CallAttempt {
        CallAttempt(
            callID: call.id, ticketID: call.ticketID, number: number, operatorIndex: number - 1,
            operatorName: "op\(number)", destination: "+1555010\(number)", provider: "local", startedAt: time,
            answeredAt: outcome == .noAnswer ? nil : time + 2, endedAt: time + 9, outcome: outcome,
            digits: outcome == .acknowledged ? "1" : "", detail: nil, transcript: ["spoke: hello"])
    }

    @Test(arguments: Adapter.allCases)
    func aRecordedCallIsDueAtOnceAndClaimedOnce(adapter: Adapter) async throws {
        let store = try adapter.make()
        let call = try await requestedCall(store)
        #expect(call.status == .requested)
        #expect(call.nextAttemptAt == 101)
        #expect(try await store.nextCallDue() == 101)
        #expect(try await store.claimDueCalls(now: 100, limit: 5, lease: 60).isEmpty)
        let claimed = try await store.claimDueCalls(now: 101, limit: 5, lease: 60)
        #expect(claimed.map(\.id) == ["call-1"])
        #expect(claimed.first?.status == .calling)
        // Held by the lease.
        #expect(try await store.claimDueCalls(now: 120, limit: 5, lease: 60).isEmpty)
        #expect(try await store.nextCallDue() == 161)
        // A long call keeps its lease by renewing it.
        #expect(try await store.renewCallLease(callID: "call-1", until: 181))
        #expect(try await store.claimDueCalls(now: 170, limit: 5, lease: 60).isEmpty)
        #expect(try await store.nextCallDue() == 181)
        // An abandoned lease is taken over.
        #expect(try await store.claimDueCalls(now: 181, limit: 5, lease: 60).map(\.id) == ["call-1"])
        // Once the call is no longer being placed, there is no lease to renew.
        try await store.recordCallProgress(
            callID: "call-1", attempt: nil, progress: CallProgress(status: .exhausted, nextAttemptAt: nil), at: 190)
        #expect(try await store.renewCallLease(callID: "call-1", until: 300) == false)
    }

    @Test(arguments: Adapter.allCases)
    func attemptsAreRecordedOnceWithTheCallsProgress(adapter: Adapter) async throws {
        let store = try adapter.make()
        let call = try await requestedCall(store)
        _ = try await store.claimDueCalls(now: 101, limit: 5, lease: 60)
        let first = attempt(call, 1, .noAnswer, at: 101)
        let waiting = CallProgress(status: .waiting, nextAttemptAt: 401, roster: "site-a", outcome: "no answer")
        try await store.recordCallProgress(callID: call.id, attempt: first, progress: waiting, at: 110)
        // A retried write changes nothing.
        try await store.recordCallProgress(callID: call.id, attempt: first, progress: waiting, at: 110)
        var stored = try #require(try await store.call(id: call.id))
        #expect(stored.status == .waiting)
        #expect(stored.attempts == 1)
        #expect(stored.nextAttemptAt == 401)
        #expect(stored.roster == "site-a")
        #expect(try await store.claimDueCalls(now: 400, limit: 5, lease: 60).isEmpty)

        _ = try await store.claimDueCalls(now: 401, limit: 5, lease: 60)
        let second = attempt(call, 2, .acknowledged, at: 401)
        try await store.recordCallProgress(
            callID: call.id, attempt: second,
            progress: CallProgress(status: .acknowledged, nextAttemptAt: 999, outcome: "acknowledged by op2"), at: 412)
        stored = try #require(try await store.call(id: call.id))
        #expect(stored.status == .acknowledged)
        #expect(stored.attempts == 2)
        #expect(stored.nextAttemptAt == nil)
        #expect(stored.roster == "site-a")
        #expect(stored.outcome == "acknowledged by op2")
        #expect(try await store.nextCallDue() == nil)
        let attempts = try await store.callAttempts(callID: call.id)
        #expect(attempts == [first, second])
        #expect(attempts[1].duration == 9)
    }

    @Test(arguments: Adapter.allCases)
    func aCrashMidCallReleasesTheCall(adapter: Adapter) async throws {
        let store = try adapter.make()
        let call = try await requestedCall(store)
        _ = try await store.claimDueCalls(now: 101, limit: 5, lease: 600)
        #expect(try await store.releaseRunningCalls() == 1)
        let released = try #require(try await store.call(id: call.id))
        #expect(released.status == .waiting)
        #expect(try await store.claimDueCalls(now: 102, limit: 5, lease: 600).map(\.id) == [call.id])
    }
}
