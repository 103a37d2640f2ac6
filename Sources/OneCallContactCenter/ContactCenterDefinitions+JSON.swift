import Foundation
import OneCallCore

extension ContactCenterDefinitions {
    /// The definitions as the API shows them: flows by name with their actions, hours with whether
    /// they are open at `now`, queues, and rosters with their operators and escalation settings.
    public func json(now: Double) -> JSONObject {
        [
            "flows": .array(
                flows.values.sorted { $0.name < $1.name }.map { flow in
                    .object([
                        "name": .string(flow.name), "file": .string(flow.file), "version": .string(flow.version),
                        "start_action": .string(flow.startAction), "action_count": .int(Int64(flow.actions.count)),
                        "action_types": .array(
                            Array(Set(flow.actions.map(\.type.rawValue))).sorted().map(JSONValue.string)),
                    ])
                }),
            "hours": .array(hours.values.sorted { $0.name < $1.name }.map { .object($0.json(now: now)) }),
            "queues": .array(queues.values.sorted { $0.name < $1.name }.map { .object($0.json) }),
            "rosters": .array(rosters.map { .object($0.json) }),
        ]
    }
}

extension HoursOfOperation {
    /// The hours as the API shows them, in Connect's words.
    public func json(now: Double) -> JSONObject {
        func time(_ time: TimeOfDay) -> JSONValue {
            .string(
                (time.hours < 10 ? "0" : "") + "\(time.hours):" + (time.minutes < 10 ? "0" : "") + "\(time.minutes)")
        }
        func span(_ span: Span) -> JSONValue {
            var object: JSONObject = ["start": time(span.start), "end": time(span.end)]
            if let day = span.day { object["day"] = .string(day.rawValue) }
            return .object(object)
        }
        func date(_ date: Date) -> JSONValue {
            .string(String(format: "%04d-%02d-%02d", date.year, date.month, date.day))
        }
        return [
            "name": .string(name), "time_zone": .string(timeZone.identifier), "open_now": .bool(isOpen(at: now)),
            "config": .array(spans.map(span)),
            "overrides": .array(
                overrides.map { override in
                    .object([
                        "name": .string(override.name), "start_date": date(override.startDate),
                        "end_date": date(override.endDate), "closed": .bool(override.isClosed),
                        "config": .array(override.spans.map(span)),
                    ])
                }),
        ]
    }
}

extension Queue {
    /// The queue as the API shows it.
    public var json: JSONObject {
        [
            "name": .string(name), "hours": hours.map(JSONValue.string) ?? .null,
            "outbound_caller_id": outboundCallerID.map { .string($0.e164) } ?? .null,
            "outbound_flow": .string(outboundFlow),
        ]
    }
}

extension Roster {
    /// The roster as the API shows it: whom it calls, in order, and how it escalates.
    public var json: JSONObject {
        [
            "name": .string(name), "queue": queue.map(JSONValue.string) ?? .null,
            "devices": .array(devices.map { .string($0.pattern) }),
            "operators": .array(
                operators.map { person in
                    .object([
                        "name": .string(person.name), "phone": .string(person.destination.address),
                        "hours": person.hours.map(JSONValue.string) ?? .null,
                    ])
                }),
            "attempts_per_operator": .int(Int64(attemptsPerOperator)),
            "retry_after_minutes": .int(Int64(retryAfterMinutes)), "rounds": .int(Int64(rounds)),
            "snooze_minutes": .int(Int64(snoozeMinutes)), "ring_timeout_seconds": .int(Int64(ringTimeoutSeconds)),
        ]
    }
}
