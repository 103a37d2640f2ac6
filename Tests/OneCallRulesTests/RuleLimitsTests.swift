import Dispatch
import Foundation
import OneCallCore
import OneCallRules
import Synchronization
import Testing

/// Every bound of ``RuleLimits``: text length, nesting, and the size of values rules make.
@Suite struct RuleLimitsTests {
    static func nestedParentheses(_ depth: Int) -> String {
        "SELECT VALUE " + String(repeating: "(", count: depth) + "1" + String(repeating: ")", count: depth)
            + " FROM 'a'"
    }

    @Test func nestingUpToTheLimitParses() throws {
        let depth = RuleLimits.default.maximumNestingDepth
        _ = try RuleStatement(parsing: Self.nestedParentheses(depth))
        let error = RuleFixture.syntaxError(Self.nestedParentheses(depth + 1))
        #expect(
            error
                == RuleSyntaxError(
                    code: .tooDeep, line: 1, column: 14 + depth, message: "expressions nest deeper than 32 levels"))
    }

    /// Constructs that nest.
    enum Nesting: CaseIterable {
        case call, minus, not, array, caseWhen, object, index

        func expression(depth n: Int) -> String {
            func wrap(_ open: String, _ inner: String, _ close: String) -> String {
                String(repeating: open, count: n) + inner + String(repeating: close, count: n)
            }
            switch self {
            case .call: return wrap("abs(", "1", ")")
            case .minus: return wrap("- ", "1", "")
            case .not: return wrap("NOT ", "true", "")
            case .array: return wrap("[", "1", "]")
            case .caseWhen: return wrap("CASE WHEN true THEN ", "1", " END")
            case .object: return wrap("{'k': ", "1", "}")
            case .index: return "x" + wrap("[0", "", "]")
            }
        }
    }

    @Test(arguments: Nesting.allCases)
    func everyKindOfNestingIsBounded(_ nesting: Nesting) throws {
        let limit = RuleLimits.default.maximumNestingDepth
        _ = try RuleStatement(parsing: "SELECT VALUE \(nesting.expression(depth: limit)) FROM 'a'")
        #expect(
            RuleFixture.syntaxError("SELECT VALUE \(nesting.expression(depth: limit + 1)) FROM 'a'")?.code == .tooDeep)
        #expect(RuleFixture.syntaxError("SELECT VALUE \(nesting.expression(depth: 10_000)) FROM 'a'")?.code == .tooDeep)
    }

    @Test func nestedQueriesAreBounded() {
        let depth = RuleLimits.default.maximumNestingDepth + 1
        let sql =
            "SELECT VALUE " + String(repeating: "(SELECT VALUE ", count: depth) + "1"
            + String(repeating: " FROM a)", count: depth) + " FROM 'a'"
        #expect(RuleFixture.syntaxError(sql)?.code == .tooDeep)
    }

    /// Parsing and evaluating the deepest statements allowed fits in a 512 KiB thread stack (the
    /// smallest stack a server thread is likely to have), even unoptimized; they need about 256 KiB.
    @Test func deepestStatementsRunOnASmallStack() throws {
        let limit = RuleLimits.default.maximumNestingDepth
        let shapes = [
            Self.nestedParentheses(limit),
            "SELECT VALUE " + String(repeating: "concat(1, ", count: limit) + "'x'"
                + String(repeating: ")", count: limit)
                + " FROM 'a'",
            "SELECT VALUE " + String(repeating: "CASE WHEN 1 = 1 THEN ", count: limit) + "1"
                + String(repeating: " END", count: limit) + " FROM 'a'",
            "SELECT VALUE " + String(repeating: "(SELECT VALUE ", count: limit / 2) + "1"
                + String(repeating: " FROM [1])", count: limit / 2) + " FROM 'a'",
        ]
        let results = Results()
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            for sql in shapes {
                do {
                    let statement = try RuleStatement(parsing: sql)
                    results.append(try statement.evaluate(RuleFixture.input("{}"))?.payload.jsonValue)
                } catch {
                    results.append(nil)
                }
            }
            done.signal()
        }
        thread.stackSize = 512 * 1024
        thread.start()
        done.wait()
        let values = results.values
        #expect(values.count == shapes.count)
        #expect(values.allSatisfy { $0 != nil })
        #expect(values.first == 1)
    }

    @Test func longFlatChainsCostNoDepth() throws {
        let terms = 20_000
        let sql = "SELECT VALUE 1" + String(repeating: " + 1", count: terms - 1) + " FROM 'a'"
        let statement = try RuleStatement(parsing: sql)
        #expect(try statement.evaluate(RuleFixture.input("{}"))?.payload == .json(.int(Int64(terms))))
        let conditions = "SELECT * FROM 'a' WHERE " + Array(repeating: "x = 1", count: 5_000).joined(separator: " AND ")
        #expect(try RuleStatement(parsing: conditions).evaluate(RuleFixture.input(#"{"x":1}"#)) != nil)
    }

    @Test func sqlLongerThanTheLimitIsRefused() throws {
        let limits = RuleLimits(maximumSQLBytes: 64)
        _ = try RuleStatement(parsing: "SELECT * FROM 'a/b'", limits: limits)
        let long = "SELECT * FROM 'a' WHERE x = '" + String(repeating: "y", count: 64) + "'"
        #expect(
            throws: RuleSyntaxError(
                code: .tooLong, line: 1, column: 1, message: "statement is 94 bytes, over the limit of 64")
        ) {
            try RuleStatement(parsing: long, limits: limits)
        }
        #expect(throws: RuleSyntaxError.self) {
            try RuleStatement(parsing: String(repeating: "x", count: RuleLimits.default.maximumSQLBytes + 1))
        }
    }

    @Test func stringsCannotGrowPastTheLimit() throws {
        let limits = RuleLimits(maximumStringBytes: 10_000)
        let payload = #"{"s": "\#(String(repeating: "a", count: 200))"}"#
        let grows = try RuleStatement(
            parsing: "SELECT VALUE replace(replace(s, 'a', s), 'a', s) FROM 'a'", limits: limits)
        #expect(throws: RuleEvaluationError(code: .valueTooLarge)) { try grows.evaluate(RuleFixture.input(payload)) }
        for sql in [
            "SELECT VALUE concat(s, s, s, s, s, s, s, s, s, s, s, s, s, s, s, s, s, s, s, s, s, s, s, s, s, s, s, s, s, s, s, s, s, s, s, s, s, s, s, s, s, s, s, s, s, s, s, s, s, s, s) FROM 'a'",
            "SELECT VALUE s || s || s || s || s || s || s || s || s || s || s || s || s || s || s || s || s || s || s || s || s || s || s || s || s || s || s || s || s || s || s || s || s || s || s || s || s || s || s || s || s || s || s || s || s || s || s || s || s || s || s FROM 'a'",
        ] {
            let statement = try RuleStatement(parsing: sql, limits: limits)
            #expect(throws: RuleEvaluationError(code: .valueTooLarge)) {
                try statement.evaluate(RuleFixture.input(payload))
            }
        }
        // Padding is clamped to 1000 spaces, as AWS documents.
        #expect(try RuleFixture.value("length(lpad('a', 5000))") == 1001)
        #expect(try RuleFixture.value("length(rpad('a', -5))") == 1)
    }

    @Test func arraysCannotGrowPastTheLimit() throws {
        let limits = RuleLimits(maximumArrayCount: 10)
        let concat = try RuleStatement(parsing: "SELECT VALUE concat(a, a) FROM 'a'", limits: limits)
        #expect(throws: RuleEvaluationError(code: .valueTooLarge)) {
            try concat.evaluate(RuleFixture.input(#"{"a":[1,2,3,4,5,6]}"#))
        }
        let transform = try RuleStatement(
            parsing: "SELECT VALUE transform('enrichArray', o, a) FROM 'a'", limits: limits)
        #expect(throws: RuleEvaluationError(code: .valueTooLarge)) {
            try transform.evaluate(RuleFixture.input(#"{"o":{"x":1,"y":2},"a":[{},{},{},{},{},{}]}"#))
        }
        let literal = "SELECT VALUE [" + Array(repeating: "1", count: 11).joined(separator: ",") + "] FROM 'a'"
        #expect(throws: RuleSyntaxError.self) { try RuleStatement(parsing: literal, limits: limits) }
    }
}

/// Values collected on another thread.
final class Results: Sendable {
    private let storage = Mutex<[JSONValue?]>([])

    func append(_ value: JSONValue?) { storage.withLock { $0.append(value) } }

    var values: [JSONValue?] { storage.withLock { $0 } }
}
