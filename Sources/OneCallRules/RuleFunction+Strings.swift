import OneCallCore

extension RuleFunction {
    /// The string functions. Non-string arguments go through the standard string conversion; Null and
    /// Undefined make the result Undefined. Positions count Unicode scalars.
    static func text(_ function: RuleFunction, _ arguments: [JSONValue?], limits: RuleLimits)
        throws(RuleEvaluationError) -> JSONValue?
    {
        switch function {
        case .concat:
            return try concat(arguments, limits: limits)
        case .chr:
            guard let code = arguments[0]?.ruleFloorInteger, (0...127).contains(code),
                let scalar = Unicode.Scalar(UInt32(code))
            else { return nil }
            return .string(String(Character(scalar)))
        case .lpad, .rpad:
            guard let text = arguments[0]?.ruleText, let count = arguments[1]?.ruleFloorInteger else { return nil }
            let padding = String(repeating: " ", count: Int(min(max(count, 0), 1000)))
            return try checked(.string(function == .lpad ? padding + text : text + padding), limits: limits)
        case .substring:
            return substring(arguments)
        default:
            break
        }
        var texts: [String] = []
        texts.reserveCapacity(arguments.count)
        for argument in arguments {
            guard let text = argument?.ruleText else { return nil }
            texts.append(text)
        }
        switch function {
        case .lower: return .string(texts[0].lowercased())
        case .upper: return .string(texts[0].uppercased())
        case .length: return .int(Int64(texts[0].unicodeScalars.count))
        case .numbytes: return .int(Int64(texts[0].utf8.count))
        case .trim: return .string(trimmed(texts[0], leading: true, trailing: true))
        case .ltrim: return .string(trimmed(texts[0], leading: true, trailing: false))
        case .rtrim: return .string(trimmed(texts[0], leading: false, trailing: true))
        case .startswith: return .bool(texts[0].utf8.starts(with: texts[1].utf8))
        case .endswith: return .bool(texts[0].utf8.reversed().starts(with: texts[1].utf8.reversed()))
        case .indexof: return .int(indexOf(texts[1], in: texts[0]))
        case .replace: return try checked(.string(replacing(texts[1], with: texts[2], in: texts[0])), limits: limits)
        default: return nil
        }
    }

    /// `concat(...)`: nothing is Undefined; one argument is returned as it is; with an array among
    /// them, one array of all the arguments (arrays spliced in); with a string among them, the string
    /// forms joined; anything else is Undefined.
    private static func concat(_ arguments: [JSONValue?], limits: RuleLimits) throws(RuleEvaluationError)
        -> JSONValue?
    {
        guard !arguments.isEmpty else { return nil }
        if arguments.count == 1 { return arguments[0] }
        var values: [JSONValue] = []
        values.reserveCapacity(arguments.count)
        var hasArray = false
        var hasString = false
        for argument in arguments {
            guard let argument else { return nil }
            if case .array = argument { hasArray = true }
            if case .string = argument { hasString = true }
            values.append(argument)
        }
        if hasArray {
            var elements: [JSONValue] = []
            for value in values {
                if case .array(let inner) = value { elements.append(contentsOf: inner) } else { elements.append(value) }
                if elements.count > limits.maximumArrayCount { throw RuleEvaluationError(code: .valueTooLarge) }
            }
            return .array(elements)
        }
        guard hasString else { return nil }
        var result = ""
        for value in values {
            guard let text = value.ruleText else { return nil }
            result += text
            if result.utf8.count > limits.maximumStringBytes { throw RuleEvaluationError(code: .valueTooLarge) }
        }
        return .string(result)
    }

    /// `substring(text, start[, end])`: indices round down and are clamped to the string.
    private static func substring(_ arguments: [JSONValue?]) -> JSONValue? {
        guard let text = arguments[0]?.ruleText, let startValue = arguments[1]?.ruleNumber else { return nil }
        let scalars = Array(text.unicodeScalars)
        func clamp(_ number: RuleNumber) -> Int {
            let value = number.double.rounded(.down)
            if value <= 0 { return 0 }
            if value >= Double(scalars.count) { return scalars.count }
            return Int(value)
        }
        let start = clamp(startValue)
        var end = scalars.count
        if arguments.count == 3 {
            guard let endValue = arguments[2]?.ruleNumber else { return nil }
            end = clamp(endValue)
        }
        guard start < end else { return .string("") }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[start..<end])
        return .string(String(view))
    }

    private static func isTrimmed(_ scalar: Unicode.Scalar) -> Bool {
        scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r"
    }

    private static func trimmed(_ text: String, leading: Bool, trailing: Bool) -> String {
        var scalars = Substring(text).unicodeScalars
        if leading { while let first = scalars.first, isTrimmed(first) { scalars.removeFirst() } }
        if trailing { while let last = scalars.last, isTrimmed(last) { scalars.removeLast() } }
        return String(scalars)
    }

    /// The 0-based index (in Unicode scalars) of the first `needle` in `haystack`, or -1.
    private static func indexOf(_ needle: String, in haystack: String) -> Int64 {
        let hay = Array(haystack.unicodeScalars)
        let pin = Array(needle.unicodeScalars)
        guard pin.count <= hay.count else { return -1 }
        for start in 0...(hay.count - pin.count) where hay[start..<start + pin.count].elementsEqual(pin) {
            return Int64(start)
        }
        return -1
    }

    /// Every `target` in `text` replaced by `replacement`; an empty target changes nothing.
    private static func replacing(_ target: String, with replacement: String, in text: String) -> String {
        let source = Array(text.utf8)
        let pattern = Array(target.utf8)
        guard !pattern.isEmpty, pattern.count <= source.count else { return text }
        var output: [UInt8] = []
        output.reserveCapacity(source.count)
        var index = 0
        while index < source.count {
            if index + pattern.count <= source.count, source[index..<index + pattern.count].elementsEqual(pattern) {
                output.append(contentsOf: replacement.utf8)
                index += pattern.count
            } else {
                output.append(source[index])
                index += 1
            }
        }
        return String(decoding: output, as: UTF8.self)
    }
}
