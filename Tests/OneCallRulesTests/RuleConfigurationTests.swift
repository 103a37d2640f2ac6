import OneCallCore
import OneCallRules
import Testing

/// Rules from configuration: the schema, its errors, and the defaults.
@Suite struct RuleConfigurationTests {
    static let full = #"""
        {"name": "alerts_1", "sql": "SELECT *, topic(2) AS device FROM 'aircon/+/errors' WHERE severity > 2",
         "actions": [{"republish": {"topic": "alerts/${topic(2)}", "qos": 1}}, {"store_telemetry": {}},
                     {"error_event": {}}, {"handler": {"name": "triage.v2"}}],
         "error_action": {"republish": {"topic": "rules/errors"}},
         "enabled": false, "description": "escalate", "sql_version": "2016-03-23"}
        """#

    /// The configuration error `body` throws, if any.
    static func configurationError(_ body: () throws -> Void) -> RuleConfigurationError? {
        do {
            try body()
            return nil
        } catch let error as RuleConfigurationError {
            return error
        } catch {
            Issue.record("unexpected \(error)")
            return nil
        }
    }

    @Test func decodesEveryField() throws {
        let rule = try RuleDefinition(json: RuleFixture.json(Self.full))
        #expect(rule.name == "alerts_1")
        #expect(rule.sql == "SELECT *, topic(2) AS device FROM 'aircon/+/errors' WHERE severity > 2")
        #expect(
            rule.actions == [
                .republish(topic: try SubstitutionTemplate(parsing: "alerts/${topic(2)}"), qos: 1), .storeTelemetry,
                .errorEvent, .handler(name: "triage.v2"),
            ])
        #expect(rule.errorAction == .republish(topic: try SubstitutionTemplate(parsing: "rules/errors"), qos: 0))
        #expect(rule.enabled == false)
        #expect(rule.description == "escalate")
        // The JSON form reads back to the same rule.
        #expect(try RuleDefinition(json: rule.json) == rule)
    }

    @Test func defaultsForOptionalKeys() throws {
        let rule = try RuleDefinition(json: ["name": "r", "sql": "SELECT * FROM 'a'"])
        #expect(rule == RuleDefinition(name: "r", sql: "SELECT * FROM 'a'", actions: []))
        #expect(rule.enabled)
    }

    @Test(arguments: [
        (#"[]"#, "rule: a rule is a JSON object"),
        (#"{"sql": "SELECT * FROM 'a'"}"#, "rule: name: required"),
        (#"{"name": 5, "sql": "x"}"#, "rule: name: expected a string"),
        (#"{"name": "bad-name", "sql": "x"}"#, "rule: name: 'bad-name' is not 1 to 128 of A-Z a-z 0-9 _"),
        (#"{"name": "", "sql": "x"}"#, "rule: name: '' is not 1 to 128 of A-Z a-z 0-9 _"),
        (#"{"name": "r"}"#, "rule 'r': sql: required"),
        (#"{"name": "r", "sql": ["SELECT"]}"#, "rule 'r': sql: expected a string"),
        (#"{"name": "r", "sql": "x", "action": []}"#, "rule 'r': action: unknown key"),
        (#"{"name": "r", "sql": "x", "actions": {}}"#, "rule 'r': actions: expected an array"),
        (#"{"name": "r", "sql": "x", "enabled": "yes"}"#, "rule 'r': enabled: expected true or false"),
        (#"{"name": "r", "sql": "x", "description": 1}"#, "rule 'r': description: expected a string"),
        (
            #"{"name": "r", "sql": "x", "sql_version": "2015-10-08"}"#,
            "rule 'r': sql_version: only 2016-03-23 is supported"
        ),
        (
            #"{"name": "r", "sql": "x", "actions": [{"lambda": {}}]}"#,
            "rule 'r': actions[0].lambda: unknown action; the actions are republish, store_telemetry, error_event, handler"
        ),
        (
            #"{"name": "r", "sql": "x", "actions": [{"error_event": {}, "handler": {}}]}"#,
            "rule 'r': actions[0]: an action is an object with one key: republish, store_telemetry, error_event, handler"
        ),
        (
            #"{"name": "r", "sql": "x", "actions": [{"error_event": 1}]}"#,
            "rule 'r': actions[0].error_event: expected an object"
        ),
        (
            #"{"name": "r", "sql": "x", "actions": [{"store_telemetry": {"x": 1}}]}"#,
            "rule 'r': actions[0].store_telemetry.x: unknown key"
        ),
        (
            #"{"name": "r", "sql": "x", "actions": [{"republish": {}}]}"#,
            "rule 'r': actions[0].republish.topic: required"
        ),
        (
            #"{"name": "r", "sql": "x", "actions": [{"republish": {"topic": 1}}]}"#,
            "rule 'r': actions[0].republish.topic: expected a string"
        ),
        (
            #"{"name": "r", "sql": "x", "actions": [{"republish": {"topic": "a/+/b"}}]}"#,
            "rule 'r': actions[0].republish.topic: a topic to publish to cannot contain '+' or '#'"
        ),
        (
            #"{"name": "r", "sql": "x", "actions": [{"republish": {"topic": ""}}]}"#,
            "rule 'r': actions[0].republish.topic: topic is empty"
        ),
        (
            #"{"name": "r", "sql": "x", "actions": [{"republish": {"topic": "a/${topic(}"}}]}"#,
            "rule 'r': actions[0].republish.topic: line 1, column 11: expected an expression, found '}'"
        ),
        (
            #"{"name": "r", "sql": "x", "actions": [{"republish": {"topic": "a", "qos": 2}}]}"#,
            "rule 'r': actions[0].republish.qos: 2 is not 0 or 1"
        ),
        (
            #"{"name": "r", "sql": "x", "actions": [{"republish": {"topic": "a", "retain": true}}]}"#,
            "rule 'r': actions[0].republish.retain: unknown key"
        ),
        (#"{"name": "r", "sql": "x", "actions": [{"handler": {}}]}"#, "rule 'r': actions[0].handler.name: required"),
        (
            #"{"name": "r", "sql": "x", "actions": [{"handler": {"name": "a b"}}]}"#,
            "rule 'r': actions[0].handler.name: expected 1 to 128 of A-Z a-z 0-9 _ - ."
        ),
        (
            #"{"name": "r", "sql": "x", "error_action": {"handler": {"name": 1}}}"#,
            "rule 'r': error_action.handler.name: expected 1 to 128 of A-Z a-z 0-9 _ - ."
        ),
    ])
    func reportsWhatIsWrong(json: String, description: String) throws {
        let value = try RuleFixture.json(json)
        let error = Self.configurationError { _ = try RuleDefinition(json: value) }
        #expect(error?.description == description)
    }

    @Test func namesAreLimitedTo128Characters() throws {
        #expect(RuleDefinition.isValidName(String(repeating: "a", count: 128)))
        #expect(!RuleDefinition.isValidName(String(repeating: "a", count: 129)))
        #expect(!RuleDefinition.isValidName("é"))
        #expect(RuleDefinition.isValidName("Rule_42"))
    }

    @Test func atMostTenActions() throws {
        let eleven = JSONValue.array(Array(repeating: ["error_event": [:]], count: 11))
        #expect(
            throws: RuleConfigurationError(
                code: .invalidValue, rule: "r", key: "actions", message: "11 actions; a rule has at most 10")
        ) {
            try RuleDefinition(json: ["name": "r", "sql": "x", "actions": eleven])
        }
    }

    @Test func listsNameTheRulesPosition() throws {
        let rules = try RuleDefinition.list(
            json: RuleFixture.json(#"[{"name": "a", "sql": "x"}, {"name": "b", "sql": "y"}]"#))
        #expect(rules.map(\.name) == ["a", "b"])
        let missingSQL = try RuleFixture.json(#"[{"name": "a", "sql": "x"}, {"name": "b"}]"#)
        #expect(throws: RuleConfigurationError(code: .missingKey, rule: "b", index: 1, key: "sql", message: "required"))
        {
            try RuleDefinition.list(json: missingSQL)
        }
        let missingName = try RuleFixture.json(#"[{"name": "a", "sql": "x"}, {"sql": "y"}]"#)
        #expect(
            Self.configurationError { _ = try RuleDefinition.list(json: missingName) }?.description
                == "rules[1]: name: required")
        let duplicate = try RuleFixture.json(#"[{"name": "a", "sql": "x"}, {"name": "a", "sql": "y"}]"#)
        let error = Self.configurationError { _ = try RuleDefinition.list(json: duplicate) }
        #expect(error?.code == .duplicateName)
        #expect(error?.description == "rule 'a': name: another rule has this name")
        #expect(throws: RuleConfigurationError.self) { try RuleDefinition.list(json: ["name": "a"]) }
    }

    @Test func sqlErrorsNameTheRuleLineAndColumn() throws {
        let rules = [
            RuleDefinition(name: "fine", sql: "SELECT * FROM 'a'", actions: []),
            RuleDefinition(
                name: "errors_to_triage", sql: "SELECT *\nFROM 'aircon/errors'\nWHERE code = = 3", actions: []),
        ]
        let error = try #require(Self.configurationError { _ = try RuleEngine(rules) })
        #expect(error.code == .invalidSQL)
        #expect(error.rule == "errors_to_triage")
        #expect(error.index == 1)
        #expect(error.syntaxError?.line == 3 && error.syntaxError?.column == 14)
        #expect(
            error.description == "rule 'errors_to_triage': sql: line 3, column 14: expected an expression, found '='")
    }

    @Test func templatesMayOnlyReadDefinedVariables() throws {
        let action = try RuleAction(json: ["republish": ["topic": "sites/${@site}"]])
        let good = RuleDefinition(name: "r", sql: "SET @site = topic(2) SELECT * FROM 'a/+'", actions: [action])
        _ = try RuleEngine([good])
        let bad = RuleDefinition(name: "r", sql: "SELECT * FROM 'a/+'", actions: [], errorAction: action)
        #expect(
            throws: RuleConfigurationError(
                code: .undefinedVariable, rule: "r", index: 0, key: "error_action.republish",
                message: "@site is not defined by the rule's SET clause")
        ) { try RuleEngine([bad]) }
    }

    @Test func engineRefusesWhatTheDecoderWould() throws {
        #expect(
            throws: RuleConfigurationError(
                code: .duplicateName, rule: "a", index: 1, key: "name", message: "another rule has this name")
        ) {
            try RuleEngine([
                RuleDefinition(name: "a", sql: "SELECT * FROM 'x'", actions: []),
                RuleDefinition(name: "a", sql: "SELECT * FROM 'y'", actions: []),
            ])
        }
        #expect(throws: RuleConfigurationError.self) {
            try RuleEngine([RuleDefinition(name: "a b", sql: "SELECT * FROM 'x'", actions: [])])
        }
        let tooMany = RuleDefinition(
            name: "a", sql: "SELECT * FROM 'x'", actions: Array(repeating: .errorEvent, count: 11))
        #expect(throws: RuleConfigurationError.self) { try RuleEngine([tooMany]) }
    }

    @Test func defaultRulesReproduceTheReference() throws {
        let engine = try RuleEngine(RuleDefinition.defaults)
        #expect(engine.rules.map(\.name) == ["errors_to_triage", "telemetry_to_store", "faults_cleared"])

        let error = #"{"device_id": "ac-1", "error_code": "E42"}"#
        let errorMatches = engine.evaluate(
            topic: "aircon/errors", payload: Array(error.utf8), clientID: "ac-1", timestamp: 5)
        #expect(errorMatches.map(\.rule.name) == ["errors_to_triage"])
        #expect(errorMatches.first?.actions == [.errorEvent])
        #expect(try errorMatches.first?.result.get().payload == .json(RuleFixture.json(error)))

        let telemetry = #"{"device_id": "ac-1", "temperature": 21.5}"#
        let telemetryMatches = engine.evaluate(
            topic: "aircon/telemetry", payload: Array(telemetry.utf8), clientID: "ac-1", timestamp: 5)
        #expect(telemetryMatches.map(\.rule.name) == ["telemetry_to_store"])
        #expect(telemetryMatches.first?.actions == [.storeTelemetry])
        #expect(try telemetryMatches.first?.result.get().payload == .json(RuleFixture.json(telemetry)))

        let cleared = #"{"device_name": "ac-1", "error_code": "None"}"#
        let clearedMatches = engine.evaluate(
            topic: "aircon/telemetry", payload: Array(cleared.utf8), clientID: "ac-1", timestamp: 5)
        #expect(clearedMatches.map(\.rule.name) == ["telemetry_to_store", "faults_cleared"])
        #expect(clearedMatches.last?.actions == [.handler(name: "fault_cleared")])

        #expect(engine.evaluate(topic: "aircon/other", payload: [], clientID: nil, timestamp: 5).isEmpty)
        #expect(engine.evaluate(topic: "aircon/errors/x", payload: [], clientID: nil, timestamp: 5).isEmpty)
    }
}
