import OneCallCore

/// A compiled set of rules: finds the rules a topic triggers and evaluates them for a message.
///
/// Everything is checked when the engine is built, so a bad rule stops OneCall at start with the rule's
/// name (and, for SQL, the line and column). Matching looks exact topic filters up in a dictionary and
/// tries only the wildcard filters one by one; the payload is parsed once per message, and only when
/// some rule matches.
public struct RuleEngine: Sendable {
    /// Every rule, compiled, in configuration order (disabled rules included).
    public let rules: [CompiledRule]
    /// The limits the rules were compiled with.
    public let limits: RuleLimits
    /// The limits a payload is read as JSON within; a payload over them is treated as binary.
    public let payloadLimits: JSONParseLimits

    private let exactFilters: [String: [Int]]
    private let wildcardFilters: [(index: Int, prefix: String)]

    /// Compiles `definitions`.
    public init(
        _ definitions: [RuleDefinition], limits: RuleLimits = .default, payloadLimits: JSONParseLimits = .default
    ) throws(RuleConfigurationError) {
        var compiled: [CompiledRule] = []
        var names: Set<String> = []
        var exact: [String: [Int]] = [:]
        var wildcard: [(index: Int, prefix: String)] = []
        for (index, definition) in definitions.enumerated() {
            let rule = try Self.compile(definition, index: index, limits: limits)
            guard names.insert(definition.name).inserted else {
                throw RuleConfigurationError(
                    code: .duplicateName, rule: definition.name, index: index, key: "name",
                    message: "another rule has this name")
            }
            if definition.enabled {
                if Topic.hasWildcard(rule.statement.topicFilter) {
                    wildcard.append((index, Self.literalPrefix(of: rule.statement.topicFilter)))
                } else {
                    exact[rule.statement.topicFilter, default: []].append(index)
                }
            }
            compiled.append(rule)
        }
        self.rules = compiled
        self.limits = limits
        self.payloadLimits = payloadLimits
        self.exactFilters = exact
        self.wildcardFilters = wildcard
    }

    private static func compile(_ definition: RuleDefinition, index: Int, limits: RuleLimits)
        throws(RuleConfigurationError) -> CompiledRule
    {
        let name = definition.name
        guard RuleDefinition.isValidName(name) else {
            throw RuleConfigurationError(
                code: .invalidName, index: index, key: "name",
                message: "'\(name.prefix(140))' is not 1 to 128 of A-Z a-z 0-9 _")
        }
        guard definition.actions.count <= RuleDefinition.maximumActions else {
            throw RuleConfigurationError(
                code: .invalidValue, rule: name, index: index, key: "actions",
                message: "\(definition.actions.count) actions; a rule has at most \(RuleDefinition.maximumActions)")
        }
        let statement: RuleStatement
        do {
            statement = try RuleStatement(parsing: definition.sql, limits: limits)
        } catch {
            throw RuleConfigurationError(
                code: .invalidSQL, rule: name, index: index, key: "sql", syntaxError: error,
                message: error.description)
        }
        let defined = Set(statement.variableNames)
        var keyed = definition.actions.enumerated().map { ("actions[\($0.offset)]", $0.element) }
        if let errorAction = definition.errorAction { keyed.append(("error_action", errorAction)) }
        for (key, action) in keyed {
            for template in action.templates {
                for variable in template.variableNames where !defined.contains(variable) {
                    throw RuleConfigurationError(
                        code: .undefinedVariable, rule: name, index: index, key: "\(key).\(action.kind.rawValue)",
                        message: "@\(variable) is not defined by the rule's SET clause")
                }
            }
        }
        return CompiledRule(definition: definition, statement: statement)
    }

    /// The text every topic a wildcard filter matches starts with: the filter up to its first wildcard
    /// (without the `/` before a final `#`, which also matches the parent level). A cheap first test.
    private static func literalPrefix(of filter: String) -> String {
        let bytes = Array(filter.utf8)
        guard var end = bytes.firstIndex(where: { $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "#") }) else {
            return filter
        }
        if bytes[end] == UInt8(ascii: "#"), end > 0, bytes[end - 1] == UInt8(ascii: "/") { end -= 1 }
        return String(decoding: bytes[..<end], as: UTF8.self)
    }

    /// The rule named `name`.
    public func rule(named name: String) -> CompiledRule? { rules.first { $0.name == name } }

    /// The enabled rules whose FROM filter matches `topic`, in configuration order.
    public func rules(matching topic: String) -> [CompiledRule] { indices(matching: topic).map { rules[$0] } }

    private func indices(matching topic: String) -> [Int] {
        var found = exactFilters[topic] ?? []
        var merged = false
        for (index, prefix) in wildcardFilters where topic.utf8.starts(with: prefix.utf8) {
            guard Topic.matches(filter: rules[index].statement.topicFilter, name: topic) else { continue }
            found.append(index)
            merged = true
        }
        if merged { found.sort() }
        return found
    }

    /// Evaluates every matching rule for one message. A rule whose WHERE is false is left out; a rule
    /// that fails carries its error, for its error action.
    public func evaluate(_ input: RuleInput) -> [RuleMatch] {
        indices(matching: input.topic).compactMap { index in Self.evaluate(rules[index], input) }
    }

    /// Evaluates every matching rule for a message given as bytes; the payload is read (as JSON when it
    /// is JSON) only if some rule matches.
    public func evaluate(
        topic: String, payload: some Collection<UInt8>, clientID: String?, principal: String? = nil,
        timestamp: Int64, newUUID: @escaping @Sendable () -> String = { UUIDText.random() }
    ) -> [RuleMatch] {
        let matching = indices(matching: topic)
        guard !matching.isEmpty else { return [] }
        let input = RuleInput(
            topic: topic, payload: RulePayload(bytes: payload, limits: payloadLimits), clientID: clientID,
            principal: principal, timestamp: timestamp, newUUID: newUUID)
        return matching.compactMap { index in Self.evaluate(rules[index], input) }
    }

    private static func evaluate(_ rule: CompiledRule, _ input: RuleInput) -> RuleMatch? {
        do {
            guard let output = try rule.statement.evaluate(input) else { return nil }
            return RuleMatch(rule: rule, result: .success(output))
        } catch {
            return RuleMatch(rule: rule, result: .failure(error))
        }
    }
}
