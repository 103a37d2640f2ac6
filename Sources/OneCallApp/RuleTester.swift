import Foundation
import OneCallCore
import OneCallHTTP
import OneCallRules

/// `POST /api/v1/rules/test` and `onecall rules test`: evaluates a configured rule (by name) or any
/// SQL against a topic and payload, and says what its actions would do, without doing it.
struct RuleTester: RuleTesting {
    let rules: [CompiledRule]
    let clock: @Sendable () -> Double

    func ruleDescriptions() -> [JSONValue] {
        rules.map { rule in
            var object = rule.definition.json.objectValue ?? JSONObject()
            object["topic_filter"] = .string(rule.statement.topicFilter)
            return .object(object)
        }
    }

    func test(_ request: JSONObject) throws(APIError) -> JSONValue {
        for key in request.keys where !["rule", "sql", "topic", "payload", "client_id"].contains(key) {
            throw APIError(.badRequest, code: "invalid_request", "unknown field '\(key)'")
        }
        guard let topic = request["topic"]?.stringValue, (try? Topic.validateName(topic)) != nil else {
            throw APIError(.badRequest, code: "invalid_request", "topic: a topic name is required")
        }
        let candidates: [CompiledRule]
        switch (request["rule"], request["sql"]) {
        case (.string(let name)?, nil):
            guard let rule = rules.first(where: { $0.name == name }) else {
                throw APIError(.notFound, code: "not_found", "no rule '\(name)'")
            }
            candidates = [rule]
        case (nil, .string(let sql)?):
            do {
                let statement = try RuleStatement(parsing: sql)
                candidates = [
                    CompiledRule(definition: RuleDefinition(name: "test", sql: sql, actions: []), statement: statement)
                ]
            } catch {
                throw APIError(.badRequest, code: "invalid_sql", error.description)
            }
        case (nil, nil):
            candidates = rules.filter { $0.definition.enabled }
        default:
            throw APIError(.badRequest, code: "invalid_request", "give either rule (a name) or sql (text), not both")
        }
        let payload: RulePayload
        switch request["payload"] {
        case .string(let text)?: payload = RulePayload(bytes: Array(text.utf8))
        case let value?: payload = .json(value)
        case nil: payload = .binary([])
        }
        let input = RuleInput(
            topic: topic, payload: payload, clientID: request["client_id"]?.stringValue,
            timestamp: Int64(clock() * 1000))
        var results: [JSONValue] = []
        for rule in candidates {
            var result: JSONObject = ["rule": .string(rule.name)]
            guard rule.statement.matches(topic: topic) else {
                result["matched"] = false
                result["reason"] = .string("the topic does not match FROM '\(rule.statement.topicFilter)'")
                results.append(.object(result))
                continue
            }
            do {
                guard let output = try rule.statement.evaluate(input) else {
                    result["matched"] = false
                    result["reason"] = "the WHERE clause does not hold"
                    results.append(.object(result))
                    continue
                }
                result["matched"] = true
                switch output.payload {
                case .json(let value): result["output"] = value
                case .binary(let bytes): result["output_base64"] = .string(Base64.encode(bytes))
                }
                result["actions"] = .array(
                    rule.definition.actions.map { action in
                        var object = action.json.objectValue ?? JSONObject()
                        if case .republish(let template, _) = action {
                            object["resolved_topic"] = .string(template.render(input, variables: output.variables))
                        }
                        return .object(object)
                    })
            } catch {
                result["matched"] = false
                result["error"] = .string(error.description)
            }
            results.append(.object(result))
        }
        return ["topic": .string(topic), "results": .array(results)]
    }
}

/// `onecall rules test` and `onecall rules list`: the rules of a configuration file (or the
/// defaults), evaluated locally without a server.
public struct RuleTesterCommand: Sendable {
    private let tester: RuleTester

    /// Loads and compiles the rules; fails with the configuration error.
    public init(configurationFile: String?) throws {
        let configuration = try OneCallConfiguration.load(file: configurationFile, environment: [:])
        tester = RuleTester(rules: try configuration.validatedRules().rules, clock: { Date().timeIntervalSince1970 })
    }

    /// The rules as JSON.
    public func descriptions() -> [JSONValue] { tester.ruleDescriptions() }

    /// The result of a test request (see `POST /api/v1/rules/test`).
    public func test(_ request: JSONObject) throws -> JSONValue { try tester.test(request) }
}
