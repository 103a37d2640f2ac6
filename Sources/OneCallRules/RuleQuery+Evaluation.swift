import OneCallCore

extension RuleQuery {
    /// Evaluates a nested SELECT ("Nested object queries"): over an array source, the array of the
    /// projections of the elements that pass WHERE; over an object source, its projection, or
    /// Undefined when it does not pass; over anything else, Undefined.
    func evaluateNested(_ context: RuleContext) throws(RuleEvaluationError) -> JSONValue? {
        guard let source = try source?.evaluate(context) else { return nil }
        var inner = context
        switch source {
        case .array(let elements):
            var results: [JSONValue] = []
            for element in elements {
                inner.scope = element.ruleNormalized
                guard try passes(inner), let projected = try project(inner) else { continue }
                results.append(projected)
            }
            return .array(results)
        case .object:
            inner.scope = source
            guard try passes(inner) else { return nil }
            return try project(inner)
        default:
            return nil
        }
    }

    /// Whether WHERE holds: it must be true (a Boolean, or the string "true"); false and Undefined fail.
    func passes(_ context: RuleContext) throws(RuleEvaluationError) -> Bool {
        guard let condition else { return true }
        return try condition.evaluate(context)?.ruleBoolean == true
    }

    /// The SELECT list's value in `context`. Undefined items are left out of the object.
    func project(_ context: RuleContext) throws(RuleEvaluationError) -> JSONValue? {
        switch projection {
        case .value(let expression):
            return try expression.evaluate(context)
        case .items(let items):
            if items.count == 1, case .wildcard = items[0] { return try context.requireScope() }
            var object = JSONObject()
            for (position, item) in items.enumerated() {
                switch item {
                case .wildcard:
                    guard case .object(let members) = try context.requireScope() else {
                        throw RuleEvaluationError(code: .payloadNotObject)
                    }
                    if position == 0 {
                        object = members
                    } else {
                        for member in members { object[member.key] = member.value }
                    }
                case .named(let path, let expression):
                    guard let value = try expression.evaluate(context) else { continue }
                    Self.insert(value, at: path[...], into: &object)
                }
            }
            return .object(object)
        }
    }

    /// Puts `value` at a key path, making the objects along the way (`AS a.b` gives `{"a": {"b": …}}`).
    static func insert(_ value: JSONValue, at path: ArraySlice<String>, into object: inout JSONObject) {
        guard let key = path.first else { return }
        if path.count == 1 {
            object[key] = value
            return
        }
        var inner = object[key]?.objectValue ?? JSONObject()
        insert(value, at: path.dropFirst(), into: &inner)
        object[key] = .object(inner)
    }
}
