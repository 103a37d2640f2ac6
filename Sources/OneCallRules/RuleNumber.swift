import OneCallCore

/// A number as AWS IoT SQL computes with it: an Int, or a Decimal (held as a `Double`, the precision
/// AWS uses for its "double precision" functions). Under SQL version 2016-03-23 a Decimal that is a
/// whole number is processed as an Int, so ``json`` turns `10.0` into `10`.
enum RuleNumber: Sendable, Equatable {
    case int(Int64)
    case decimal(Double)

    var double: Double {
        switch self {
        case .int(let value): Double(value)
        case .decimal(let value): value
        }
    }

    /// The number as a value: Undefined when it is not finite, an Int when it is whole and fits.
    var json: JSONValue? {
        switch self {
        case .int(let value): return .int(value)
        case .decimal(let value):
            guard value.isFinite else { return nil }
            switch RuleNumber(normalizing: value) {
            case .int(let whole): return .int(whole)
            case .decimal: return .double(value)
            }
        }
    }

    /// The arithmetic operators: Int with Int stays Int (integer division truncates; overflow becomes
    /// Decimal), anything with a Decimal is Decimal, and dividing by zero is Undefined.
    static func arithmetic(_ symbol: RuleExpression.BinaryOperator, _ lhs: RuleNumber, _ rhs: RuleNumber) -> JSONValue?
    {
        if case .int(let a) = lhs, case .int(let b) = rhs {
            switch symbol {
            case .add:
                let (result, overflow) = a.addingReportingOverflow(b)
                return overflow ? RuleNumber.decimal(Double(a) + Double(b)).json : .int(result)
            case .subtract:
                let (result, overflow) = a.subtractingReportingOverflow(b)
                return overflow ? RuleNumber.decimal(Double(a) - Double(b)).json : .int(result)
            case .multiply:
                let (result, overflow) = a.multipliedReportingOverflow(by: b)
                return overflow ? RuleNumber.decimal(Double(a) * Double(b)).json : .int(result)
            case .divide:
                guard b != 0 else { return nil }
                let (result, overflow) = a.dividedReportingOverflow(by: b)
                return overflow ? RuleNumber.decimal(Double(a) / Double(b)).json : .int(result)
            case .remainder:
                guard b != 0 else { return nil }
                let (result, overflow) = a.remainderReportingOverflow(dividingBy: b)
                return overflow ? .int(0) : .int(result)
            default:
                return nil
            }
        }
        let a = lhs.double
        let b = rhs.double
        switch symbol {
        case .add: return RuleNumber.decimal(a + b).json
        case .subtract: return RuleNumber.decimal(a - b).json
        case .multiply: return RuleNumber.decimal(a * b).json
        case .divide: return b == 0 ? nil : RuleNumber.decimal(a / b).json
        case .remainder: return b == 0 ? nil : RuleNumber.decimal(a.truncatingRemainder(dividingBy: b)).json
        default: return nil
        }
    }

    /// Orders two numbers; Ints compare exactly.
    static func compare(_ lhs: RuleNumber, _ rhs: RuleNumber) -> Int {
        if case .int(let a) = lhs, case .int(let b) = rhs { return a < b ? -1 : a > b ? 1 : 0 }
        let a = lhs.double
        let b = rhs.double
        return a < b ? -1 : a > b ? 1 : 0
    }

    /// Reads a string as AWS converts strings to numbers: `^-?\d+(\.\d+)?([eE]-?\d+)?$`.
    init?(parsing text: String) {
        var utf8 = text.utf8.makeIterator()
        var state = 0  // 0 start, 1 integer digits, 2 after '.', 3 fraction digits, 4 after 'E', 5 exponent digits
        var isInteger = true
        var sawMinus = false
        while let byte = utf8.next() {
            let isDigit = byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
            switch (state, byte) {
            case (0, UInt8(ascii: "-")) where !sawMinus: sawMinus = true
            case (0, _) where isDigit, (1, _) where isDigit: state = 1
            case (1, UInt8(ascii: ".")): state = 2
            case (2, _) where isDigit, (3, _) where isDigit:
                state = 3
                isInteger = false
            case (1, UInt8(ascii: "e")), (1, UInt8(ascii: "E")), (3, UInt8(ascii: "e")), (3, UInt8(ascii: "E")):
                state = 4
                isInteger = false
            case (4, UInt8(ascii: "-")): state = 6
            case (4, _) where isDigit, (5, _) where isDigit, (6, _) where isDigit: state = 5
            default: return nil
            }
        }
        guard state == 1 || state == 3 || state == 5 else { return nil }
        if isInteger, let value = Int64(text) {
            self = .int(value)
            return
        }
        guard let value = Double(text), value.isFinite else { return nil }
        self = RuleNumber(normalizing: value)
    }

    /// A Decimal, or an Int when it is a whole number that fits (SQL version 2016-03-23).
    init(normalizing value: Double) {
        if value.rounded(.towardZero) == value, value >= -9.223_372_036_854_775_808e18,
            value < 9.223_372_036_854_775_808e18
        {
            self = .int(Int64(value))
        } else {
            self = .decimal(value)
        }
    }
}
