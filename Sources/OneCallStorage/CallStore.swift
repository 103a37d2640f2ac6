import OneCallCore

/// What became of a call request after an attempt (or a decision without one).
public struct CallProgress: Sendable, Hashable {
    public var status: CallRequest.Status
    /// When the next attempt is due; `nil` once the call is over.
    public var nextAttemptAt: Double?
    /// The roster the call escalates along.
    public var roster: String?
    /// Why the call stands where it does, in words.
    public var outcome: String?

    public init(status: CallRequest.Status, nextAttemptAt: Double?, roster: String? = nil, outcome: String? = nil) {
        self.status = status
        self.nextAttemptAt = nextAttemptAt
        self.roster = roster
        self.outcome = outcome
    }
}

/// Where the contact center keeps its calls: the requests that triage recorded, and every attempt
/// placed for them. The attempts are the escalation's memory, so a restart resumes a call where it
/// stood instead of starting it over.
public protocol CallStore: Sendable {
    /// Claims up to `limit` calls that are due at `now` — requested, waiting or snoozed ones whose
    /// time has come, and calling ones whose lease ran out — marking them `calling` for `lease`
    /// seconds.
    func claimDueCalls(now: Double, limit: Int, lease: Double) async throws -> [CallRequest]

    /// Records an attempt (if one was placed) and the call's new state, in one transaction, if the
    /// call is still `calling`. An attempt number recorded before is ignored, so a retried write
    /// changes nothing.
    func recordCallProgress(callID: String, attempt: CallAttempt?, progress: CallProgress, at time: Double)
        async throws

    /// Extends the lease of a call being placed to `until`; false when the call is no longer
    /// `calling` (the lease was taken over, or it was released).
    func renewCallLease(callID: String, until: Double) async throws -> Bool

    func call(id: String) async throws -> CallRequest?

    /// The call's attempts, oldest first.
    func callAttempts(callID: String) async throws -> [CallAttempt]

    /// The soonest time a call becomes due, if any.
    func nextCallDue() async throws -> Double?

    /// Returns every `calling` call to `waiting`, due at once (at start, when no other process can
    /// be calling).
    func releaseRunningCalls() async throws -> Int
}
