import OneCallCore

/// What a rule does with its output. The app carries actions out; this module only describes them.
///
/// In configuration an action is an object with one key naming its kind:
/// `{"republish": {"topic": "alerts/${topic(2)}", "qos": 1}}`, `{"store_telemetry": {}}`,
/// `{"error_event": {}}`, `{"handler": {"name": "triage"}}`.
public enum RuleAction: Sendable, Hashable {
    /// Publishes the output to a topic (a substitution template) with QoS 0 or 1, as AWS's republish.
    case republish(topic: SubstitutionTemplate, qos: Int)
    /// Stores the output as a telemetry reading.
    case storeTelemetry
    /// Raises an error event from the output, for triage.
    case errorEvent
    /// Passes the output to a handler registered in OneCall under `name`.
    case handler(name: String)

    /// The configuration key of each kind of action.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case republish
        case storeTelemetry = "store_telemetry"
        case errorEvent = "error_event"
        case handler
    }

    /// The kind of this action.
    public var kind: Kind {
        switch self {
        case .republish: .republish
        case .storeTelemetry: .storeTelemetry
        case .errorEvent: .errorEvent
        case .handler: .handler
        }
    }

    /// The templates the action renders (the republish topic).
    public var templates: [SubstitutionTemplate] {
        if case .republish(let topic, _) = self { return [topic] }
        return []
    }

    /// Reads an action from configuration.
    public init(json: JSONValue) throws(RuleConfigurationError) {
        try self.init(json: json, key: "action")
    }

    /// Handler names: 1 to 128 of `A-Z a-z 0-9 _ - .`.
    public static func isValidHandlerName(_ name: String) -> Bool {
        guard !name.isEmpty, name.utf8.count <= 128 else { return false }
        return name.utf8.allSatisfy { byte in
            RuleLexer.isNameStart(byte) || RuleLexer.isDigit(byte) || byte == UInt8(ascii: "-")
                || byte == UInt8(ascii: ".")
        }
    }

    init(json: JSONValue, key: String) throws(RuleConfigurationError) {
        guard case .object(let object) = json, object.count == 1, let member = object.members.first else {
            throw RuleConfigurationError(
                code: .invalidValue, key: key,
                message: "an action is an object with one key: \(Kind.allCases.map(\.rawValue).joined(separator: ", "))"
            )
        }
        let path = "\(key).\(member.key)"
        guard let kind = Kind(rawValue: member.key) else {
            throw RuleConfigurationError(
                code: .unknownKey, key: path,
                message: "unknown action; the actions are \(Kind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard case .object(let parameters) = member.value else {
            throw RuleConfigurationError(code: .invalidValue, key: path, message: "expected an object")
        }
        switch kind {
        case .republish:
            try Self.checkKeys(parameters, allowed: ["topic", "qos"], path: path)
            guard let topicValue = parameters["topic"] else {
                throw RuleConfigurationError(code: .missingKey, key: "\(path).topic", message: "required")
            }
            guard case .string(let topicText) = topicValue else {
                throw RuleConfigurationError(code: .invalidValue, key: "\(path).topic", message: "expected a string")
            }
            let topic = try Self.topicTemplate(topicText, path: "\(path).topic")
            var qos = 0
            if let qosValue = parameters["qos"] {
                guard let level = qosValue.intValue, level == 0 || level == 1 else {
                    throw RuleConfigurationError(
                        code: .invalidValue, key: "\(path).qos", message: "\(qosValue) is not 0 or 1")
                }
                qos = Int(level)
            }
            self = .republish(topic: topic, qos: qos)
        case .storeTelemetry:
            try Self.checkKeys(parameters, allowed: [], path: path)
            self = .storeTelemetry
        case .errorEvent:
            try Self.checkKeys(parameters, allowed: [], path: path)
            self = .errorEvent
        case .handler:
            try Self.checkKeys(parameters, allowed: ["name"], path: path)
            guard let nameValue = parameters["name"] else {
                throw RuleConfigurationError(code: .missingKey, key: "\(path).name", message: "required")
            }
            guard case .string(let name) = nameValue, Self.isValidHandlerName(name) else {
                throw RuleConfigurationError(
                    code: .invalidValue, key: "\(path).name",
                    message: "expected 1 to 128 of A-Z a-z 0-9 _ - .")
            }
            self = .handler(name: name)
        }
    }

    private static func checkKeys(_ object: JSONObject, allowed: Set<String>, path: String)
        throws(RuleConfigurationError)
    {
        for key in object.keys where !allowed.contains(key) {
            throw RuleConfigurationError(code: .unknownKey, key: "\(path).\(key)", message: "unknown key")
        }
    }

    /// Parses a republish topic: a template whose literal text has no wildcards, and which, when it has no
    /// substitutions, is a valid topic name.
    private static func topicTemplate(_ text: String, path: String) throws(RuleConfigurationError)
        -> SubstitutionTemplate
    {
        let template: SubstitutionTemplate
        do {
            template = try SubstitutionTemplate(parsing: text)
        } catch {
            throw RuleConfigurationError(
                code: .invalidTemplate, key: path, syntaxError: error, message: error.description)
        }
        for part in template.literalParts where part.contains("+") || part.contains("#") {
            throw RuleConfigurationError(
                code: .invalidTemplate, key: path, message: "a topic to publish to cannot contain '+' or '#'")
        }
        if template.isConstant {
            do {
                try Topic.validateName(text)
            } catch {
                throw RuleConfigurationError(code: .invalidTemplate, key: path, message: error.description)
            }
        }
        return template
    }

    /// The action as configuration.
    public var json: JSONValue {
        switch self {
        case .republish(let topic, let qos):
            ["republish": ["topic": .string(topic.source), "qos": .int(Int64(qos))]]
        case .storeTelemetry: ["store_telemetry": [:]]
        case .errorEvent: ["error_event": [:]]
        case .handler(let name): ["handler": ["name": .string(name)]]
        }
    }
}
