import OneCallCore

/// A rule as configured: a name, an AWS IoT SQL statement, the actions that receive its output and the
/// action that receives its failures.
///
/// ```json
/// {"name": "errors_to_triage", "sql": "SELECT * FROM 'aircon/errors'",
///  "actions": [{"error_event": {}}], "error_action": {"republish": {"topic": "rules/errors"}},
///  "enabled": true, "description": "…", "sql_version": "2016-03-23"}
/// ```
/// `name` and `sql` are required; `actions` defaults to none, `enabled` to true. The SQL is compiled,
/// and checked, by ``RuleEngine``.
public struct RuleDefinition: Sendable, Hashable {
    /// The most actions a rule may have (AWS's limit).
    public static let maximumActions = 10

    /// The rule's name: 1 to 128 of `A-Z a-z 0-9 _`, as AWS requires.
    public var name: String
    /// The SQL statement.
    public var sql: String
    /// What runs with the output, in order.
    public var actions: [RuleAction]
    /// What runs when the rule fails for a message.
    public var errorAction: RuleAction?
    /// Whether the rule runs; a disabled rule is compiled and checked but matches nothing.
    public var enabled: Bool
    /// A note for people.
    public var description: String?

    /// Creates a rule definition.
    public init(
        name: String, sql: String, actions: [RuleAction], errorAction: RuleAction? = nil, enabled: Bool = true,
        description: String? = nil
    ) {
        self.name = name
        self.sql = sql
        self.actions = actions
        self.errorAction = errorAction
        self.enabled = enabled
        self.description = description
    }

    /// The rules OneCall runs when none are configured, reproducing the reference system: errors from
    /// air conditioners go to triage, and their telemetry is stored.
    public static let defaults: [RuleDefinition] = [
        RuleDefinition(
            name: "errors_to_triage", sql: "SELECT * FROM 'aircon/errors'", actions: [.errorEvent],
            description: "Air conditioner errors become error events for triage."),
        RuleDefinition(
            name: "telemetry_to_store", sql: "SELECT * FROM 'aircon/telemetry'", actions: [.storeTelemetry],
            description: "Air conditioner telemetry is stored."),
        RuleDefinition(
            name: "faults_cleared", sql: "SELECT * FROM 'aircon/telemetry' WHERE error_code = 'None'",
            actions: [.handler(name: "fault_cleared")],
            description: "Readings that report no error confirm a fault that OneCall asked the device to clear."),
    ]

    /// Whether `name` is a valid rule name.
    public static func isValidName(_ name: String) -> Bool {
        guard !name.isEmpty, name.utf8.count <= 128 else { return false }
        return name.utf8.allSatisfy { RuleLexer.isNameStart($0) || RuleLexer.isDigit($0) }
    }

    /// Reads a rule from configuration.
    public init(json: JSONValue) throws(RuleConfigurationError) {
        guard case .object(let object) = json else {
            throw RuleConfigurationError(code: .invalidValue, message: "a rule is a JSON object")
        }
        let name = try Self.string(object, "name", rule: nil)
        guard Self.isValidName(name) else {
            throw RuleConfigurationError(
                code: .invalidName, key: "name", message: "'\(name.prefix(140))' is not 1 to 128 of A-Z a-z 0-9 _")
        }
        do throws(RuleConfigurationError) {
            let allowed: Set<String> = [
                "name", "sql", "actions", "error_action", "enabled", "description", "sql_version",
            ]
            for key in object.keys where !allowed.contains(key) {
                throw RuleConfigurationError(code: .unknownKey, key: key, message: "unknown key")
            }
            let sql = try Self.string(object, "sql", rule: name)
            if let version = object["sql_version"] {
                guard case .string(let text) = version, text == RuleStatement.sqlVersion else {
                    throw RuleConfigurationError(
                        code: .unsupportedSQLVersion, key: "sql_version",
                        message: "only \(RuleStatement.sqlVersion) is supported")
                }
            }
            var actions: [RuleAction] = []
            if let list = object["actions"] {
                guard case .array(let elements) = list else {
                    throw RuleConfigurationError(code: .invalidValue, key: "actions", message: "expected an array")
                }
                guard elements.count <= Self.maximumActions else {
                    throw RuleConfigurationError(
                        code: .invalidValue, key: "actions",
                        message: "\(elements.count) actions; a rule has at most \(Self.maximumActions)")
                }
                for (index, element) in elements.enumerated() {
                    actions.append(try RuleAction(json: element, key: "actions[\(index)]"))
                }
            }
            var errorAction: RuleAction?
            if let value = object["error_action"], !value.isNull {
                errorAction = try RuleAction(json: value, key: "error_action")
            }
            var enabled = true
            if let value = object["enabled"] {
                guard case .bool(let flag) = value else {
                    throw RuleConfigurationError(code: .invalidValue, key: "enabled", message: "expected true or false")
                }
                enabled = flag
            }
            var description: String?
            if let value = object["description"], !value.isNull {
                guard case .string(let text) = value else {
                    throw RuleConfigurationError(code: .invalidValue, key: "description", message: "expected a string")
                }
                description = text
            }
            self.init(
                name: name, sql: sql, actions: actions, errorAction: errorAction, enabled: enabled,
                description: description)
        } catch {
            throw error.attributed(rule: name, index: nil)
        }
    }

    /// Reads a list of rules (a JSON array), refusing duplicate names; errors name the rule's position.
    public static func list(json: JSONValue) throws(RuleConfigurationError) -> [RuleDefinition] {
        guard case .array(let elements) = json else {
            throw RuleConfigurationError(code: .invalidValue, message: "rules are a JSON array of rule objects")
        }
        var rules: [RuleDefinition] = []
        var names: Set<String> = []
        for (index, element) in elements.enumerated() {
            let rule: RuleDefinition
            do throws(RuleConfigurationError) {
                rule = try RuleDefinition(json: element)
            } catch {
                throw error.attributed(rule: nil, index: index)
            }
            guard names.insert(rule.name).inserted else {
                throw RuleConfigurationError(
                    code: .duplicateName, rule: rule.name, index: index, key: "name",
                    message: "another rule has this name")
            }
            rules.append(rule)
        }
        return rules
    }

    private static func string(_ object: JSONObject, _ key: String, rule: String?) throws(RuleConfigurationError)
        -> String
    {
        guard let value = object[key] else {
            throw RuleConfigurationError(code: .missingKey, rule: rule, key: key, message: "required")
        }
        guard case .string(let text) = value else {
            throw RuleConfigurationError(code: .invalidValue, rule: rule, key: key, message: "expected a string")
        }
        return text
    }

    /// The rule as configuration.
    public var json: JSONValue {
        var object: JSONObject = ["name": .string(name), "sql": .string(sql), "actions": .array(actions.map(\.json))]
        if let errorAction { object["error_action"] = errorAction.json }
        object["enabled"] = .bool(enabled)
        if let description { object["description"] = .string(description) }
        return .object(object)
    }
}
