/// Turns what automated inputs send into error events: OneCall's generic event
/// (`{"device_id", "error_code", "timestamp", "details"}`, or a list of them), the reference's
/// device error message (`{"device_name", "error_code", "timestamp"}`), and a Prometheus
/// Alertmanager webhook (version 4), whose firing alerts each become an event.
public enum EventIntake {
    /// Why a submission was refused.
    public struct Failure: Error, Sendable, Hashable, CustomStringConvertible {
        public var field: String
        public var reason: String

        public init(field: String, reason: String) {
            self.field = field
            self.reason = reason
        }

        public var description: String { "\(field): \(reason)" }
    }

    /// What a submission held: the events to raise, and how many entries were set aside (resolved
    /// alerts, "no error" codes).
    public struct Parsed: Sendable, Hashable {
        public var events: [ErrorEvent]
        public var ignored: Int
    }

    /// The most events one submission may carry.
    public static let maximumEvents = 1000

    /// Parses a submission. `noErrorCodes` are codes that mean "no error" (the reference's `None`);
    /// `newID` gives each event its identifier; `now` stamps arrival (and time when none is given).
    public static func parse(
        _ value: JSONValue, noErrorCodes: Set<String>, now: Double, newID: () -> String
    ) throws(Failure) -> Parsed {
        if case .object(let object) = value, object["alerts"] != nil {
            return try alertmanager(object, now: now, newID: newID)
        }
        let entries: [JSONValue]
        switch value {
        case .array(let elements): entries = elements
        case .object: entries = [value]
        default: throw Failure(field: "body", reason: "expected an event object or an array of events")
        }
        guard entries.count <= maximumEvents else {
            throw Failure(field: "body", reason: "more than \(maximumEvents) events")
        }
        var parsed = Parsed(events: [], ignored: 0)
        for (index, entry) in entries.enumerated() {
            let prefix = entries.count == 1 && !(value.arrayValue != nil) ? "" : "[\(index)]."
            guard let object = entry.objectValue else {
                throw Failure(field: "[\(index)]", reason: "expected an object")
            }
            let event = try generic(object, prefix: prefix, now: now, newID: newID)
            if noErrorCodes.contains(event.errorCode) {
                parsed.ignored += 1
            } else {
                parsed.events.append(event)
            }
        }
        return parsed
    }

    /// One generic event, or the reference's device error message.
    public static func generic(
        _ object: JSONObject, prefix: String = "", source: ErrorEvent.Source = .http, now: Double, newID: () -> String
    ) throws(Failure) -> ErrorEvent {
        func text(_ keys: [String]) throws(Failure) -> String? {
            for key in keys {
                switch object[key] {
                case .none, .null: continue
                case .string(let value):
                    guard !value.isEmpty, value.utf8.count <= 256 else {
                        throw Failure(field: prefix + key, reason: "expected 1 to 256 bytes")
                    }
                    return value
                case .some(let value) where value.intValue != nil:
                    return value.jsonString
                default: throw Failure(field: prefix + key, reason: "expected a string")
                }
            }
            return nil
        }
        guard let device = try text(["device_id", "device_name", "thing_name"]) else {
            throw Failure(field: prefix + "device_id", reason: "required")
        }
        guard let code = try text(["error_code", "code"]) else {
            throw Failure(field: prefix + "error_code", reason: "required")
        }
        let timestamp = try time(object["timestamp"], field: prefix + "timestamp") ?? now
        var details = JSONObject()
        switch object["details"] {
        case .none, .null: break
        case .object(let value): details = value
        case .some(let value): details["value"] = value
        }
        for member in object
        where !["device_id", "device_name", "thing_name", "error_code", "code", "timestamp", "details"].contains(
            member.key)
        {
            details[member.key] = member.value
        }
        guard JSONValue.object(details).jsonBytes.count <= 64 * 1024 else {
            throw Failure(field: prefix + "details", reason: "larger than 64 KiB")
        }
        return ErrorEvent(
            id: newID(), deviceID: device, errorCode: code, timestamp: timestamp, receivedAt: now, source: source,
            details: details)
    }

    /// The latest time accepted: the end of year 9999.
    public static let latestTime = 253_402_300_799.0

    /// A time given as seconds since 1970 (milliseconds when larger than 10^11) or RFC 3339 text,
    /// between 1970 and the end of year 9999.
    public static func time(_ value: JSONValue?, field: String) throws(Failure) -> Double? {
        guard let seconds = try unboundedTime(value, field: field) else { return nil }
        guard seconds <= latestTime else { throw Failure(field: field, reason: "later than the year 9999") }
        return seconds
    }

    private static func unboundedTime(_ value: JSONValue?, field: String) throws(Failure) -> Double? {
        switch value {
        case .none, .null: return nil
        case .string(let text):
            if let seconds = CivilTime.parse(text) {
                guard seconds >= 0 else { throw Failure(field: field, reason: "earlier than 1970") }
                return seconds
            }
            if let number = Double(text), number.isFinite, number >= 0 { return number > 1e11 ? number / 1000 : number }
            throw Failure(field: field, reason: "expected seconds since 1970 or an RFC 3339 time")
        case .some(let number):
            guard let seconds = number.doubleValue, seconds.isFinite, seconds >= 0 else {
                throw Failure(field: field, reason: "expected seconds since 1970 or an RFC 3339 time")
            }
            return seconds > 1e11 ? seconds / 1000 : seconds
        }
    }

    /// An Alertmanager webhook: each firing alert becomes an event whose device is the first of the
    /// labels `device_id`, `device`, `instance`, `job`, and whose code is the label `error_code` or
    /// else `alertname`. Resolved alerts are counted as ignored.
    static func alertmanager(_ object: JSONObject, now: Double, newID: () -> String) throws(Failure) -> Parsed {
        guard let alerts = object["alerts"]?.arrayValue else {
            throw Failure(field: "alerts", reason: "expected an array")
        }
        guard alerts.count <= maximumEvents else {
            throw Failure(field: "alerts", reason: "more than \(maximumEvents) alerts")
        }
        let commonLabels = object["commonLabels"]?.objectValue ?? JSONObject()
        var parsed = Parsed(events: [], ignored: 0)
        for (index, entry) in alerts.enumerated() {
            guard let alert = entry.objectValue else {
                throw Failure(field: "alerts[\(index)]", reason: "expected an object")
            }
            let status = alert["status"]?.stringValue ?? object["status"]?.stringValue ?? "firing"
            guard status == "firing" else {
                parsed.ignored += 1
                continue
            }
            var labels = commonLabels
            for member in alert["labels"]?.objectValue ?? JSONObject() { labels[member.key] = member.value }
            func label(_ names: [String]) -> String? {
                names.lazy.compactMap { labels[$0]?.stringValue }.first { !$0.isEmpty && $0.utf8.count <= 256 }
            }
            guard let device = label(["device_id", "device", "instance", "job"]) else {
                throw Failure(field: "alerts[\(index)].labels", reason: "no device_id, device, instance or job label")
            }
            guard let code = label(["error_code", "alertname"]) else {
                throw Failure(field: "alerts[\(index)].labels", reason: "no error_code or alertname label")
            }
            let timestamp = try time(alert["startsAt"], field: "alerts[\(index)].startsAt") ?? now
            var details: JSONObject = ["labels": .object(labels)]
            for key in ["annotations", "fingerprint", "generatorURL", "endsAt"] {
                if let value = alert[key] { details[key] = value }
            }
            if let receiver = object["receiver"] { details["receiver"] = receiver }
            parsed.events.append(
                ErrorEvent(
                    id: newID(), deviceID: device, errorCode: code, timestamp: timestamp, receivedAt: now,
                    source: .alertmanager, details: details))
        }
        return parsed
    }
}
