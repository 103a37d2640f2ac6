import OneCallCore

/// A stored reading read as named scalar fields: top-level members, and members of nested objects
/// as `outer.inner`. The member that names the device and time stamps are left out.
struct ChatReading: Sendable {
    var deviceID: String
    var timestamp: Double
    var sequence: Int64
    /// The fields in the order the device wrote them.
    var fields: [(name: String, value: ChatValue)]

    /// The reading of `record`, or `nil` when its payload is not a JSON object.
    init?(_ record: TelemetryRecord, maximumFields: Int) {
        guard let value = try? JSONValue(parsing: record.payload), let object = value.objectValue else { return nil }
        deviceID = record.deviceID
        timestamp = record.timestamp
        sequence = record.sequence
        fields = []
        Self.collect(object, prefix: "", depth: 0, deviceID: record.deviceID, into: &fields, limit: maximumFields)
    }

    private static func collect(
        _ object: JSONObject, prefix: String, depth: Int, deviceID: String,
        into fields: inout [(name: String, value: ChatValue)], limit: Int
    ) {
        for member in object {
            guard fields.count < limit else { return }
            let name = prefix + member.key
            switch member.value {
            case .int, .double:
                guard !isTimeField(member.key), let number = member.value.doubleValue else { continue }
                fields.append((name, .number(number)))
            case .string(let text):
                guard text != deviceID, !isTimeField(member.key) else { continue }
                fields.append((name, .word(text)))
            case .bool(let flag):
                fields.append((name, .word(flag ? "true" : "false")))
            case .object(let inner) where depth < 1:
                collect(inner, prefix: name + ".", depth: depth + 1, deviceID: deviceID, into: &fields, limit: limit)
            default:
                continue
            }
        }
    }

    /// Whether a member name is a time stamp rather than a measurement.
    private static func isTimeField(_ name: String) -> Bool {
        let lower = name.lowercased()
        return lower == "timestamp" || lower == "ts" || lower == "time" || lower.hasSuffix("_timestamp")
            || lower == "received_at"
    }

    /// The value of field `name`.
    func value(of name: String) -> ChatValue? {
        fields.first { $0.name == name }?.value
    }

    /// The reading's error-code field and its value, when it has one that is not a "no error" value:
    /// a word field whose name says error, fault or alarm and code, or is just one of those.
    func errorCode(noErrorValues: Set<String>) -> (field: String, code: String)? {
        for field in fields {
            guard case .word(let code) = field.value, Self.isErrorField(field.name) else { continue }
            return noErrorValues.contains(code) ? nil : (field.name, code)
        }
        return nil
    }

    /// Whether a field name names an error code (`error_code`, `fault`, `alarmCode`).
    static func isErrorField(_ name: String) -> Bool {
        let words = ChatFieldMatcher.words(inFieldName: name)
        return words.contains { ["error", "fault", "alarm", "err"].contains($0) }
            && (words.count == 1 || words.contains { ["code", "id", "number", "status"].contains($0) })
    }
}
