import OneCallRules
import Testing

/// Syntax errors name the exact line and column, and what was expected.
@Suite struct RuleSyntaxErrorTests {
    @Test(arguments: [
        ("SELECT * FORM 'a'", 1, 10, RuleSyntaxError.Code.unexpectedToken, "expected FROM, found 'FORM'"),
        ("SELECT color FROM", 1, 18, .invalidTopicFilter, "expected a topic filter after FROM"),
        ("", 1, 1, .unexpectedToken, "expected SELECT, found the end of the text"),
        ("UPDATE x", 1, 1, .unexpectedToken, "expected SELECT, found 'UPDATE'"),
        ("SELECT * FROM 'a' WHERE", 1, 24, .unexpectedToken, "expected an expression, found the end of the text"),
        ("SELECT * FROM 'a' extra", 1, 19, .unexpectedToken, "expected WHERE or the end, found 'extra'"),
        ("SELECT * FROM 'a' WHERE x = 1 y", 1, 31, .unexpectedToken, "expected the end, found 'y'"),
        (
            "SELECT * FROM 'a/#/b'", 1, 15, .invalidTopicFilter,
            "invalid topic filter: wildcard is not a whole level, or '#' is not last"
        ),
        ("SELECT * FROM 'a/b", 1, 15, .invalidString, "string has no closing quote"),
        ("SELECT nosuch(1) FROM 'a'", 1, 8, .unknownFunction, "unknown function 'nosuch'"),
        ("SELECT md5(x) FROM 'a'", 1, 8, .unknownFunction, "function 'md5' is not supported by OneCall"),
        ("SELECT topic(1, 2) FROM 'a'", 1, 8, .wrongArgumentCount, "topic() takes 0 to 1 arguments, not 2"),
        ("SELECT upper() FROM 'a'", 1, 8, .wrongArgumentCount, "upper() takes 1 argument, not 0"),
        ("SELECT encode(*, 'hex') FROM 'a'", 1, 8, .invalidArgument, "encode() supports only the 'base64' scheme"),
        ("SELECT cast(x AS Float) FROM 'a'", 1, 18, .invalidArgument, "cast() cannot convert to 'Float'"),
        ("SELECT # FROM 'a'", 1, 8, .invalidCharacter, "unexpected character '#'"),
        ("SELECT x FROM 'a' /* comment */", 1, 19, .unexpectedToken, "expected WHERE or the end, found '/'"),
        ("SELECT CASE x END FROM 'a'", 1, 15, .unexpectedToken, "expected WHEN, found 'END'"),
        ("SELECT CASE x WHEN 1 THEN 2 FROM 'a'", 1, 29, .unexpectedToken, "expected WHEN, ELSE or END, found 'FROM'"),
        ("SELECT @v FROM 'a'", 1, 8, .invalidVariable, "@v is not defined by a SET clause before it is used"),
        ("SET @v = 1, @v = 2 SELECT @v FROM 'a'", 1, 13, .invalidVariable, "@v is set twice"),
        (
            "SET @v = @v SELECT 1 FROM 'a'", 1, 10, .invalidVariable,
            "@v is not defined by a SET clause before it is used"
        ),
        ("SELECT 1e FROM 'a'", 1, 8, .invalidNumber, "a number's exponent has no digits"),
        ("SELECT 12abc FROM 'a'", 1, 8, .invalidNumber, "a number runs into a name"),
        ("SELECT a.1 FROM 'a'", 1, 10, .unexpectedToken, "expected a field name after '.', found a number"),
        ("SELECT {a: 1} FROM 'a'", 1, 9, .unexpectedToken, "expected a quoted key, found 'a'"),
        (
            "SELECT x FROM 'a' WHERE x IS 5", 1, 30, .unexpectedToken,
            "expected NULL or UNDEFINED after IS, found a number"
        ),
        ("SELECT x FROM 'a' WHERE x NOT 5", 1, 31, .unexpectedToken, "expected IN after NOT, found a number"),
        ("SELECT (1 FROM 'a'", 1, 11, .unexpectedToken, "expected ')', found 'FROM'"),
        ("SELECT 'tab\there' AS x, é FROM 'a'", 1, 25, .invalidCharacter, "unexpected character 'é' (U+E9)"),
        ("SELECT\n  color,\n  nosuch()\nFROM 'a'", 3, 3, .unknownFunction, "unknown function 'nosuch'"),
        ("SELECT 'é',\r\n\tupper(1, 2) FROM 'a'", 2, 2, .wrongArgumentCount, "upper() takes 1 argument, not 2"),
        ("SELECT VALUE FROM 'a'", 1, 14, .unexpectedToken, "expected an expression, found 'FROM'"),
        ("SELECT x AS 5 FROM 'a'", 1, 13, .unexpectedToken, "expected a name after AS, found a number"),
        ("SELECT (SELECT v FROM) FROM 'a'", 1, 22, .unexpectedToken, "expected an expression, found ')'"),
    ])
    func reportsLineAndColumn(sql: String, line: Int, column: Int, code: RuleSyntaxError.Code, message: String) {
        let error = RuleFixture.syntaxError(sql)
        #expect(error == RuleSyntaxError(code: code, line: line, column: column, message: message), "\(sql)")
    }

    @Test func thereAreNoCommentsSoDashesSubtract() throws {
        // "AWS IoT SQL reference": comments are not supported.
        #expect(try RuleFixture.value("5 -- 2") == 7)
    }

    @Test func descriptionNamesThePosition() {
        let error = RuleFixture.syntaxError("SELECT temperature FORM 'a'")
        #expect(error?.description == "line 1, column 20: expected FROM, found 'FORM'")
    }
}
