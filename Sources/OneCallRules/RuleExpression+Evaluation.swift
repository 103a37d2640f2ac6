import OneCallCore

extension RuleExpression {
    /// The expression's value in `context`; `nil` is Undefined.
    func evaluate(_ context: RuleContext) throws(RuleEvaluationError) -> JSONValue? {
        switch self {
        case .constant(let value):
            return value
        case .payload:
            return try context.requireScope()
        case .field(let path):
            return Self.lookup(path, in: try context.requireScope())
        case .variable(let slot):
            return context.variables[slot]
        case .access(let base, let steps):
            return try Self.access(try base.evaluate(context), steps, context)
        case .negate(let operand):
            guard let number = try operand.evaluate(context)?.ruleNumber else { return nil }
            return RuleNumber.arithmetic(.subtract, .int(0), number)
        case .not(let operand):
            guard let value = try operand.evaluate(context)?.ruleBoolean else { return nil }
            return .bool(!value)
        case .chain(let first, let operations):
            return try Self.chain(first, operations, context)
        case .test(let operand, let test):
            return Self.test(try operand.evaluate(context), test)
        case .call(let function, let arguments):
            var values: [JSONValue?] = []
            values.reserveCapacity(arguments.count)
            for argument in arguments { values.append(try argument.evaluate(context)) }
            return try function.apply(values, context: context)
        case .cast(let operand, let type):
            return Self.cast(try operand.evaluate(context), to: type)
        case .encodePayload:
            let bytes: [UInt8]
            if let scope = context.scope { bytes = scope.jsonBytes } else { bytes = context.input.payload.bytes }
            return try RuleFunction.checked(.string(Base64.encode(bytes)), limits: context.limits)
        case .simpleCase(let subject, let branches, let otherwise):
            return try Self.simpleCase(subject, branches, otherwise, context)
        case .searchedCase(let branches, let otherwise):
            for branch in branches where try branch.when.evaluate(context)?.ruleBoolean == true {
                return try branch.then.evaluate(context)
            }
            return try otherwise?.evaluate(context)
        case .array(let elements):
            var values: [JSONValue] = []
            values.reserveCapacity(elements.count)
            for element in elements {
                if let value = try element.evaluate(context) { values.append(value) }
            }
            return .array(values)
        case .object(let members):
            var object = JSONObject()
            for member in members {
                if let value = try member.value.evaluate(context) { object[member.key] = value }
            }
            return .object(object)
        case .query(let query):
            return try query.evaluateNested(context)
        }
    }

    /// The value at `path` in `root`, with a whole Decimal read as an Int.
    static func lookup(_ path: [String], in root: JSONValue) -> JSONValue? {
        var current = root
        for key in path {
            guard case .object(let object) = current, let next = object[key] else { return nil }
            current = next
        }
        return current.ruleNormalized
    }

    private static func access(_ base: JSONValue?, _ steps: [AccessStep], _ context: RuleContext)
        throws(RuleEvaluationError) -> JSONValue?
    {
        var current = base
        for step in steps {
            guard let value = current else { return nil }
            switch step {
            case .key(let key):
                guard case .object(let object) = value else { return nil }
                current = object[key]?.ruleNormalized
            case .index(let index):
                current = RuleFunction.get(value, try index.evaluate(context))
            }
        }
        return current
    }

    private static func chain(_ first: RuleExpression, _ operations: [Operation], _ context: RuleContext)
        throws(RuleEvaluationError) -> JSONValue?
    {
        var accumulator = try first.evaluate(context)
        for operation in operations {
            // Every binary operator is Undefined when its left operand is.
            guard let left = accumulator else { return nil }
            accumulator = try apply(operation.symbol, left, try operation.operand.evaluate(context), context.limits)
        }
        return accumulator
    }

    /// One binary operator, as the AWS IoT SQL "Operators" page defines it.
    static func apply(_ symbol: BinaryOperator, _ left: JSONValue, _ right: JSONValue?, _ limits: RuleLimits)
        throws(RuleEvaluationError) -> JSONValue?
    {
        guard let right else { return nil }
        switch symbol {
        case .and, .or:
            guard let a = left.ruleBoolean, let b = right.ruleBoolean else { return nil }
            return .bool(symbol == .and ? a && b : a || b)
        case .equal:
            return .bool(left == right)
        case .notEqual:
            return .bool(left != right)
        case .less, .lessOrEqual, .greater, .greaterOrEqual:
            guard let a = left.ruleNumber, let b = right.ruleNumber else { return nil }
            let order = RuleNumber.compare(a, b)
            switch symbol {
            case .less: return .bool(order < 0)
            case .lessOrEqual: return .bool(order <= 0)
            case .greater: return .bool(order > 0)
            default: return .bool(order >= 0)
            }
        case .in, .notIn:
            guard case .array(let elements) = right else { return nil }
            return .bool(elements.contains(left) == (symbol == .in))
        case .contains:
            switch (left, right) {
            case (.string(let text), .string(let part)):
                return .bool(part.isEmpty || contains(Array(text.utf8), Array(part.utf8)))
            case (.array(let elements), _):
                return .bool(elements.contains(right))
            default:
                return nil
            }
        case .add:
            switch (left, right) {
            case (.string, _), (_, .string):
                guard let a = left.ruleText, let b = right.ruleText else { return nil }
                return try RuleFunction.checked(.string(a + b), limits: limits)
            default:
                guard let a = left.ruleNumber, let b = right.ruleNumber else { return nil }
                return RuleNumber.arithmetic(.add, a, b)
            }
        case .subtract, .multiply, .divide, .remainder:
            guard let a = left.ruleNumber, let b = right.ruleNumber else { return nil }
            return RuleNumber.arithmetic(symbol, a, b)
        case .concatenate:
            guard let a = left.ruleText, let b = right.ruleText else { return nil }
            return try RuleFunction.checked(.string(a + b), limits: limits)
        }
    }

    private static func contains(_ text: [UInt8], _ part: [UInt8]) -> Bool {
        guard part.count <= text.count else { return false }
        for start in 0...(text.count - part.count) where text[start..<start + part.count].elementsEqual(part) {
            return true
        }
        return false
    }

    private static func test(_ value: JSONValue?, _ test: Test) -> JSONValue {
        switch test {
        case .isNull: .bool(value?.isNull == true)
        case .isNotNull: .bool(value != nil && value?.isNull == false)
        case .isUndefined: .bool(value == nil)
        case .isNotUndefined: .bool(value != nil)
        }
    }

    /// `cast(value AS type)` ("Functions › cast()").
    static func cast(_ value: JSONValue?, to type: CastType) -> JSONValue? {
        guard let value, !value.isNull else { return nil }
        switch type {
        case .string:
            return value.ruleText.map(JSONValue.string)
        case .int:
            if case .bool(let flag) = value { return .int(flag ? 1 : 0) }
            return value.ruleFloorInteger.map(JSONValue.int)
        case .decimal, .double:
            if case .bool(let flag) = value { return .int(flag ? 1 : 0) }
            return value.ruleNumber?.json
        case .boolean:
            switch value {
            case .int(let number): return .bool(number != 0)
            case .double(let number): return .bool(number != 0)
            default: return value.ruleBoolean.map(JSONValue.bool)
            }
        }
    }

    private static func simpleCase(
        _ subject: RuleExpression, _ branches: [CaseBranch], _ otherwise: RuleExpression?, _ context: RuleContext
    ) throws(RuleEvaluationError) -> JSONValue? {
        guard let value = try subject.evaluate(context) else { return nil }
        for branch in branches {
            if let candidate = try branch.when.evaluate(context), candidate == value {
                return try branch.then.evaluate(context)
            }
        }
        return try otherwise?.evaluate(context)
    }
}
