import OneCallCore
import OneCallRules
import Testing

/// Runs statements against messages for the tests: a fixed clock, a fixed client and predictable UUIDs.
enum RuleFixture {
    static let timestamp: Int64 = 1_481_825_251_155
    static let uuid = "123a4567-b89c-12d3-e456-789012345000"

    /// A message on `topic` with a JSON payload given as text.
    static func input(
        _ payload: String, topic: String = "topic/subtopic", clientID: String? = "device-7", principal: String? = nil
    ) -> RuleInput {
        RuleInput(
            topic: topic, payloadBytes: Array(payload.utf8), clientID: clientID, principal: principal,
            timestamp: timestamp, newUUID: { uuid })
    }

    /// The output of `sql` for a JSON payload, as JSON (`nil` when WHERE does not hold).
    static func output(_ sql: String, _ payload: String, topic: String = "topic/subtopic") throws -> JSONValue? {
        let statement = try RuleStatement(parsing: sql)
        guard let output = try statement.evaluate(input(payload, topic: topic)) else { return nil }
        return output.payload.jsonValue
    }

    /// The value of one expression for a JSON payload; `nil` is Undefined.
    static func value(_ expression: String, _ payload: String = "{}", topic: String = "topic/subtopic") throws
        -> JSONValue?
    {
        let statement = try RuleStatement(parsing: "SELECT VALUE \(expression) FROM '#'")
        let output = try #require(try statement.evaluate(input(payload, topic: topic)))
        switch output.payload {
        case .json(let value): return value
        case .binary(let bytes):
            #expect(bytes.isEmpty, "SELECT VALUE gives bytes only for Undefined")
            return nil
        }
    }

    /// The JSON value of a JSON text.
    static func json(_ text: String) throws -> JSONValue { try JSONValue(parsing: text) }

    /// The syntax error that parsing `sql` throws.
    static func syntaxError(_ sql: String) -> RuleSyntaxError? {
        do {
            _ = try RuleStatement(parsing: sql)
            return nil
        } catch {
            return error
        }
    }
}
