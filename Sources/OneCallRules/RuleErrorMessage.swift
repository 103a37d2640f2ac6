import OneCallCore

/// The message a rule's error action receives, in AWS IoT's error action format ("Error handling"):
/// one message per rule and incoming message, listing every failure.
public struct RuleErrorMessage: Sendable, Hashable {
    /// One thing that failed.
    public struct Failure: Sendable, Hashable {
        /// What failed: `sql` for the statement, or the action's kind (`republish`, ...).
        public var failedAction: String
        /// The resource the action worked on (a topic, a handler name), if any.
        public var failedResource: String?
        /// Why it failed.
        public var errorMessage: String

        /// Creates a failure.
        public init(failedAction: String, failedResource: String? = nil, errorMessage: String) {
            self.failedAction = failedAction
            self.failedResource = failedResource
            self.errorMessage = errorMessage
        }
    }

    /// The rule that failed.
    public var ruleName: String
    /// The topic of the incoming message.
    public var topic: String
    /// The client that published it, if known.
    public var clientID: String?
    /// The incoming payload, as received.
    public var originalPayload: [UInt8]
    /// What failed.
    public var failures: [Failure]

    /// Creates an error message.
    public init(ruleName: String, topic: String, clientID: String?, originalPayload: [UInt8], failures: [Failure]) {
        self.ruleName = ruleName
        self.topic = topic
        self.clientID = clientID
        self.originalPayload = originalPayload
        self.failures = failures
    }

    /// The error message for a rule whose statement failed for `input`.
    public init(rule: CompiledRule, input: RuleInput, error: RuleEvaluationError) {
        self.init(
            ruleName: rule.name, topic: input.topic, clientID: input.clientID, originalPayload: input.payload.bytes,
            failures: [Failure(failedAction: "sql", errorMessage: error.description)])
    }

    /// The message as JSON: `ruleName`, `topic`, `clientId`, `base64OriginalPayload`, `failures`.
    public var json: JSONValue {
        var object: JSONObject = ["ruleName": .string(ruleName), "topic": .string(topic)]
        if let clientID { object["clientId"] = .string(clientID) }
        object["base64OriginalPayload"] = .string(Base64.encode(originalPayload))
        object["failures"] = .array(
            failures.map { failure in
                var entry: JSONObject = ["failedAction": .string(failure.failedAction)]
                if let resource = failure.failedResource { entry["failedResource"] = .string(resource) }
                entry["errorMessage"] = .string(failure.errorMessage)
                return .object(entry)
            })
        return .object(object)
    }
}
