import OneCallCore
import OneCallRules
import Testing

/// The compiled rule set: which rules a topic triggers, in which order, and what each produced.
@Suite struct RuleEngineTests {
    let engine: RuleEngine

    init() throws {
        engine = try RuleEngine([
            RuleDefinition(name: "all", sql: "SELECT * FROM '#'", actions: [.storeTelemetry]),
            RuleDefinition(name: "exact", sql: "SELECT temp FROM 'aircon/dev1/telemetry'", actions: [.errorEvent]),
            RuleDefinition(
                name: "hot", sql: "SELECT topic(2) AS device, temp FROM 'aircon/+/telemetry' WHERE temp > 30",
                actions: [.handler(name: "triage")], errorAction: .errorEvent),
            RuleDefinition(name: "off", sql: "SELECT * FROM 'aircon/#'", actions: [.errorEvent], enabled: false),
            RuleDefinition(name: "sys", sql: "SELECT * FROM '$SYS/#'", actions: [.storeTelemetry]),
        ])
    }

    @Test(arguments: [
        ("aircon/dev1/telemetry", ["all", "exact", "hot"]),
        ("aircon/dev2/telemetry", ["all", "hot"]),
        ("aircon/dev1/errors", ["all"]),
        ("$SYS/broker/uptime", ["sys"]),
        ("$aws/things/x", []),
    ])
    func matchesInConfigurationOrder(topic: String, names: [String]) {
        #expect(engine.rules(matching: topic).map(\.name) == names)
    }

    @Test func evaluatesEachMatchingRule() throws {
        let payload = Array(#"{"temp": 35.5, "humidity": 40}"#.utf8)
        let matches = engine.evaluate(
            topic: "aircon/dev1/telemetry", payload: payload, clientID: "dev1", timestamp: 1_000)
        #expect(matches.map(\.rule.name) == ["all", "exact", "hot"])
        #expect(try matches[0].result.get().payload == .json(["temp": 35.5, "humidity": 40]))
        #expect(try matches[1].result.get().payload == .json(["temp": 35.5]))
        #expect(try matches[2].result.get().payload == .json(["device": "dev1", "temp": 35.5]))
        #expect(matches[2].actions == [.handler(name: "triage")])
    }

    @Test func whereThatDoesNotHoldLeavesTheRuleOut() {
        let matches = engine.evaluate(
            topic: "aircon/dev2/telemetry", payload: Array(#"{"temp": 20}"#.utf8), clientID: nil, timestamp: 0)
        #expect(matches.map(\.rule.name) == ["all"])
    }

    @Test func failuresGoToTheErrorAction() throws {
        let bytes: [UInt8] = [0xFF, 0xFE]
        let matches = engine.evaluate(topic: "aircon/dev3/telemetry", payload: bytes, clientID: "dev3", timestamp: 0)
        #expect(matches.map(\.rule.name) == ["all", "hot"])
        #expect(try matches[0].result.get().payload == .binary(bytes))
        let failure = matches[1]
        #expect(throws: RuleEvaluationError(code: .payloadNotJSON)) { try failure.result.get() }
        #expect(failure.actions == [.errorEvent])

        // "Error handling (error action)": the message the error action receives.
        let input = RuleInput(topic: "aircon/dev3/telemetry", payloadBytes: bytes, clientID: "dev3", timestamp: 0)
        let message = RuleErrorMessage(
            rule: failure.rule, input: input, error: RuleEvaluationError(code: .payloadNotJSON))
        #expect(
            message.json == [
                "ruleName": "hot", "topic": "aircon/dev3/telemetry", "clientId": "dev3",
                "base64OriginalPayload": "//4=",
                "failures": [
                    [
                        "failedAction": "sql",
                        "errorMessage": "the statement reads JSON fields but the payload is not JSON",
                    ]
                ],
            ])
    }

    @Test func aRuleWithoutErrorActionHasNoActionsOnFailure() throws {
        let engine = try RuleEngine([RuleDefinition(name: "r", sql: "SELECT a FROM 'x'", actions: [.errorEvent])])
        let matches = engine.evaluate(topic: "x", payload: [0x00], clientID: nil, timestamp: 0)
        #expect(matches.count == 1)
        #expect(matches.first?.actions == [])
    }

    @Test func evaluatesAnInputAlreadyRead() throws {
        let input = RuleFixture.input(#"{"temp": 31}"#, topic: "aircon/dev9/telemetry")
        let matches = engine.evaluate(input)
        #expect(matches.map(\.rule.name) == ["all", "hot"])
        #expect(try matches[1].result.get().payload == .json(["device": "dev9", "temp": 31]))
    }

    @Test func payloadsOverTheJSONLimitAreBinary() throws {
        let engine = try RuleEngine(
            [RuleDefinition(name: "r", sql: "SELECT * FROM 'x'", actions: [])],
            payloadLimits: JSONParseLimits(maximumBytes: 4))
        let matches = engine.evaluate(topic: "x", payload: Array(#"{"a":1}"#.utf8), clientID: nil, timestamp: 0)
        #expect(try matches.first?.result.get().payload == .binary(Array(#"{"a":1}"#.utf8)))
    }

    @Test func looksRulesUpByName() {
        #expect(engine.rule(named: "hot")?.statement.topicFilter == "aircon/+/telemetry")
        #expect(engine.rule(named: "off")?.definition.enabled == false)
        #expect(engine.rule(named: "nope") == nil)
    }

    @Test func manyExactRulesAreLookedUpNotScanned() throws {
        let definitions = (0..<2_000).map { index in
            RuleDefinition(name: "r\(index)", sql: "SELECT * FROM 'devices/\(index)/telemetry'", actions: [])
        }
        let engine = try RuleEngine(definitions)
        #expect(engine.rules(matching: "devices/1234/telemetry").map(\.name) == ["r1234"])
        #expect(engine.rules(matching: "devices/x/telemetry").isEmpty)
    }
}
