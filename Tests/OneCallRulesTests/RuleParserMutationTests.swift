import Foundation
import OneCallCore
import OneCallRules
import Testing

/// A seeded mutation test over the parser: valid statements and templates with characters and tokens
/// inserted, removed, replaced and truncated, and plain garbage, must parse or throw a syntax error —
/// never crash or hang — and whatever parses must evaluate without crashing.
@Suite struct RuleParserMutationTests {
    static let corpus = [
        "SELECT * FROM 'topic/subtopic'",
        "SELECT color AS rgb FROM 'topic/subtopic' WHERE temperature > 50",
        "SELECT (temperature - 32) * 5 / 9 AS celsius, upper(color) as my_color FROM 'topic/subtopic'",
        "SELECT CASE color WHEN 'green' THEN 'go' WHEN 'red' THEN 'stop' ELSE 'x' END AS i FROM 'a/+'",
        "SELECT *, topic(2) AS device, timestamp() AS ts FROM 'aircon/+/errors' WHERE code IN [1, 2, 3]",
        "SELECT (SELECT VALUE n FROM e WHERE v > 1) AS names FROM '#' WHERE NOT missing IS UNDEFINED",
        "SET @c = cast(t AS Int), @d = @c * 2 SELECT @d, [1, 'x', {'k': a[0].b}] AS l FROM 'x/#'",
        "SELECT VALUE transform('enrichArray', {'k': 1}, a) FROM 'a' WHERE a CONTAINS 1 OR b <> 'x'",
        "SELECT encode(*, 'base64') AS d, substring(s, 1, -2) AS s, concat(a, b) FROM 'bin'",
    ]

    static let templates = ["alerts/${topic(2)}", "${replace(topic(), '/', '-') + '-' + newuuid()}", "a/${@v}/${b.c}"]

    static let fragments = [
        "(", ")", "[", "]", "{", "}", "'", "\"", ",", ".", "*", "+", "-", "/", "%", "=", "<>", "!=", "<", ">=", "||",
        "@", "@v", " SELECT ", " FROM ", " WHERE ", " AND ", " OR ", " NOT ", " IN ", " IS ", " NULL ", " CASE ",
        " WHEN ", " THEN ", " END ", " AS ", " SET ", " VALUE ", "topic(", "cast(", "${", "\\", "\n", "é", "1e", "0.5",
        "99999999999999999999", "\u{0}",
    ]

    /// Iterations per run: bounded in CI; `ONECALL_FUZZ_ITERATIONS` asks for a longer local run.
    static let iterations = Int(ProcessInfo.processInfo.environment["ONECALL_FUZZ_ITERATIONS"] ?? "") ?? 20_000

    static func mutate(_ input: String, _ rng: inout SeededRandomNumberGenerator) -> String {
        var characters = Array(input)
        for _ in 0..<Int.random(in: 1...4, using: &rng) {
            let position = Int.random(in: 0...characters.count, using: &rng)
            switch Int.random(in: 0..<5, using: &rng) {
            case 0:
                characters.insert(contentsOf: fragments.randomElement(using: &rng)!, at: position)
            case 1 where position < characters.count:
                characters.remove(at: position)
            case 2 where position < characters.count:
                characters[position] = Character(Unicode.Scalar(UInt8.random(in: 0x20...0x7E, using: &rng)))
            case 3:
                characters = Array(characters.prefix(position))
            default:
                let other = Array(corpus.randomElement(using: &rng)!)
                let start = Int.random(in: 0..<other.count, using: &rng)
                characters.insert(contentsOf: other[start..<min(other.count, start + 12)], at: position)
            }
        }
        return String(characters)
    }

    static func garbage(_ rng: inout SeededRandomNumberGenerator) -> String {
        var text = ""
        for _ in 0..<Int.random(in: 0...40, using: &rng) {
            if Bool.random(using: &rng) {
                text += fragments.randomElement(using: &rng)!
            } else {
                text.unicodeScalars.append(Unicode.Scalar(UInt8.random(in: 0...0x7F, using: &rng)))
            }
        }
        return text
    }

    @Test func mutatedStatementsNeverCrash() {
        var rng = SeededRandomNumberGenerator(seed: 0x5E1E_C7)
        let payloads: [RulePayload] = [
            .json(["temperature": 60, "color": "red", "e": [["n": "a", "v": 2]], "a": [1, ["b": 2]], "t": "5"]),
            .json([1, 2]), .binary([0xFF, 0x00]),
        ]
        var outcomes = (parsed: 0, rejected: 0, evaluated: 0, failed: 0)
        for iteration in 0..<Self.iterations {
            let sql =
                iteration % 10 == 0
                ? Self.garbage(&rng) : Self.mutate(Self.corpus.randomElement(using: &rng)!, &rng)
            do {
                let statement = try RuleStatement(parsing: sql)
                outcomes.parsed += 1
                let input = RuleInput(
                    topic: "aircon/dev1/errors", payload: payloads.randomElement(using: &rng)!, clientID: "c",
                    timestamp: 1, newUUID: { "u" })
                do {
                    _ = try statement.evaluate(input)
                    outcomes.evaluated += 1
                } catch {
                    outcomes.failed += 1
                }
            } catch {
                #expect(error.line >= 1 && error.column >= 1 && !error.message.isEmpty)
                outcomes.rejected += 1
            }
        }
        #expect(outcomes.parsed + outcomes.rejected == Self.iterations)
        #expect(outcomes.parsed > Self.iterations / 20, "mutations should sometimes stay valid: \(outcomes)")
        #expect(outcomes.rejected > Self.iterations / 2, "most mutations should be refused: \(outcomes)")
        #expect(outcomes.evaluated > 0)
    }

    @Test func mutatedTemplatesNeverCrash() {
        var rng = SeededRandomNumberGenerator(seed: 0x7E_3D1A7E)
        var outcomes = (parsed: 0, rejected: 0)
        let input = RuleInput(topic: "a/b/c", payload: .json(["b": ["c": 1]]), timestamp: 1, newUUID: { "u" })
        for _ in 0..<Self.iterations / 4 {
            let text = Self.mutate(Self.templates.randomElement(using: &rng)!, &rng)
            do {
                let template = try SubstitutionTemplate(parsing: text)
                _ = template.render(input, variables: ["v": 1])
                outcomes.parsed += 1
            } catch {
                #expect(error.line >= 1 && error.column >= 1)
                outcomes.rejected += 1
            }
        }
        #expect(outcomes.parsed > 0 && outcomes.rejected > 0, "\(outcomes)")
    }
}
