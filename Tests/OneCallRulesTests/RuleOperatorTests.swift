import OneCallCore
import OneCallRules
import Testing

/// Undefined versus Null, Int versus Decimal, and the operators ("Data types", "Operators").
@Suite struct RuleOperatorTests {
    static let payload = #"""
        {"i": 7, "d": 2.5, "whole": 54.0, "s": "5", "word": "abc", "t": "TRUE", "n": null, "b": true,
         "a": [1, {"b": "x"}, [10, 20]], "o": {"k": 1}, "state": {"reported": {"temp": 21}}}
        """#

    @Test(arguments: [
        // Arithmetic: Int with Int is Int; a Decimal makes Decimal; whole Decimals are Ints (2016-03-23).
        ("7 / 2", "3"), ("-7 / 2", "-3"), ("7 % 3", "1"), ("-7 % 3", "-1"), ("7.5 / 2", "3.75"),
        ("7.0 / 2", "3"), ("2 * 2.5", "5"), ("i * d", "17.5"), ("i + d", "9.5"), ("whole", "54"),
        ("whole / 4", "13"), ("1.5 + 1.5", "3"), ("10 - 2.5", "7.5"), ("5.5 % 2", "1.5"),
        ("9223372036854775807 + 1", "9.223372036854776e18"), ("-i", "-7"), ("- - i", "7"),
        // Strings that read as numbers convert for - * / %; + joins when a string is involved.
        ("s - 2", "3"), ("s * s", "25"), ("'1.5' * 2", "3"), ("'5E-1' * 4", "2"), ("s + 2", #""52""#),
        ("'-' + 12", #""-12""#), ("word || 1 || true", #""abc1true""#),
        // Comparisons convert both sides to Decimal.
        ("s < 10", "true"), ("'10' > 9", "true"), ("i >= 7", "true"), ("i <= 6.9", "false"), ("d > 2", "true"),
        // Equality: numbers by value, mismatched types are not equal, arrays and objects by content.
        ("1 = 1.0", "true"), ("s = 5", "false"), ("'abc' = word", "true"), ("n = null", "true"),
        ("a[2] = [10, 20]", "true"), ("o = {'k': 1}", "true"), ("i <> 8", "true"), ("i != 7", "false"),
        // Logic takes Booleans and the strings "true"/"false" in any case.
        ("b AND t", "true"), ("NOT 'false'", "true"), ("false OR 'False'", "false"), ("NOT NOT b", "true"),
        // IN and CONTAINS.
        ("3 IN [1, 2, 3]", "true"), ("'x' IN ['a', 'b']", "false"), ("i IN (1, 7)", "true"),
        ("4 NOT IN [1, 2]", "true"), ("[10, 20] IN a", "true"), ("1.0 IN a", "true"),
        ("word CONTAINS 'bc'", "true"), ("a CONTAINS 1", "true"), ("word CONTAINS 'z'", "false"),
        // IS tests are always Boolean.
        ("n IS NULL", "true"), ("missing IS NULL", "false"), ("missing IS UNDEFINED", "true"),
        ("n IS NOT NULL", "false"), ("missing IS NOT NULL", "false"), ("i IS NOT NULL", "true"),
        ("n IS NOT UNDEFINED", "true"), ("n IS UNDEFINED", "false"),
        // Paths and element access.
        ("state.reported.temp", "21"), ("a[0]", "1"), ("a[1].b", #""x""#), ("a[2][1]", "20"),
        ("a[1.2]", "{\"b\":\"x\"}"),
        ("o['k']", "1"), ("get(a, 2)[0]", "10"),
        // CASE: simple and searched.
        ("CASE i WHEN 1 THEN 'one' WHEN 7 THEN 'seven' END", #""seven""#),
        ("CASE WHEN i > 5 THEN 'big' ELSE 'small' END", #""big""#),
        ("CASE word WHEN 'x' THEN 1 ELSE 2 END", "2"),
        // Literals.
        ("[1, missing, 'x']", #"[1,"x"]"#), ("{'k': missing, 'j': 2}", #"{"j":2}"#), ("'it''s'", #""it's""#),
        (#""tab\there""#, #""tab\there""#), ("'\\u00e9'", #""é""#), ("1e3", "1000"), ("TRUE", "true"),
    ])
    func defined(expression: String, expected: String) throws {
        #expect(try RuleFixture.value(expression, Self.payload) == RuleFixture.json(expected), "\(expression)")
    }

    @Test(arguments: [
        "missing", "missing + 1", "1 / 0", "1 % 0", "1.5 / 0", "word * 2", "b + 1", "n + 1", "missing = 1",
        "1 <> missing", "word > 1", "n < 1", "b AND 1", "false AND missing", "true OR missing", "NOT 5",
        "NOT missing", "3 IN 3", "missing IN [1]", "word || missing", "word || n", "a[5]", "a[-1]", "o.k.z",
        "word.length", "i CONTAINS 1", "CASE missing WHEN 1 THEN 2 ELSE 3 END", "CASE i WHEN 1 THEN 2 END",
        "-word", "state.reported.missing",
    ])
    func undefined(expression: String) throws {
        #expect(try RuleFixture.value(expression, Self.payload) == nil, "\(expression)")
    }

    @Test func undefinedItemsAreLeftOutAndNullIsKept() throws {
        // "Data types": {"foo":null, "bar":undefined} is serialized as {"foo":null}.
        let output = try RuleFixture.output("SELECT n AS foo, missing AS bar, 1 / 0 AS q FROM 't'", Self.payload)
        #expect(output == ["foo": nil])
    }

    @Test func whereIsTrueOnlyForTrue() throws {
        #expect(try RuleFixture.output("SELECT i FROM 't' WHERE t", Self.payload) == ["i": 7])
        #expect(try RuleFixture.output("SELECT i FROM 't' WHERE missing > 1", Self.payload) == nil)
        #expect(try RuleFixture.output("SELECT i FROM 't' WHERE NOT missing", Self.payload) == nil)
        #expect(try RuleFixture.output("SELECT i FROM 't' WHERE i", Self.payload) == nil)
        #expect(try RuleFixture.output("SELECT i FROM 't' WHERE missing IS UNDEFINED", Self.payload) == ["i": 7])
    }

    @Test func precedence() throws {
        #expect(try RuleFixture.value("1 + 2 * 3", "{}") == 7)
        #expect(try RuleFixture.value("(1 + 2) * 3", "{}") == 9)
        #expect(try RuleFixture.value("true OR false AND false", "{}") == true)
        #expect(try RuleFixture.value("NOT 1 = 2", "{}") == true)
        #expect(try RuleFixture.value("1 + 1 = 2 AND 2 * 2 = 4", "{}") == true)
        #expect(try RuleFixture.value("1 = 1 IS NULL", "{}") == false)
        #expect(try RuleFixture.value("10 - 2 - 3", "{}") == 5)
        #expect(try RuleFixture.value("2 * -3", "{}") == -6)
    }
}
