import OneCallCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

extension RuleFunction {
    /// The one-argument numeric functions. Strings that read as numbers are converted; anything else is
    /// Undefined, as are results that are not real numbers (`sqrt(-1)`, `ln(0)`).
    static func unaryMath(_ function: RuleFunction, _ argument: JSONValue?) -> JSONValue? {
        guard let number = argument?.ruleNumber else { return nil }
        switch function {
        case .abs:
            switch number {
            case .int(let value):
                return value == .min ? RuleNumber.decimal(-Double(value)).json : .int(Swift.abs(value))
            case .decimal(let value): return RuleNumber.decimal(Swift.abs(value)).json
            }
        case .ceil: return RuleNumber.decimal(number.double.rounded(.up)).json
        case .floor: return RuleNumber.decimal(number.double.rounded(.down)).json
        case .round:
            if case .int = number { return number.json }
            return RuleNumber.decimal(number.double.rounded(.toNearestOrAwayFromZero)).json
        case .sign:
            let value = number.double
            return .int(value > 0 ? 1 : value < 0 ? -1 : 0)
        case .bitnot:
            guard let value = argument?.ruleFloorInteger else { return nil }
            return .int(~value)
        default:
            return RuleNumber.decimal(applyingLibm(function, number.double)).json
        }
    }

    /// The two-argument numeric functions.
    static func binaryMath(_ function: RuleFunction, _ first: JSONValue?, _ second: JSONValue?) -> JSONValue? {
        switch function {
        case .bitand, .bitor, .bitxor:
            guard let a = first?.ruleFloorInteger, let b = second?.ruleFloorInteger else { return nil }
            return .int(function == .bitand ? a & b : function == .bitor ? a | b : a ^ b)
        case .mod, .remainder:
            guard let a = first?.ruleNumber, let b = second?.ruleNumber else { return nil }
            return RuleNumber.arithmetic(.remainder, a, b)
        case .trunc:
            guard let value = first?.ruleNumber, let placesValue = second?.ruleFloorInteger else { return nil }
            guard case .decimal(let x) = value else { return value.json }
            let places = Swift.min(Swift.max(placesValue, 0), 34)
            guard places < 16 else { return value.json }
            let scale = raised(10, Double(places))
            return RuleNumber.decimal((x * scale).rounded(.towardZero) / scale).json
        case .atan2:
            guard let y = first?.ruleNumber, let x = second?.ruleNumber else { return nil }
            return RuleNumber.decimal(arcTangent(y.double, x.double)).json
        case .power:
            guard let base = first?.ruleNumber, let exponent = second?.ruleNumber else { return nil }
            return RuleNumber.decimal(raised(base.double, exponent.double)).json
        default:
            return nil
        }
    }
}

/// The C math library's functions, out of the reach of `RuleFunction`'s cases of the same names.
private func applyingLibm(_ function: RuleFunction, _ x: Double) -> Double {
    switch function {
    case .acos: acos(x)
    case .asin: asin(x)
    case .atan: atan(x)
    case .cos: cos(x)
    case .cosh: cosh(x)
    case .exp: exp(x)
    case .ln: x > 0 ? log(x) : .nan
    case .log: x > 0 ? log10(x) : .nan
    case .sin: sin(x)
    case .sinh: sinh(x)
    case .sqrt: x.squareRoot()
    case .tan: tan(x)
    case .tanh: tanh(x)
    default: .nan
    }
}

private func arcTangent(_ y: Double, _ x: Double) -> Double { atan2(y, x) }

private func raised(_ base: Double, _ exponent: Double) -> Double { pow(base, exponent) }
