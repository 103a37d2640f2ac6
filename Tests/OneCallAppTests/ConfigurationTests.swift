import Foundation
import OneCallApp
import OneCallBroker
import OneCallCore
import Testing

@Suite struct ConfigurationTests {
    func write(_ text: String) throws -> String {
        let dir = try TestEnvironment.temporaryDirectory()
        let path = dir.appendingPathComponent("onecall.json").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func everyKeyHasADefault() throws {
        let configuration = try OneCallConfiguration.load(file: nil, environment: [:])
        #expect(configuration.mqtt.port == 1883)
        #expect(configuration.mqtt.host == "127.0.0.1")
        #expect(configuration.http.port == 8080)
        let security = try configuration.validatedSecurity()
        #expect(security.allowAnonymous)
    }

    @Test func fileThenEnvironment() throws {
        let path = try write(#"{"mqtt": {"port": 1999, "max_queued_messages": 5}, "http": {"port": 0}}"#)
        let configuration = try OneCallConfiguration.load(file: path, environment: ["MQTT_PORT": "2999"])
        #expect(configuration.mqtt.port == 2999)
        #expect(configuration.broker.maximumQueuedMessages == 5)
        #expect(configuration.http.port == 0)
    }

    @Test func unknownKeysAndBadValuesNameTheKey() throws {
        #expect(throws: ConfigurationError(key: "mqtt.prot", reason: "unknown key")) {
            try OneCallConfiguration.load(file: try write(#"{"mqtt": {"prot": 1}}"#), environment: [:])
        }
        #expect(throws: ConfigurationError(key: "mqtt.port", reason: "70000 is outside 0...65535")) {
            try OneCallConfiguration.load(file: try write(#"{"mqtt": {"port": 70000}}"#), environment: [:])
        }
        #expect(throws: ConfigurationError(key: "mqtt.retain_available", reason: "expected true or false")) {
            try OneCallConfiguration.load(
                file: try write(#"{"mqtt": {"retain_available": "maybe"}}"#), environment: [:])
        }
        #expect(throws: ConfigurationError(key: "http.port", reason: "expected an integer")) {
            try OneCallConfiguration.load(file: nil, environment: ["HTTP_PORT": "eighty"])
        }
        let notJSON = try write("{mqtt")
        #expect(
            throws: ConfigurationError(key: notJSON, reason: "invalid JSON at byte 1: expected a member name in quotes")
        ) {
            try OneCallConfiguration.load(file: notJSON, environment: [:])
        }
        #expect(throws: ConfigurationError.self) {
            try OneCallConfiguration.load(file: try write(#"{"rules": 5}"#), environment: [:]).validatedRules()
        }
        let badSQL = try write(
            #"{"rules": [{"name": "r1", "sql": "SELECT * FROM 'a'"}, {"name": "r2", "sql": "SELECT * FROM\n  'a' WHERE", "actions": []}]}"#
        )
        do {
            _ = try OneCallConfiguration.load(file: badSQL, environment: [:]).validatedRules()
            Issue.record("a rule with a syntax error must stop the server")
        } catch {
            #expect(error.key == "rules")
            #expect(error.reason.contains("r2"), "\(error.reason)")
            #expect(error.reason.contains("line 2"), "\(error.reason)")
        }
        #expect(throws: ConfigurationError(key: "telemetry.device_id_fields", reason: "expected an array of strings")) {
            try OneCallConfiguration.load(
                file: try write(#"{"telemetry": {"device_id_fields": [1]}}"#), environment: [:])
        }
        let exposed = try OneCallConfiguration.load(file: nil, environment: ["HTTP_HOST": "0.0.0.0"])
        #expect(throws: ConfigurationError.self) { try exposed.validatedSecurity() }
        let guarded = try OneCallConfiguration.load(
            file: nil, environment: ["HTTP_HOST": "0.0.0.0", "HTTP_API_TOKEN": "0123456789abcdef0123"])
        #expect(throws: Never.self) { try guarded.validatedSecurity() }
        let fields = try OneCallConfiguration.load(file: nil, environment: ["TELEMETRY_DEVICE_ID_FIELDS": "serial, id"])
        #expect(fields.telemetry.deviceIDFields == ["serial", "id"])
    }

    @Test func listeningBeyondLoopbackNeedsAuthentication() throws {
        var configuration = OneCallConfiguration()
        try configuration.set("mqtt.host", .string("0.0.0.0"))
        #expect(throws: ConfigurationError.self) { try configuration.validatedSecurity() }
        let dir = try TestEnvironment.temporaryDirectory()
        let passwd = dir.appendingPathComponent("passwd").path
        try (try PasswordFile.line(username: "u", password: "p", iterations: 100)).write(
            toFile: passwd, atomically: true, encoding: .utf8)
        try configuration.set("mqtt.password_file", .string(passwd))
        let security = try configuration.validatedSecurity()
        #expect(!security.allowAnonymous)
    }

    @Test func workflowSettingsAreCheckedNamingTheKey() throws {
        func failure(_ settings: [String: JSONValue]) -> String? {
            var configuration = OneCallConfiguration()
            do {
                for (key, value) in settings { try configuration.set(key, value) }
                _ = try configuration.workflow.validated()
                return nil
            } catch {
                return error.key
            }
        }
        #expect(
            failure(["smtp.host": "mail", "smtp.to": "ops@example.com", "smtp.security": "ssl"]) == "smtp.security")
        #expect(failure(["smtp.host": "mail"]) == "smtp.to")
        #expect(failure(["smtp.host": "mail", "smtp.to": "not an address"]) == "smtp")
        #expect(failure(["smtp.port": 0]) == "smtp.port")
        #expect(failure(["agent.planner": "oracle"]) == "agent.planner")
        #expect(failure(["agent.planner": "llm"]) == "llm.base_url")
        #expect(failure(["agent.planner": "llm", "llm.base_url": "ftp://x", "llm.model": "m"]) == "llm")
        #expect(failure(["agent.clear_fault.topic": "commands/all"]) == "agent.clear_fault.topic")
        #expect(failure(["agent.clear_fault.payload": "[1]"]) == "agent.clear_fault.payload")
        #expect(failure(["agent.clear_fault.desired": "3"]) == "agent.clear_fault.desired")
        #expect(
            failure(["knowledge.vocabulary": #"{"call_operator": "ring"}"#]) == "knowledge.vocabulary.call_operator")
        #expect(failure(["knowledge.vocabulary": #"{"teleport": ["beam me up"]}"#]) == "knowledge.vocabulary")
        #expect(failure(["agent.retry_delay": 10, "agent.max_retry_delay": 1]) == "agent.max_retry_delay")
        #expect(
            failure([
                "smtp.host": "mail", "smtp.to": "ops@example.com", "agent.planner": "llm",
                "llm.base_url": "http://127.0.0.1:1/v1", "llm.model": "m",
                "knowledge.vocabulary": #"{"call_operator": ["ring the caretaker"]}"#,
                "agent.clear_fault.desired": "null",
            ]) == nil)
        // From the environment, as swift-configuration maps keys.
        let configuration = try OneCallConfiguration.load(
            file: nil, environment: ["SMTP_HOST": "mail.example.com", "SMTP_PORT": "2525", "SMTP_TO": "a@b.c, d@e.f"])
        #expect(configuration.workflow.smtpHost == "mail.example.com")
        #expect(configuration.workflow.smtpPort == 2525)
        #expect(configuration.workflow.smtpTo == ["a@b.c", "d@e.f"])
        #expect(try configuration.workflow.validated().smtp?.port == 2525)
    }

    @Test func badAclFileFailsWithItsLine() throws {
        let dir = try TestEnvironment.temporaryDirectory()
        let acl = dir.appendingPathComponent("acl").path
        try "topic read a\nuser\n".write(toFile: acl, atomically: true, encoding: .utf8)
        var configuration = OneCallConfiguration()
        try configuration.set("mqtt.acl_file", .string(acl))
        #expect(throws: ConfigurationError(key: "acl", reason: "line 2: 'user' needs a name")) {
            try configuration.validatedSecurity()
        }
    }
}
