import OneCallCore
import OneCallRules
import Testing

/// "Substitution templates": `${expression}` in action parameters, evaluated against the incoming message.
@Suite struct SubstitutionTemplateTests {
    static let payload = #"""
        {"deviceid": "iot123", "temp": 54.98, "count": 3, "coords": {"latitude": 47.615694}, "tags": ["a"],
         "nothing": null}
        """#

    @Test(arguments: [
        // "Substitution templates"
        ("${topic()}/republish", "my/iot/topic/republish"),
        // "Error handling (error action)"
        (
            "${replace(topic(), '/', '-') + '-' + timestamp() + '-' + newuuid()}",
            "my-iot-topic-1481825251155-123a4567-b89c-12d3-e456-789012345000"
        ),
        // The issue's examples.
        ("alerts/${topic(2)}", "alerts/iot"),
        ("device/${deviceid}", "device/iot123"),
        ("${temp}|${count}|${coords}|${tags}|${coords.latitude}", #"54.98|3|{"latitude":47.615694}|["a"]|47.615694"#),
        ("x${missing}y${nothing}z", "xyz"),
        ("${concat('}', '{')}", "}{"),
        ("${get({'a': '}'}, 'a')}", "}"),
        ("no substitutions", "no substitutions"),
        ("$ {not} $x ${'$'}{", "$ {not} $x ${"),
        ("${upper(deviceid)}-${clientid()}", "IOT123-device-7"),
        ("", ""),
    ])
    func renders(template: String, expected: String) throws {
        let parsed = try SubstitutionTemplate(parsing: template)
        #expect(parsed.render(RuleFixture.input(Self.payload, topic: "my/iot/topic")) == expected)
    }

    @Test func aliasesAreNotVisibleButVariablesAre() throws {
        // "Substitution templates": the expression cannot see AS aliases; "SET clause": it can see variables.
        let statement = try RuleStatement(parsing: "SET @site = upper(deviceid) SELECT temp AS t FROM 'my/iot/topic'")
        let input = RuleFixture.input(Self.payload, topic: "my/iot/topic")
        let output = try #require(try statement.evaluate(input))
        let template = try SubstitutionTemplate(parsing: "sites/${@site}/${t}/${temp}")
        #expect(template.variableNames == ["site"])
        #expect(template.render(input, variables: output.variables) == "sites/IOT123//54.98")
    }

    @Test func manyVariablesKeepTheirOrder() throws {
        let template = try SubstitutionTemplate(parsing: "${@b}-${@a}-${@b || @c}")
        #expect(template.variableNames == ["b", "a", "c"])
        #expect(template.render(RuleFixture.input("{}"), variables: ["a": 1, "b": "B", "c": true]) == "B-1-Btrue")
    }

    @Test func binaryPayloadsHaveNoFields() throws {
        // "Working with binary payloads": a template that names a field cannot read a binary payload.
        let template = try SubstitutionTemplate(parsing: "device/${device_id}/${topic(1)}")
        let input = RuleInput(topic: "raw/x", payloadBytes: [0xFF, 0x00], timestamp: 0)
        #expect(template.render(input) == "device//raw")
    }

    @Test(arguments: [
        ("${", 1, 3, "expected an expression, found the end of the text"),
        ("a${topic(}", 1, 10, "expected an expression, found '}'"),
        ("a/${topic() x}", 1, 13, "expected '}', found 'x'"),
        ("${nosuch()}", 1, 3, "unknown function 'nosuch'"),
        ("ok/${topic()}/${'unterminated}", 1, 17, "string has no closing quote"),
        ("line1\n${1 +}", 2, 6, "expected an expression, found '}'"),
    ])
    func syntaxErrorsHavePositions(template: String, line: Int, column: Int, message: String) {
        do {
            _ = try SubstitutionTemplate(parsing: template)
            Issue.record("\(template) parsed")
        } catch {
            #expect(error.line == line && error.column == column && error.message == message, "\(error)")
        }
    }

    @Test func describesItself() throws {
        let template = try SubstitutionTemplate(parsing: "alerts/${topic(2)}")
        #expect(template.description == "alerts/${topic(2)}")
        #expect(!template.isConstant)
        #expect(template.literalParts == ["alerts/"])
        #expect(try SubstitutionTemplate(parsing: "a/b").isConstant)
        #expect(try SubstitutionTemplate(parsing: "a/b") == SubstitutionTemplate(parsing: "a/b"))
    }
}
