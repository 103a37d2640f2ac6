import Foundation
import Testing

@testable import OneCallContactCenter

@Suite struct EscalationPolicyTests {
    let start = utc(2026, 3, 2, 12)  // Monday noon UTC

    func roster(operators: Int = 2, hours: [String?]? = nil, attempts: Int = 2, rounds: Int = 2) -> Roster {
        Roster(
            name: "r", devices: [DevicePattern("*")!],
            operators: (0..<operators).map { index in
                .init(name: "op\(index)", destination: .sip("sip:op\(index)@host"), hours: hours?[index])
            },
            attemptsPerOperator: attempts, retryAfterMinutes: 5, rounds: rounds, snoozeMinutes: 30)
    }

    /// Open 09:00–17:00 UTC every day.
    let dayShift = HoursOfOperation(
        name: "day", timeZone: TimeZone(identifier: "UTC")!,
        spans: HoursOfOperation.Day.allCases.map {
            .init(day: $0, start: .init(hours: 9, minutes: 0)!, end: .init(hours: 17, minutes: 0)!)
        })
    /// Open 17:00–09:00 UTC (overnight) every day.
    let nightShift = HoursOfOperation(
        name: "night", timeZone: TimeZone(identifier: "UTC")!,
        spans: HoursOfOperation.Day.allCases.map {
            .init(day: $0, start: .init(hours: 17, minutes: 0)!, end: .init(hours: 9, minutes: 0)!)
        })

    @Test func firstCallIsToTheFirstOperatorNow() {
        let policy = EscalationPolicy(roster: roster())
        #expect(policy.nextStep(now: start) == .call(operatorIndex: 0, at: start))
    }

    @Test func acknowledgedOnTheFirstCallIsDone() {
        var policy = EscalationPolicy(roster: roster())
        let step = policy.record(.init(operatorIndex: 0, outcome: .acknowledged, time: start + 40), now: start + 40)
        #expect(step == .done(.acknowledged))
        policy.record(.init(operatorIndex: 0, outcome: .resolved, time: start + 80))
        #expect(policy.nextStep(now: start + 90) == .done(.acknowledged))
    }

    @Test func resolvedIsDone() {
        var policy = EscalationPolicy(roster: roster())
        #expect(policy.record(.init(operatorIndex: 0, outcome: .resolved, time: start), now: start) == .done(.resolved))
    }

    @Test func noAnswerRetriesTheSameOperatorThenTheNext() {
        var policy = EscalationPolicy(roster: roster())
        let first = start + 30
        #expect(
            policy.record(.init(operatorIndex: 0, outcome: .noAnswer, time: first), now: first)
                == .call(operatorIndex: 0, at: first + 300))
        let second = first + 330
        #expect(
            policy.record(.init(operatorIndex: 0, outcome: .busy, time: second), now: second)
                == .call(operatorIndex: 1, at: second))
        let third = second + 30
        #expect(
            policy.record(.init(operatorIndex: 1, outcome: .answeredNoKey, time: third), now: third)
                == .call(operatorIndex: 1, at: third + 300))
        let fourth = third + 330
        #expect(
            policy.record(.init(operatorIndex: 1, outcome: .acknowledged, time: fourth), now: fourth)
                == .done(.acknowledged))
    }

    @Test func lateEvaluationIsDueNow() {
        var policy = EscalationPolicy(roster: roster())
        policy.record(.init(operatorIndex: 0, outcome: .noAnswer, time: start))
        #expect(policy.nextStep(now: start + 3600) == .call(operatorIndex: 0, at: start + 3600))
    }

    @Test func exhaustedAfterAllRounds() {
        var policy = EscalationPolicy(roster: roster(operators: 2, attempts: 2, rounds: 2))
        var now = start
        var calls: [Int] = []
        var step = policy.nextStep(now: now)
        while case .call(let index, let at) = step {
            calls.append(index)
            now = at + 30
            step = policy.record(.init(operatorIndex: index, outcome: .noAnswer, time: now), now: now)
            if calls.count > 20 { break }
        }
        #expect(calls == [0, 0, 1, 1, 0, 0, 1, 1])
        #expect(step == .exhausted(.roundsCompleted))
    }

    @Test func nextRoundWaitsTheRetryDelay() {
        var policy = EscalationPolicy(roster: roster(operators: 1, attempts: 1, rounds: 2))
        #expect(
            policy.record(.init(operatorIndex: 0, outcome: .rejected, time: start), now: start)
                == .call(operatorIndex: 0, at: start + 300))
        #expect(
            policy.record(.init(operatorIndex: 0, outcome: .failed, time: start + 300), now: start + 300)
                == .exhausted(.roundsCompleted))
    }

    @Test func snoozeDelaysWithoutUsingAnAttempt() {
        var policy = EscalationPolicy(roster: roster(attempts: 2))
        let first = start + 20
        #expect(
            policy.record(.init(operatorIndex: 0, outcome: .snoozed, time: first), now: first)
                == .call(operatorIndex: 0, at: first + 1800))
        let second = first + 1800 + 20
        // The snooze did not count: operator 0 still has a retry after this no-answer.
        #expect(
            policy.record(.init(operatorIndex: 0, outcome: .noAnswer, time: second), now: second)
                == .call(operatorIndex: 0, at: second + 300))
        let third = second + 320
        #expect(
            policy.record(.init(operatorIndex: 0, outcome: .noAnswer, time: third), now: third)
                == .call(operatorIndex: 1, at: third))
    }

    @Test func endlessSnoozingEventuallyUsesAttempts() {
        var policy = EscalationPolicy(roster: roster(operators: 1, attempts: 1, rounds: 1))
        var now = start
        for _ in 0..<EscalationPolicy.maximumSnoozes {
            #expect(
                policy.record(.init(operatorIndex: 0, outcome: .snoozed, time: now), now: now)
                    == .call(operatorIndex: 0, at: now + 1800))
            now += 1800
        }
        #expect(
            policy.record(.init(operatorIndex: 0, outcome: .snoozed, time: now), now: now)
                == .exhausted(.roundsCompleted))
    }

    @Test func closedOperatorsAreSkipped() {
        let roster = roster(operators: 2, hours: ["night", nil])
        let policy = EscalationPolicy(roster: roster, hours: ["night": nightShift])
        // Noon: the night operator is closed, so the second operator is called first.
        #expect(policy.nextStep(now: start) == .call(operatorIndex: 1, at: start))
        // 20:00: the night operator is open.
        #expect(policy.nextStep(now: utc(2026, 3, 2, 20)) == .call(operatorIndex: 0, at: utc(2026, 3, 2, 20)))
    }

    @Test func retryFallsToTheNextOperatorWhenHoursClose() {
        let roster = roster(operators: 2, hours: ["day", nil])
        var policy = EscalationPolicy(roster: roster, hours: ["day": dayShift])
        let late = utc(2026, 3, 2, 16, 57)
        policy.record(.init(operatorIndex: 0, outcome: .noAnswer, time: late))
        // The retry would be at 17:02, after the day shift ends.
        #expect(policy.nextStep(now: late) == .call(operatorIndex: 1, at: late + 300))
    }

    @Test func allClosedWaitsForTheEarliestOpening() {
        let roster = roster(operators: 2, hours: ["day", "day"])
        let policy = EscalationPolicy(roster: roster, hours: ["day": dayShift])
        let night = utc(2026, 3, 2, 22)
        #expect(policy.nextStep(now: night) == .call(operatorIndex: 0, at: utc(2026, 3, 3, 9)))
    }

    @Test func neverOpenIsExhausted() {
        let never = HoursOfOperation(name: "never", timeZone: TimeZone(identifier: "UTC")!, spans: [])
        let policy = EscalationPolicy(roster: roster(operators: 1, hours: ["never"]), hours: ["never": never])
        #expect(policy.nextStep(now: start) == .exhausted(.noOperatorAvailable))
        let empty = EscalationPolicy(roster: Roster(name: "e", devices: [], operators: []))
        #expect(empty.nextStep(now: start) == .exhausted(.noOperators))
    }

    @Test func resumesFromStoredAttempts() {
        let attempts: [EscalationPolicy.Attempt] = [
            .init(operatorIndex: 0, outcome: .noAnswer, time: start),
            .init(operatorIndex: 0, outcome: .noAnswer, time: start + 330),
        ]
        let policy = EscalationPolicy(roster: roster(), attempts: attempts)
        #expect(policy.nextStep(now: start + 400) == .call(operatorIndex: 1, at: start + 400))
    }
}
