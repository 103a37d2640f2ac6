import OneCallCore

/// The standard conversions of AWS IoT SQL ("Data types › Conversions"), applied when a function or
/// operator is given a value of another type. `nil` is Undefined. No conversion produces an Array,
/// Object or Null.
extension JSONValue {
    /// The value as a number: Ints and Decimals as they are, strings that read as numbers; else `nil`.
    var ruleNumber: RuleNumber? {
        switch self {
        case .int(let value): .int(value)
        case .double(let value): value.isFinite ? RuleNumber(normalizing: value) : nil
        case .string(let text): RuleNumber(parsing: text)
        default: nil
        }
    }

    /// The value as an Int: Decimals round to the nearest Int.
    var ruleInteger: Int64? {
        switch ruleNumber {
        case .int(let value)?: value
        case .decimal(let value)?: Self.exactInteger(value.rounded(.toNearestOrAwayFromZero))
        case nil: nil
        }
    }

    /// The value as an Int, rounding Decimals down (as the bitwise functions, `substring` and `cast` do).
    var ruleFloorInteger: Int64? {
        switch ruleNumber {
        case .int(let value)?: value
        case .decimal(let value)?: Self.exactInteger(value.rounded(.down))
        case nil: nil
        }
    }

    private static func exactInteger(_ value: Double) -> Int64? {
        guard value >= -9.223_372_036_854_775_808e18, value < 9.223_372_036_854_775_808e18 else { return nil }
        return Int64(value)
    }

    /// The value as a Boolean: Booleans, and the strings "true" and "false" in any case.
    var ruleBoolean: Bool? {
        switch self {
        case .bool(let value): return value
        case .string(let text):
            guard text.utf8.count == 4 || text.utf8.count == 5 else { return nil }
            switch text.lowercased() {
            case "true": return true
            case "false": return false
            default: return nil
            }
        default: return nil
        }
    }

    /// The value as a string: numbers in standard notation, Booleans in lower case, arrays and objects
    /// as JSON text; Null has no string form.
    var ruleText: String? {
        switch self {
        case .string(let text): text
        case .int(let value): String(value)
        case .double(let value): RuleNumber(normalizing: value).text
        case .bool(let value): value ? "true" : "false"
        case .array, .object: jsonString
        case .null: nil
        }
    }

    /// A payload number as SQL version 2016-03-23 processes it: a whole Decimal becomes an Int.
    var ruleNormalized: JSONValue {
        if case .double(let value) = self, case .int(let whole) = RuleNumber(normalizing: value) { return .int(whole) }
        return self
    }
}

extension RuleNumber {
    /// The number as text: `42`, `0.5`, `1.0e+20`.
    var text: String {
        switch self {
        case .int(let value): String(value)
        case .decimal(let value): String(value)
        }
    }
}
