import OneCallCore

/// A tool call's arguments, checked against the tool's JSON Schema (the subset the tools use:
/// an object of typed properties, required names, enums, integer bounds, no extra properties).
struct ToolArguments: Sendable {
    /// The longest string argument accepted.
    static let maximumStringLength = 4096

    let values: JSONObject

    init(_ values: JSONObject, schema: JSONValue) throws(ToolCallError) {
        let properties = schema["properties"]?.objectValue ?? JSONObject()
        for required in schema["required"]?.arrayValue ?? [] {
            guard let name = required.stringValue else { continue }
            guard let value = values[name], !value.isNull else { throw ToolCallError("\(name) is required") }
        }
        for member in values {
            guard let property = properties[member.key] else {
                throw ToolCallError(
                    "unknown argument \(member.key); arguments: \(properties.keys.joined(separator: ", "))")
            }
            if member.value.isNull { continue }
            try Self.check(member.key, member.value, against: property)
        }
        self.values = values
    }

    static func check(_ name: String, _ value: JSONValue, against property: JSONValue) throws(ToolCallError) {
        switch property["type"]?.stringValue {
        case "string":
            guard let text = value.stringValue else { throw ToolCallError("\(name) must be a string") }
            guard text.utf8.count <= maximumStringLength else {
                throw ToolCallError("\(name) is longer than \(maximumStringLength) bytes")
            }
            if let allowed = property["enum"]?.arrayValue, !allowed.contains(value) {
                throw ToolCallError(
                    "\(name) must be one of \(allowed.compactMap(\.stringValue).joined(separator: ", "))")
            }
        case "integer":
            guard let number = value.intValue else { throw ToolCallError("\(name) must be an integer") }
            if let minimum = property["minimum"]?.intValue, number < minimum {
                throw ToolCallError("\(name) must be at least \(minimum)")
            }
            if let maximum = property["maximum"]?.intValue, number > maximum {
                throw ToolCallError("\(name) must be at most \(maximum)")
            }
        case "object":
            guard value.objectValue != nil else { throw ToolCallError("\(name) must be an object") }
            guard value.depth <= 8, value.jsonBytes.count <= 16 * 1024 else {
                throw ToolCallError("\(name) is larger than 16 KiB or nested deeper than 8")
            }
        default:
            break
        }
    }

    func string(_ name: String) -> String? { values[name]?.stringValue }

    func integer(_ name: String) -> Int? { values[name]?.intValue.map { Int($0) } }

    func object(_ name: String) -> JSONObject? { values[name]?.objectValue }

    /// A required name-like argument: non-empty, at most 128 bytes, no control characters.
    func identifier(_ name: String) throws(ToolCallError) -> String {
        guard let text = string(name), !text.isEmpty else { throw ToolCallError("\(name) is required") }
        guard text.utf8.count <= 128, !text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F })
        else { throw ToolCallError("\(name) must be 1 to 128 printable characters") }
        return text
    }

    /// An optional time: RFC 3339 text or seconds since 1970 (as a number or as text).
    func time(_ name: String) throws(ToolCallError) -> Double? {
        guard let value = values[name], !value.isNull else { return nil }
        if let seconds = value.doubleValue { return seconds }
        if let text = value.stringValue {
            if let seconds = Double(text), seconds.isFinite { return seconds }
            if let seconds = CivilTime.parse(text) { return seconds }
        }
        throw ToolCallError("\(name) must be an RFC 3339 time or seconds since 1970")
    }
}
