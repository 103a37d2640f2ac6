import OneCallCore

/// One reading as the detectors see it: when it was taken, its numeric fields and its word fields
/// (`mode`, `compressor_status`), by name. Identifiers (the device, the time) are not fields.
public struct TelemetryReading: Sendable, Hashable {
    /// When the reading was taken, in seconds since 1970.
    public var timestamp: Double
    /// Numeric fields by name (finite values only).
    public var numbers: [String: Double]
    /// Text fields by name.
    public var words: [String: String]

    public init(timestamp: Double, numbers: [String: Double] = [:], words: [String: String] = [:]) {
        self.timestamp = timestamp
        self.numbers = numbers.filter { $0.value.isFinite }
        self.words = words
    }

    /// The most fields a reading contributes; the rest are ignored.
    public static let maximumFields = 64
    /// The longest word kept; longer text is not a category but free text, and is ignored.
    public static let maximumWordLength = 64

    /// The fields of a JSON reading: top-level numbers and short strings (booleans as words), except
    /// those named in `excluding` (identifiers, timestamps, labels).
    public init(timestamp: Double, object: JSONObject, excluding: Set<String>) {
        var numbers: [String: Double] = [:]
        var words: [String: String] = [:]
        for member in object where !excluding.contains(member.key) {
            guard numbers.count + words.count < Self.maximumFields else { break }
            switch member.value {
            case .int(let value): numbers[member.key] = Double(value)
            case .double(let value) where value.isFinite: numbers[member.key] = value
            case .bool(let value): words[member.key] = value ? "true" : "false"
            case .string(let value) where value.utf8.count <= Self.maximumWordLength: words[member.key] = value
            default: continue
            }
        }
        self.init(timestamp: timestamp, numbers: numbers, words: words)
    }

    /// The fields of a CSV row: a field that reads as a number is a number, an empty one is
    /// missing, anything else is a word.
    public init(timestamp: Double, columns: [String], fields: [String], excluding: Set<String>) {
        var numbers: [String: Double] = [:]
        var words: [String: String] = [:]
        for (name, field) in zip(columns, fields) where !excluding.contains(name) && !field.isEmpty {
            guard numbers.count + words.count < Self.maximumFields else { break }
            if let value = Double(field), value.isFinite {
                numbers[name] = value
            } else if field.utf8.count <= Self.maximumWordLength {
                words[name] = field
            }
        }
        self.init(timestamp: timestamp, numbers: numbers, words: words)
    }
}
