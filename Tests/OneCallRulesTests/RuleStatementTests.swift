import OneCallCore
import OneCallRules
import Testing

/// The examples of the AWS IoT developer guide's SQL reference, each cited by page title.
@Suite struct RuleStatementTests {
    static let colorPayload = #"{"color":"red", "temperature":50}"#

    @Test(arguments: [
        // "SELECT clause"
        ("SELECT * FROM 'topic/subtopic'", colorPayload, #"{"color":"red","temperature":50}"#),
        ("SELECT color FROM 'topic/subtopic'", colorPayload, #"{"color":"red"}"#),
        ("SELECT color AS my_color FROM 'topic/subtopic'", colorPayload, #"{"my_color":"red"}"#),
        (
            "SELECT color as my_color, temperature as fahrenheit FROM 'topic/subtopic'", colorPayload,
            #"{"my_color":"red","fahrenheit":50}"#
        ),
        ("SELECT *, 15 as speed FROM 'topic/subtopic'", colorPayload, #"{"color":"red","temperature":50,"speed":15}"#),
        ("SELECT VALUE color FROM 'topic/subtopic'", colorPayload, #""red""#),
        (
            "SELECT color.red as red_value FROM 'topic/subtopic'",
            #"{"color":{"red":255,"green":0,"blue":0}, "temperature":50}"#, #"{"red_value":255}"#
        ),
        (
            "SELECT (temperature - 32) * 5 / 9 AS celsius, upper(color) as my_color FROM 'topic/subtopic'",
            colorPayload, #"{"celsius":10,"my_color":"RED"}"#
        ),
        // "AWS IoT SQL reference"
        (
            "SELECT color AS rgb FROM 'topic/subtopic' WHERE temperature > 50", #"{"color":"red","temperature":100}"#,
            #"{"rgb":"red"}"#
        ),
        // "Data types"
        ("SELECT NULL AS n FROM 'topic/subtopic'", "{}", #"{"n":null}"#),
        ("SELECT foo, bar FROM 'topic/subtopic'", #"{"foo":null}"#, #"{"foo":null}"#),
        // "Literals"
        (
            "SELECT {'latitude': get(lat_long, 0),'longitude':get(lat_long, 1)} as lat_long FROM 'topic/subtopic'",
            #"{"lat_long": [47.606,-122.332]}"#, #"{"lat_long":{"latitude":47.606,"longitude":-122.332}}"#
        ),
        (
            "SELECT [lat,long] as lat_long FROM 'topic/subtopic'", #"{"lat": 47.696, "long": -122.332}"#,
            #"{"lat_long":[47.696,-122.332]}"#
        ),
        // "Case statements"
        (
            """
            SELECT CASE color
                    WHEN 'green' THEN 'go'
                    WHEN 'yellow' THEN 'caution'
                    WHEN 'red' THEN 'stop'
                    ELSE 'you are not at a stop light' END as instructions
                FROM 'topic/subtopic'
            """, #"{"color":"yellow"}"#, #"{"instructions":"caution"}"#
        ),
        // "JSON extensions"
        (
            #"SELECT * from 'iot/rules' WHERE get(get(get(mydata,"item2"),"0"),"my-key") = "myValue""#,
            #"{"mydata":{"item2":{"0":{"my-key":"myValue"}}}}"#, #"{"mydata":{"item2":{"0":{"my-key":"myValue"}}}}"#
        ),
        (
            "SELECT foo.bar AS bar.baz FROM 'topic/subtopic'", #"{"foo":{"bar":"RED","bar1":"GREEN","bar2":"BLUE"}}"#,
            #"{"bar":{"baz":"RED"}}"#
        ),
        // "SET clause"
        (
            """
            SET @device_sensor_data = device1.deviceData.sensors
            SELECT @device_sensor_data.temp_fahrenheit AS temp_fahrenheit,
                   @device_sensor_data.humidity as humidity FROM 'device/data'
            """,
            #"{"device1": {"deviceId":"weather_sensor", "deviceData": {"sensors": {"temp_fahrenheit": 75, "humidity": 60}, "location": [47.606,-122.332]}}}"#,
            #"{"temp_fahrenheit":75,"humidity":60}"#
        ),
        // "Function › get": whole path of element access.
        ("SELECT a[1].b AS b, a[0] AS first FROM 't'", #"{"a":[1,{"b":"x"}]}"#, #"{"b":"x","first":1}"#),
    ])
    func documentedExamples(sql: String, payload: String, expected: String) throws {
        let topic = sql.contains("'iot/rules'") ? "iot/rules" : sql.contains("'device/data'") ? "device/data" : "t"
        #expect(try RuleFixture.output(sql, payload, topic: topic) == RuleFixture.json(expected))
    }

    @Test func whereThatFailsProducesNothing() throws {
        // "WHERE clause": the rule is triggered but its actions are not performed.
        let output = try RuleFixture.output(
            "SELECT color AS my_color FROM 'topic/subtopic' WHERE temperature > 50 AND color <> 'red'",
            #"{"color":"red", "temperature":40}"#)
        #expect(output == nil)
    }

    @Test(arguments: [
        // "Nested object queries"
        (
            "SELECT (SELECT VALUE n FROM e) as sensors FROM 'my/topic'",
            #"{"sensors":["temperature","light","acidity"]}"#
        ),
        (
            "SELECT (SELECT v FROM e WHERE n = 'temperature') as temperature FROM 'my/topic'",
            #"{"temperature":[{"v":22.5}]}"#
        ),
        (
            "SELECT get((SELECT v FROM e WHERE n = 'temperature'), 0).v as temperature FROM 'topic'",
            #"{"temperature":22.5}"#
        ),
    ])
    func nestedObjectQueries(sql: String, expected: String) throws {
        let payload = """
            {"e": [{"n": "temperature", "u": "Cel", "t": 1234, "v": 22.5},
                   {"n": "light", "u": "lm", "t": 1235, "v": 135},
                   {"n": "acidity", "u": "pH", "t": 1235, "v": 7}]}
            """
        #expect(
            try RuleFixture.output(sql, payload, topic: sql.contains("'topic'") ? "topic" : "my/topic")
                == RuleFixture.json(expected))
    }

    @Test(arguments: [
        // "Functions › transform", examples 1 to 3.
        (
            #"select value transform("enrichArray", attributes, values) from 'A/B'"#,
            #"{"attributes":{"data1":1,"data2":2},"values":[{"a":3},{"b":4},{"c":5}]}"#,
            #"[{"a":3,"data1":1,"data2":2},{"b":4,"data1":1,"data2":2},{"c":5,"data1":1,"data2":2}]"#
        ),
        (
            #"select value transform("enrichArray", {"key": attributes.data1}, values) from 'A/B'"#,
            #"{"attributes":{"data1":1,"data2":2},"values":[{"a":3},{"b":4},{"c":5}]}"#,
            #"[{"a":3,"key":1},{"b":4,"key":1},{"c":5,"key":1}]"#
        ),
        (
            "select value transform('enrichArray', (select a, b from data2), (select value c from data2)) from 'A/B'",
            #"{"data1":"example","data2":{"a":"first attribute","b":"second attribute","c":[{"x":{"someInt":5,"someString":"hello"},"y":true},{"x":{"someInt":10,"someString":"world"},"y":false}]}}"#,
            #"[{"x":{"someInt":5,"someString":"hello"},"y":true,"a":"first attribute","b":"second attribute"},{"x":{"someInt":10,"someString":"world"},"y":false,"a":"first attribute","b":"second attribute"}]"#
        ),
    ])
    func transformExamples(sql: String, payload: String, expected: String) throws {
        #expect(try RuleFixture.output(sql, payload, topic: "A/B") == RuleFixture.json(expected))
    }

    @Test func decodeExample() throws {
        // "Functions › decode(value, decodingScheme)"
        let output = try RuleFixture.output(
            #"SELECT decode(encoded_temp,"base64").temperature AS temp from 'topic/subtopic'"#,
            #"{"encoded_temp": "eyAidGVtcGVyYXR1cmUiOiAzMyB9Cg=="}"#)
        #expect(output == ["temp": 33])
    }

    @Test func substitutionTemplateExampleStatement() throws {
        // "Substitution templates": SELECT *, timestamp() AS timestamp.
        let output = try RuleFixture.output(
            "SELECT *, timestamp() AS timestamp FROM 'my/iot/topic'", #"{"deviceid":"iot123","temp":54.98}"#,
            topic: "my/iot/topic")
        #expect(output == ["deviceid": "iot123", "temp": 54.98, "timestamp": .int(RuleFixture.timestamp)])
    }

    @Test func keywordsAreCaseInsensitiveAndFieldsAreNot() throws {
        let payload = #"{"Color":"red","color":"blue"}"#
        #expect(
            try RuleFixture.output("select Color, COLOR from 't' wHeRe color = 'blue' aNd TRUE", payload) == [
                "Color": "red"
            ])
        // "Operators › OR": an operand that is not a Boolean (here Undefined) makes the result Undefined.
        #expect(try RuleFixture.output("SELECT * FROM 't' WHERE COLOR = 'blue' OR color = 'blue'", payload) == nil)
    }

    @Test func itemsWithoutAliasAreNamedAfterTheirFieldOrFunction() throws {
        let output = try RuleFixture.output(
            "SELECT state.reported.temp, topic(1), clientid(), 1 + 2, a[0] FROM 'aircon/dev1'",
            #"{"state":{"reported":{"temp":21}},"a":[7]}"#, topic: "aircon/dev1")
        #expect(output == ["temp": 21, "topic": "aircon", "clientid": "device-7", "_4": 3, "_5": 7])
    }

    @Test func wildcardWithTopicLevel() throws {
        // The issue's example: SELECT *, topic(2) AS device.
        let output = try RuleFixture.output(
            "SELECT *, topic(2) AS device FROM 'aircon/+/telemetry'", #"{"temp":21.5}"#, topic: "aircon/dev42/telemetry"
        )
        #expect(output == ["temp": 21.5, "device": "dev42"])
    }

    @Test func unquotedTopicFilterAsSomeExamplesWriteIt() throws {
        // "JSON extensions" writes `FROM topic/#` without quotes.
        let statement = try RuleStatement(parsing: "SELECT temp FROM topic/# WHERE temp > 1")
        #expect(statement.topicFilter == "topic/#")
        #expect(statement.matches(topic: "topic/a/b"))
        #expect(!statement.matches(topic: "other"))
    }

    @Test func setVariablesAreEvaluatedInOrderAndReturned() throws {
        let statement = try RuleStatement(
            parsing: "SET @f = temp_f, @c = (@f - 32) * 5 / 9 SELECT @c AS celsius FROM 'd' WHERE @c > 20")
        let output = try #require(try statement.evaluate(RuleFixture.input(#"{"temp_f": 77.0}"#, topic: "d")))
        #expect(output.payload == .json(["celsius": 25]))
        #expect(output.variables == ["f": 77, "c": 25])
        #expect(statement.variableNames == ["f", "c"])
        #expect(try statement.evaluate(RuleFixture.input(#"{"temp_f": 50}"#, topic: "d")) == nil)
    }

    @Test func onlySelectStarPassesThePayloadThrough() throws {
        #expect(try RuleStatement(parsing: "SELECT * FROM 'a' WHERE x > 1").passesPayloadThrough)
        #expect(try !RuleStatement(parsing: "SELECT *, 1 AS one FROM 'a'").passesPayloadThrough)
        #expect(try !RuleStatement(parsing: "SELECT VALUE * FROM 'a'").passesPayloadThrough)
        #expect(try !RuleStatement(parsing: "SELECT * AS p FROM 'a'").passesPayloadThrough)
    }

    @Test func selectValueOfUndefinedIsAnEmptyPayload() throws {
        // "Data types": Undefined serialized by itself is the empty string.
        let statement = try RuleStatement(parsing: "SELECT VALUE missing FROM 't'")
        let output = try #require(try statement.evaluate(RuleFixture.input("{}")))
        #expect(output.payload == .binary([]))
    }

    @Test func selectStarPassesNonObjectJSONThrough() throws {
        #expect(try RuleFixture.output("SELECT * FROM 't'", "[1,2,3]") == [1, 2, 3])
        #expect(try RuleFixture.output("SELECT * FROM 't'", "42") == 42)
        let statement = try RuleStatement(parsing: "SELECT *, 1 AS one FROM 't'")
        #expect(throws: RuleEvaluationError(code: .payloadNotObject)) {
            try statement.evaluate(RuleFixture.input("[1,2,3]"))
        }
    }
}
