import Logging
import NIOCore
import OneCallBroker
import OneCallCore
import OneCallRules
import OneCallStorage
import ServiceLifecycle
import Synchronization

/// Runs the rules on what devices publish: one in-process subscription per distinct FROM filter,
/// messages taken in order, each rule evaluated and its actions carried out — republish, store
/// telemetry, raise an error event, or call a named handler — and the rule's error action when
/// evaluation or an action fails.
///
/// Back-pressure runs end to end: the telemetry writer's bounded queue makes this loop wait, the
/// loop's subscription then fills, and the broker pauses the publishers.
final class RulePipeline: Service {
    /// A handler that rules can call by name (`{"handler": {"name": "..."}}`).
    typealias Handler = @Sendable (_ rule: String, _ output: RuleOutput, _ input: RuleInput) async throws -> Void

    /// What the pipeline has done so far.
    struct Statistics: Sendable {
        var messages = 0
        var matches = 0
        var evaluationErrors = 0
        var actionsRun = 0
        var actionFailures = 0
        var readingsAccepted = 0
        var readingsRejected = 0
        var readingsDeadLettered = 0
        var eventsRaised = 0
        var eventsIgnored = 0
    }

    private let broker: Broker
    private let rules: [CompiledRule]
    private let writer: TelemetryBatchWriter
    private let registry: DeviceRegistry
    private let events: EventPipeline
    private let handlers: [String: Handler]
    private let configuration: TelemetryConfiguration
    private let noErrorCodes: Set<String>
    private let clock: @Sendable () -> Double
    private let logger: Logger
    private let subscriptions: [(filter: String, rules: [CompiledRule], subscription: BrokerSubscription)]
    private let counters = Mutex(Statistics())

    /// Builds the pipeline and subscribes at once (before any listener accepts a client). Fails,
    /// naming the rule, when an action calls a handler that does not exist.
    init(
        broker: Broker, rules: [CompiledRule], writer: TelemetryBatchWriter, registry: DeviceRegistry,
        events: EventPipeline, handlers: [String: Handler], configuration: TelemetryConfiguration,
        noErrorCodes: Set<String>, clock: @escaping @Sendable () -> Double, logger: Logger
    ) throws {
        for (index, rule) in rules.enumerated() {
            for action in rule.definition.actions + (rule.definition.errorAction.map { [$0] } ?? []) {
                if case .handler(let name) = action, handlers[name] == nil {
                    throw ConfigurationError(
                        key: "rules[\(index)]",
                        reason: "rule '\(rule.name)' calls the handler '\(name)', which does not exist; handlers: "
                            + handlers.keys.sorted().joined(separator: ", "))
                }
            }
        }
        self.broker = broker
        self.rules = rules
        self.writer = writer
        self.registry = registry
        self.events = events
        self.handlers = handlers
        self.configuration = configuration
        self.noErrorCodes = noErrorCodes
        self.clock = clock
        self.logger = logger
        var byFilter: [(String, [CompiledRule])] = []
        for rule in rules where rule.definition.enabled {
            if let index = byFilter.firstIndex(where: { $0.0 == rule.statement.topicFilter }) {
                byFilter[index].1.append(rule)
            } else {
                byFilter.append((rule.statement.topicFilter, [rule]))
            }
        }
        var subscriptions: [(String, [CompiledRule], BrokerSubscription)] = []
        for (filter, rules) in byFilter {
            // A rule's FROM filter is checked when the rule is compiled.
            subscriptions.append((filter, rules, try broker.subscribe(filter: filter, bufferLimit: 100_000)))
        }
        self.subscriptions = subscriptions
    }

    var statistics: Statistics { counters.withLock { $0 } }

    func run() async throws {
        await withDiscardingTaskGroup { group in
            for entry in subscriptions {
                group.addTask { [self] in
                    for await message in entry.subscription.messages {
                        await process(message, rules: entry.rules)
                    }
                }
            }
            // Returns at graceful shutdown (or cancellation).
            try? await gracefulShutdown()
            // Unsubscribing ends each loop once it has taken what was already routed to it.
            for entry in subscriptions { entry.subscription.cancel() }
        }
    }

    /// Evaluates the rules for one message and carries out their actions, in order.
    func process(_ message: BrokerMessage, rules: [CompiledRule]) async {
        let now = clock()
        let input = RuleInput(
            topic: message.topic, payloadBytes: message.payload.readableBytesView,
            clientID: message.publisherClientIdentifier, timestamp: Int64(now * 1000))
        counters.withLock { $0.messages += 1 }
        let raw = message.payload
        for rule in rules where rule.statement.matches(topic: message.topic) {
            let output: RuleOutput?
            do {
                output = try rule.statement.evaluate(input)
            } catch {
                counters.withLock { $0.evaluationErrors += 1 }
                await runErrorAction(
                    rule, input: input, raw: raw, failedAction: "evaluation", message: error.description)
                continue
            }
            guard let output else { continue }
            counters.withLock { $0.matches += 1 }
            for action in rule.definition.actions {
                do {
                    try await run(
                        action, rule: rule, output: output, input: input, receivedAt: now,
                        raw: raw, passesThrough: rule.statement.passesPayloadThrough)
                    counters.withLock { $0.actionsRun += 1 }
                } catch {
                    counters.withLock { $0.actionFailures += 1 }
                    logger.debug(
                        "rule action failed", metadata: ["rule": "\(rule.name)", "action": "\(action.kind.rawValue)"])
                    await runErrorAction(
                        rule, input: input, raw: raw, failedAction: action.kind.rawValue, message: "\(error)")
                }
            }
        }
    }

    /// Why an action could not be carried out.
    struct ActionFailure: Error, CustomStringConvertible {
        var description: String
    }

    /// Carries out one action. `raw` is the message's payload as it arrived; when `passesThrough`
    /// (`SELECT *`) the output is that payload, stored and republished as it came, without re-encoding.
    private func run(
        _ action: RuleAction, rule: CompiledRule, output: RuleOutput, input: RuleInput, receivedAt: Double,
        raw: ByteBuffer, passesThrough: Bool
    ) async throws {
        switch action {
        case .republish(let template, let qos):
            let topic = template.render(input, variables: output.variables)
            var payload = passesThrough ? raw : ByteBuffer()
            if !passesThrough { payload.writeBytes(output.payload.bytes) }
            do {
                try broker.publish(topic: topic, payload: payload, qos: qos == 1 ? .atLeastOnce : .atMostOnce)
            } catch {
                throw ActionFailure(description: "cannot publish to '\(topic)': \(error)")
            }
        case .storeTelemetry:
            await store(output, input: input, receivedAt: receivedAt, raw: raw, passesThrough: passesThrough)
        case .errorEvent:
            try await raiseEvent(output, input: input, receivedAt: receivedAt)
        case .handler(let name):
            guard let handler = handlers[name] else { throw ActionFailure(description: "no handler '\(name)'") }
            try await handler(rule.name, output, input)
        }
    }

    /// Stores the output as a reading, or as a dead letter with the reason when it cannot be one.
    private func store(
        _ output: RuleOutput, input: RuleInput, receivedAt: Double, raw: ByteBuffer, passesThrough: Bool
    ) async {
        func deadLetter(_ reason: String, rejected: Bool = false) async {
            counters.withLock {
                $0.readingsDeadLettered += 1
                if rejected { $0.readingsRejected += 1 }
            }
            await writer.submit(
                DeadLetter(
                    topic: input.topic, clientID: input.clientID, receivedAt: receivedAt, reason: reason,
                    payload: Array(raw.readableBytesView)))
        }
        guard case .json(let value) = output.payload else {
            return await deadLetter("the payload is not JSON")
        }
        guard case .object(let object) = value else {
            return await deadLetter("the payload is not a JSON object")
        }
        var deviceID: String?
        for field in configuration.deviceIDFields {
            if let text = object[field]?.stringValue, !text.isEmpty {
                deviceID = text
                break
            }
        }
        if deviceID == nil, let client = input.clientID, !client.hasPrefix("$") { deviceID = client }
        guard let deviceID else {
            return await deadLetter(
                "no device id: none of \(configuration.deviceIDFields.joined(separator: ", ")) and no client id")
        }
        let type = input.topic.split(separator: "/").first.map(String.init) ?? "unknown"
        do {
            guard try await registry.admit(deviceID: deviceID, type: type) else {
                return await deadLetter("unknown device '\(deviceID)' (devices.auto_register is off)", rejected: true)
            }
        } catch {
            return await deadLetter("the registry failed: \(error)")
        }
        let timestamp = (try? EventIntake.time(object["timestamp"], field: "timestamp")) ?? nil
        counters.withLock { $0.readingsAccepted += 1 }
        await writer.submit(
            TelemetryRecord(
                deviceID: deviceID, timestamp: timestamp ?? receivedAt, receivedAt: receivedAt, topic: input.topic,
                payload: passesThrough ? Array(raw.readableBytesView) : value.jsonBytes))
    }

    private func raiseEvent(_ output: RuleOutput, input: RuleInput, receivedAt: Double) async throws {
        guard case .json(.object(var object)) = output.payload else {
            counters.withLock { $0.readingsDeadLettered += 1 }
            throw ActionFailure(description: "an error event must be a JSON object")
        }
        if object["device_id"] == nil && object["device_name"] == nil && object["thing_name"] == nil,
            let client = input.clientID, !client.hasPrefix("$")
        {
            object["device_id"] = .string(client)
        }
        let event: ErrorEvent
        do {
            event = try EventIntake.generic(object, source: .mqtt, now: receivedAt, newID: { UUIDText.random() })
        } catch {
            events.count(rejected: 1)
            throw ActionFailure(description: error.description)
        }
        if noErrorCodes.contains(event.errorCode) {
            events.count(ignored: 1)
            counters.withLock { $0.eventsIgnored += 1 }
            return
        }
        try await events.submit([event])
        counters.withLock { $0.eventsRaised += 1 }
    }

    /// Runs the rule's error action with a payload shaped like AWS IoT's error action message.
    private func runErrorAction(
        _ rule: CompiledRule, input: RuleInput, raw: ByteBuffer, failedAction: String, message: String
    ) async {
        guard let errorAction = rule.definition.errorAction else {
            logger.debug("rule failed", metadata: ["rule": "\(rule.name)", "error": "\(message)"])
            return
        }
        let payload: JSONValue = [
            "ruleName": .string(rule.name), "topic": .string(input.topic),
            "clientId": input.clientID.map(JSONValue.string) ?? .null,
            "base64OriginalPayload": .string(Base64.encode(Array(raw.readableBytesView))),
            "failures": [["failedAction": .string(failedAction), "errorMessage": .string(message)]],
        ]
        do {
            try await run(
                errorAction, rule: rule, output: RuleOutput(payload: .json(payload)), input: input,
                receivedAt: clock(), raw: raw, passesThrough: false)
            counters.withLock { $0.actionsRun += 1 }
        } catch {
            counters.withLock { $0.actionFailures += 1 }
            logger.warning("rule error action failed", metadata: ["rule": "\(rule.name)", "error": "\(error)"])
        }
    }
}
