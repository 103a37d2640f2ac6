import OneCallCore
import OneCallRules
import Synchronization
import Testing

/// The examples of the AWS IoT developer guide's "Functions" page, one row per documented example.
@Suite struct RuleFunctionTests {
    @Test(arguments: [
        ("abs(-5)", "5"), ("abs(-5.5)", "5.5"), ("abs('-5.123')", "5.123"),
        ("bitand(13, 5)", "5"), ("bitor(8, 5)", "13"), ("bitxor(13, 5)", "8"), ("bitand(13.9, '5')", "5"),
        ("cast(true as Int)", "1"), ("cast('5.7' as Int)", "5"), ("cast(-1.5 as Integer)", "-2"),
        ("cast(1 as Boolean)", "true"), ("cast(0.0 as Bool)", "false"), ("cast('TRUE' as Bool)", "true"),
        ("cast(5 as String)", #""5""#), ("cast(2.5 as varchar)", #""2.5""#),
        ("cast([1,'a'] as String)", #""[1,\"a\"]""#),
        ("cast(false as Decimal)", "0"), ("cast('2.5' as Double)", "2.5"),
        ("ceil(1.2)", "2"), ("ceil(-1.2)", "-1"), ("ceil(4)", "4"), ("floor(1.2)", "1"), ("floor(-1.2)", "-2"),
        ("chr(65)", #""A""#), ("chr(49)", #""1""#),
        ("concat('x')", #""x""#), ("concat([1, 2, 3], 4)", "[1,2,3,4]"),
        ("concat([1, 2, 3], 'hello')", #"[1,2,3,"hello"]"#),
        ("concat('con', 'cat')", #""concat""#), ("concat(1, 'hello')", #""1hello""#),
        ("concat('he', 'is', 'man')", #""heisman""#),
        ("concat([1, 2, 3], 'hello', [4, 5, 6])", #"[1,2,3,"hello",4,5,6]"#),
        ("cos(0)", "1"), ("endswith('cat', 'at')", "true"), ("endswith('cat', 'ca')", "false"),
        ("get(['a', 'b', 'c'], 1)", #""b""#), ("get({'a': 'b'}, 'a')", #""b""#), ("get('abc', 1)", #""b""#),
        ("indexof('abcd', 'bc')", "1"), ("indexof('abcd', 'x')", "-1"),
        ("isNull(5)", "false"), ("isNull(Null)", "true"), ("isNull(missing)", "false"),
        ("isUndefined(5)", "false"), ("isUndefined(floor([1,2,3]))", "true"),
        ("length('hi')", "2"), ("length(false)", "5"), ("length('€uro')", "4"),
        ("log(100)", "2"), ("lower('HELLO')", #""hello""#), ("lower(['HELLO'])", #""[\"hello\"]""#),
        ("lpad('hello', 2)", #""  hello""#), ("lpad(1, 3)", #""   1""#), ("Ltrim(' h i ')", #""h i ""#),
        ("mod(8, 3)", "2"), ("remainder(8, 3)", "2"), ("Nanvl(8, 3)", "8"), ("nanvl(missing, 3)", "3"),
        ("numbytes('hi')", "2"), ("numbytes('€')", "3"), ("power(2, 5)", "32"), ("power(2, -1)", "0.5"),
        ("replace('abcd', 'bc', 'x')", #""axd""#), ("replace('abcdabcd', 'b', 'x')", #""axcdaxcd""#),
        ("rpad('hello', 2)", #""hello  ""#), ("rpad(1, 3)", #""1   ""#),
        ("Round(1.2)", "1"), ("Round(1.5)", "2"), ("Round(1.7)", "2"), ("Round(-1.1)", "-1"), ("Round(-1.5)", "-2"),
        ("rtrim(' h i ')", #"" h i""#), ("sign(-7)", "-1"), ("sign(0)", "0"), ("sign(13)", "1"), ("sin(0)", "0"),
        ("substring('012345', 0)", #""012345""#), ("substring('012345', 2)", #""2345""#),
        ("substring('012345', 2.745)", #""2345""#), ("substring(123, 2)", #""3""#),
        ("substring('012345', -1)", #""012345""#), ("substring(true, 1.2)", #""rue""#),
        ("substring(false, -2.411E247)", #""false""#), ("substring('012345', 1, 3)", #""12""#),
        ("substring('012345', -50, 50)", #""012345""#), ("substring('012345', 3, 1)", #""""#),
        ("sql_version()", #""2016-03-23""#), ("sqrt(9)", "3"), ("startswith('ranger', 'ran')", "true"),
        ("timestamp()", "1481825251155"), ("topic()", #""things/myThings/thingOne""#), ("topic(1)", #""things""#),
        ("topic(3)", #""thingOne""#), ("Trim(' hi ')", #""hi""#), ("trunc(2.3, 0)", "2"), ("trunc(2.3123, 2)", "2.31"),
        ("trunc(2.888, 2)", "2.88"), ("trunc(2.00, 5)", "2"), ("upper('hello')", #""HELLO""#),
        ("upper(['hello'])", #""[\"HELLO\"]""#), ("newuuid()", #""123a4567-b89c-12d3-e456-789012345000""#),
        ("clientid()", #""device-7""#), ("encode('hello', 'base64')", #""aGVsbG8=""#),
        ("decode('aGVsbG8=', 'base64')", #""hello""#), ("decode('eyJhIjogMX0=', 'base64').a", "1"),
        ("decode('not base64!', 'base64')", "null"), ("get_or_default(missing, 5)", "5"),
        ("get_or_default(Null, 'x')", #""x""#), ("get_or_default(2, 5)", "2"),
    ])
    func documentedResults(expression: String, expected: String) throws {
        let value = try RuleFixture.value(expression, "{}", topic: "things/myThings/thingOne")
        #expect(value == (try RuleFixture.json(expected)), "\(expression)")
    }

    @Test(arguments: [
        ("acos(0)", 1.5707963267948966), ("asin(1)", 1.5707963267948966), ("atan(1)", 0.7853981633974483),
        ("atan2(1, 0)", 1.5707963267948966), ("cosh(2.3)", 5.037220649268761), ("exp(1)", 2.718281828459045),
        ("ln(exp(2))", 2), ("sinh(2.3)", 4.936961805545957), ("tan(3)", -0.1425465430742778),
        ("tanh(2.3)", 0.9800963962661914),
    ])
    func doublePrecisionResults(expression: String, expected: Double) throws {
        let value = try #require(try RuleFixture.value(expression)?.doubleValue, "\(expression)")
        #expect(abs(value - expected) < 1e-12, "\(expression) = \(value)")
    }

    @Test(arguments: [
        "abs('x')", "abs(true)", "abs([1])", "abs(Null)", "sqrt(-1)", "ln(0)", "log(-1)", "acos(2)", "chr(200)",
        "concat()", "concat(1, 2)", "concat('a', missing)", "lower(Null)", "length(missing)", "startswith(Null, 'a')",
        "endswith('a', missing)", "substring('abc', 'x')", "lpad('a', [1])", "get('abc', 3)", "get([1], 'x')",
        "get({'a': 1}, 1)", "get(5, 0)", "topic(0)", "topic(4)", "topic('x')", "principal()", "cast(Null as Int)",
        "cast('abc' as Int)", "cast([1] as Boolean)", "trunc('x', 1)", "bitand(1, 'x')", "power('a', 2)",
        "transform('other', {}, [])", "transform('enrichArray', 1, [])", "encode(missing, 'base64')",
    ])
    func undefinedResults(expression: String) throws {
        #expect(try RuleFixture.value(expression, "{}", topic: "things/myThings/thingOne") == nil, "\(expression)")
    }

    @Test func bitnotIsTheTwosComplementNot() throws {
        // The page's table says "a bitwise NOT of the argument"; its example (bitnot(13) = 2) inverts only
        // the four significant bits. OneCall follows the table: ~13 is -14.
        #expect(try RuleFixture.value("bitnot(13)") == -14)
        #expect(try RuleFixture.value("bitnot(-1)") == 0)
    }

    @Test func clientIDIsNotApplicableWithoutMQTT() throws {
        let statement = try RuleStatement(parsing: "SELECT clientid() AS c, principal() AS p FROM '#'")
        let input = RuleInput(topic: "a", payload: .json([:]), clientID: nil, principal: "CN=dev1", timestamp: 0)
        #expect(try statement.evaluate(input)?.payload == .json(["c": "n/a", "p": "CN=dev1"]))
    }

    @Test func newUUIDCallsTheGeneratorEachTime() throws {
        let statement = try RuleStatement(parsing: "SELECT newuuid() AS a, newuuid() AS b FROM '#'")
        let counter = Counter()
        let input = RuleInput(topic: "a", payload: .json([:]), timestamp: 0, newUUID: { "id-\(counter.next())" })
        #expect(try statement.evaluate(input)?.payload == .json(["a": "id-1", "b": "id-2"]))
        let random = RuleInput(topic: "a", payload: .json([:]), timestamp: 0)
        let output = try #require(try statement.evaluate(random)?.payload.jsonValue)
        #expect(output["a"]?.stringValue?.count == 36)
        #expect(output["a"] != output["b"])
    }
}

/// A thread-safe counter for generator closures.
final class Counter: Sendable {
    private let value = Mutex(0)

    func next() -> Int {
        value.withLock { value in
            value += 1
            return value
        }
    }
}
