/// Decides whom to call next, and when, for one alert on one roster: a value state machine that takes the
/// attempts so far and the time and returns the next step, with no I/O.
///
/// The rules:
/// - Call the first operator now. An answered call where the operator acknowledges (key 1) or resolves (key 2)
///   ends the escalation (``Step/done(_:)``).
/// - Any other outcome (answered without a key, no answer, busy, rejected, failed) uses one of the operator's
///   ``Roster/attemptsPerOperator`` attempts; the same operator is called again ``Roster/retryAfterMinutes``
///   after the attempt ended, until the attempts are used up; then the next operator is called at once.
/// - After the last operator, the next round starts ``Roster/retryAfterMinutes`` later; after
///   ``Roster/rounds`` rounds the escalation is ``Step/exhausted(_:)``.
/// - A snooze (key 3) calls the same operator again ``Roster/snoozeMinutes`` after the call, and does **not**
///   use one of their attempts: they answered and asked for time. At most ``maximumSnoozes`` snoozes are free;
///   later ones count as attempts, so a snooze loop cannot run forever.
/// - Operators whose hours are closed at the planned time are skipped (the next open one in order is called;
///   skipping past the last operator starts the next round). If every operator is closed, the call waits for
///   the earliest opening, searched at most ``lookAheadDays`` days ahead; none means exhausted.
///
/// Attempt times are when the attempt *ended*. Steps are never earlier than `now`.
public struct EscalationPolicy: Sendable, Hashable {
    /// How an attempt ended.
    public enum Outcome: String, Sendable, Hashable, CaseIterable {
        /// Answered and acknowledged (key 1).
        case acknowledged
        /// Answered and resolved (key 2).
        case resolved
        /// Answered and snoozed (key 3).
        case snoozed
        /// Answered, but no valid key was pressed.
        case answeredNoKey = "answered_no_key"
        /// Rang out.
        case noAnswer = "no_answer"
        /// Busy.
        case busy
        /// Refused by the far end or the network.
        case rejected
        /// Could not be placed.
        case failed
    }

    /// One call made so far.
    public struct Attempt: Sendable, Hashable {
        /// Which operator (index into ``Roster/operators``).
        public var operatorIndex: Int
        /// How it ended.
        public var outcome: Outcome
        /// When it ended, in seconds since 1970.
        public var time: Double

        /// An attempt from values.
        public init(operatorIndex: Int, outcome: Outcome, time: Double) {
            self.operatorIndex = operatorIndex
            self.outcome = outcome
            self.time = time
        }
    }

    /// How an escalation was settled.
    public enum Resolution: String, Sendable, Hashable {
        /// An operator acknowledged.
        case acknowledged
        /// An operator resolved.
        case resolved
    }

    /// Why nobody more will be called.
    public enum Exhaustion: String, Sendable, Hashable {
        /// Every round was used.
        case roundsCompleted = "rounds_completed"
        /// The roster has no operators.
        case noOperators = "no_operators"
        /// Every operator stays closed for longer than the look-ahead.
        case noOperatorAvailable = "no_operator_available"
    }

    /// What to do next.
    public enum Step: Sendable, Hashable {
        /// Call this operator at this time (seconds since 1970; due when not in the future).
        case call(operatorIndex: Int, at: Double)
        /// Settled; call nobody.
        case done(Resolution)
        /// Nobody acknowledged; call nobody.
        case exhausted(Exhaustion)
    }

    /// Snoozes that do not use an attempt; later snoozes do.
    public static let maximumSnoozes = 3
    /// How far ahead to look for an opening when every operator is closed.
    public static let lookAheadDays = 8

    /// The roster being worked through.
    public let roster: Roster
    /// Hours of operation by name, for operators' `hours`. An operator whose hours name is not here is treated
    /// as always available (``ContactCenterDefinitions`` refuses such rosters at load).
    public let hours: [String: HoursOfOperation]
    /// The attempts so far, in order.
    public private(set) var attempts: [Attempt]

    /// A policy for `roster`, optionally resuming from stored attempts.
    public init(roster: Roster, hours: [String: HoursOfOperation] = [:], attempts: [Attempt] = []) {
        self.roster = roster
        self.hours = hours
        self.attempts = attempts
    }

    /// Records an attempt's outcome.
    public mutating func record(_ attempt: Attempt) {
        attempts.append(attempt)
    }

    /// Records an attempt and returns the step after it.
    public mutating func record(_ attempt: Attempt, now: Double) -> Step {
        record(attempt)
        return nextStep(now: now)
    }

    /// Where the replayed attempts leave the escalation.
    struct Position: Hashable {
        var started = false
        var round = 0
        var index = 0
        var attemptsOnOperator = 0
        var snoozes = 0
        var pendingSnooze = false
        var lastTime = 0.0
        var resolution: Resolution?
    }

    /// Replays the attempts.
    var position: Position {
        var position = Position()
        let count = roster.operators.count
        for attempt in attempts where position.resolution == nil {
            guard (0..<count).contains(attempt.operatorIndex) else { continue }
            switch attempt.outcome {
            case .acknowledged:
                position.resolution = .acknowledged
                continue
            case .resolved:
                position.resolution = .resolved
                continue
            default: break
            }
            let index = attempt.operatorIndex
            if !position.started {
                position.started = true
                position.index = index
                position.attemptsOnOperator = 0
            } else if index != position.index {
                if index < position.index { position.round += 1 }
                position.index = index
                position.attemptsOnOperator = 0
                position.pendingSnooze = false
            } else if !position.pendingSnooze && position.attemptsOnOperator >= roster.attemptsPerOperator {
                // The same operator again after using their attempts: the order came round to them.
                position.round += 1
                position.attemptsOnOperator = 0
            }
            if attempt.outcome == .snoozed && position.snoozes < Self.maximumSnoozes {
                position.snoozes += 1
                position.pendingSnooze = true
            } else {
                position.attemptsOnOperator += 1
                position.pendingSnooze = false
            }
            position.lastTime = attempt.time
        }
        return position
    }

    /// The next step at `now`.
    public func nextStep(now: Double) -> Step {
        let position = position
        if let resolution = position.resolution { return .done(resolution) }
        let count = roster.operators.count
        guard count > 0 else { return .exhausted(.noOperators) }
        let retry = Double(roster.retryAfterMinutes) * 60
        var round: Int
        var index: Int
        var at: Double
        if !position.started {
            (round, index, at) = (0, 0, now)
        } else if position.pendingSnooze {
            (round, index, at) = (position.round, position.index, position.lastTime + Double(roster.snoozeMinutes) * 60)
        } else if position.attemptsOnOperator < roster.attemptsPerOperator {
            (round, index, at) = (position.round, position.index, position.lastTime + retry)
        } else if position.index + 1 < count {
            (round, index, at) = (position.round, position.index + 1, position.lastTime)
        } else {
            (round, index, at) = (position.round + 1, 0, position.lastTime + retry)
        }
        at = max(at, now)
        guard round < roster.rounds else { return .exhausted(.roundsCompleted) }
        if let step = firstOpen(round: round, index: index, at: at) { return step }
        if (0..<count).contains(where: { isAvailable($0, at: at) }) { return .exhausted(.roundsCompleted) }
        // Everyone is closed: wait for the earliest opening.
        var earliest: Double?
        for operatorIndex in 0..<count {
            guard let opening = opening(operatorIndex, atOrAfter: at) else { continue }
            if earliest == nil || opening < earliest! { earliest = opening }
        }
        guard let earliest else { return .exhausted(.noOperatorAvailable) }
        return firstOpen(round: round, index: index, at: earliest) ?? .exhausted(.roundsCompleted)
    }

    /// The first operator from (`round`, `index`) on, in calling order, who is available at `at`.
    private func firstOpen(round: Int, index: Int, at: Double) -> Step? {
        let count = roster.operators.count
        var (round, index) = (round, index)
        while round < roster.rounds {
            if isAvailable(index, at: at) { return .call(operatorIndex: index, at: at) }
            index += 1
            if index == count {
                index = 0
                round += 1
            }
        }
        return nil
    }

    private func operatorHours(_ index: Int) -> HoursOfOperation? {
        roster.operators[index].hours.flatMap { hours[$0] }
    }

    /// Whether operator `index` may be called at `time`.
    public func isAvailable(_ index: Int, at time: Double) -> Bool {
        operatorHours(index)?.isOpen(at: time) ?? true
    }

    private func opening(_ index: Int, atOrAfter time: Double) -> Double? {
        guard let hours = operatorHours(index) else { return time }
        return hours.nextOpening(atOrAfter: time, withinDays: Self.lookAheadDays)
    }
}
