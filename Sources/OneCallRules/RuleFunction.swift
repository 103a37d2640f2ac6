import OneCallCore

/// The built-in functions of AWS IoT SQL that OneCall provides, named as AWS names them (matched without
/// regard to case, as AWS does: `Round(1.5)` is `round(1.5)`).
///
/// Functions that reach outside the message (`aws_lambda`, `get_dynamodb`, `get_thing_shadow`,
/// `get_secret`, `machinelearning_predict`, ...) are not provided, nor are `rand`, the hashing functions,
/// the `regexp_` functions, `parse_time` and `time_to_epoch`; calling one is a syntax error.
enum RuleFunction: String, Sendable, CaseIterable {
    // The message and the engine.
    case topic, clientid, principal, timestamp, newuuid
    case sqlVersion = "sql_version"
    // Numbers.
    case abs, acos, asin, atan, atan2, ceil, cos, cosh, exp, floor, ln, log, mod, nanvl, power, remainder
    case round, sign, sin, sinh, sqrt, tan, tanh, trunc, bitand, bitor, bitxor, bitnot
    // Strings.
    case chr, concat, endswith, indexof, length, lower, lpad, ltrim, numbytes, replace, rpad, rtrim
    case startswith, substring, trim, upper
    // Values and collections.
    case get
    case getOrDefault = "get_or_default"
    case isNull = "isnull"
    case isUndefined = "isundefined"
    case encode, decode, transform

    /// The function called `name`, matched without regard to case.
    static func named(_ name: String) -> RuleFunction? { RuleFunction(rawValue: name.lowercased()) }

    /// How many arguments the function takes.
    var arity: ClosedRange<Int> {
        switch self {
        case .clientid, .principal, .timestamp, .newuuid, .sqlVersion: 0...0
        case .topic: 0...1
        case .atan2, .mod, .nanvl, .power, .remainder, .trunc, .bitand, .bitor, .bitxor, .endswith, .indexof, .lpad,
            .rpad, .startswith, .get, .getOrDefault, .encode, .decode:
            2...2
        case .replace, .transform: 3...3
        case .substring: 2...3
        case .concat: 0...Int.max
        default: 1...1
        }
    }

    /// The arity as it reads in an error message.
    var arityDescription: String {
        let range = arity
        if range.upperBound == Int.max { return "any number of arguments" }
        if range.lowerBound == range.upperBound {
            return range.lowerBound == 1 ? "1 argument" : "\(range.lowerBound) arguments"
        }
        return "\(range.lowerBound) to \(range.upperBound) arguments"
    }

    /// Applies the function to evaluated arguments (`nil` is Undefined).
    func apply(_ arguments: [JSONValue?], context: RuleContext) throws(RuleEvaluationError) -> JSONValue? {
        switch self {
        case .topic: return Self.topic(arguments, context: context)
        case .clientid: return .string(context.input.clientID ?? "n/a")
        case .principal: return context.input.principal.map(JSONValue.string)
        case .timestamp: return .int(context.input.timestamp)
        case .newuuid: return .string(context.input.newUUID())
        case .sqlVersion: return .string(RuleStatement.sqlVersion)
        case .abs, .acos, .asin, .atan, .ceil, .cos, .cosh, .exp, .floor, .ln, .log, .round, .sign, .sin, .sinh,
            .sqrt, .tan, .tanh, .bitnot:
            return Self.unaryMath(self, arguments[0])
        case .atan2, .mod, .remainder, .power, .trunc, .bitand, .bitor, .bitxor:
            return Self.binaryMath(self, arguments[0], arguments[1])
        case .nanvl:
            if let first = arguments[0], !first.isNull { return first }
            return arguments[1]
        case .chr, .concat, .endswith, .indexof, .length, .lower, .lpad, .ltrim, .numbytes, .replace, .rpad, .rtrim,
            .startswith, .substring, .trim, .upper:
            return try Self.text(self, arguments, limits: context.limits)
        case .get: return Self.get(arguments[0], arguments[1])
        case .getOrDefault:
            if let first = arguments[0], !first.isNull { return first }
            return arguments[1]
        case .isNull: return .bool(arguments[0]?.isNull ?? false)
        case .isUndefined: return .bool(arguments[0] == nil)
        case .encode:
            guard let text = arguments[0]?.ruleText else { return nil }
            return try Self.checked(.string(Base64.encode(Array(text.utf8))), limits: context.limits)
        case .decode: return Self.decode(arguments[0])
        case .transform: return try Self.transform(arguments, limits: context.limits)
        }
    }

    private static func topic(_ arguments: [JSONValue?], context: RuleContext) -> JSONValue? {
        let topic = context.input.topic
        guard let first = arguments.first else { return .string(topic) }
        guard let level = first?.ruleInteger, level >= 1 else { return nil }
        var current: Int64 = 1
        for part in topic.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false) {
            if current == level { return .string(String(decoding: part, as: UTF8.self)) }
            current += 1
        }
        return nil
    }

    /// `get(collection, key)`: an array element or string character by 0-based index, or an object member.
    static func get(_ collection: JSONValue?, _ key: JSONValue?) -> JSONValue? {
        switch collection {
        case .array(let elements)?:
            guard let index = key?.ruleInteger, index >= 0, index < elements.count else { return nil }
            return elements[Int(index)].ruleNormalized
        case .string(let text)?:
            guard let index = key?.ruleInteger, index >= 0 else { return nil }
            let scalars = text.unicodeScalars
            guard index < scalars.count else { return nil }
            return .string(String(scalars[scalars.index(scalars.startIndex, offsetBy: Int(index))]))
        case .object(let object)?:
            guard case .string(let name)? = key else { return nil }
            return object[name]?.ruleNormalized
        default:
            return nil
        }
    }

    /// `decode(value, 'base64')`: the decoded JSON document, or the decoded text; Null when it does not decode.
    private static func decode(_ value: JSONValue?) -> JSONValue? {
        guard let text = value?.ruleText else { return nil }
        guard let bytes = Base64.decode(text), let decoded = String(validating: bytes, as: UTF8.self) else {
            return .null
        }
        if let document = try? JSONValue(parsing: bytes) { return document }
        return .string(decoded)
    }

    /// `transform('enrichArray', object, array)`: each object of the array with the object's members added.
    private static func transform(_ arguments: [JSONValue?], limits: RuleLimits) throws(RuleEvaluationError)
        -> JSONValue?
    {
        guard case .string("enrichArray")? = arguments[0], case .object(let extra)? = arguments[1],
            case .array(let elements)? = arguments[2]
        else { return nil }
        if elements.count > limits.maximumArrayCount
            || elements.count.multipliedReportingOverflow(by: max(extra.count, 1)).partialValue
                > limits.maximumArrayCount
        {
            throw RuleEvaluationError(code: .valueTooLarge)
        }
        var result: [JSONValue] = []
        result.reserveCapacity(elements.count)
        for element in elements {
            guard case .object(var object) = element else { continue }
            for member in extra { object[member.key] = member.value }
            result.append(.object(object))
        }
        return .array(result)
    }

    /// `value`, or ``RuleEvaluationError/Code/valueTooLarge`` if it is a string or array over the limits.
    static func checked(_ value: JSONValue, limits: RuleLimits) throws(RuleEvaluationError) -> JSONValue {
        switch value {
        case .string(let text) where text.utf8.count > limits.maximumStringBytes:
            throw RuleEvaluationError(code: .valueTooLarge)
        case .array(let elements) where elements.count > limits.maximumArrayCount:
            throw RuleEvaluationError(code: .valueTooLarge)
        default:
            return value
        }
    }
}
