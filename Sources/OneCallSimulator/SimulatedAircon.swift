import OneCallCore
import OneCallMQTT

/// One simulated device's protocol logic, as a value: events in (connected, reading due, message
/// received, message published), messages out. No clock and no socket: the driver decides when.
///
/// - Telemetry: ``takeReading()`` advances the model by the interval (not before the first
///   reading) and returns the reading for `aircon/telemetry`.
/// - Errors: `{"device_name", "error_code", "timestamp"}` on `aircon/errors` once each time the
///   error code changes to a code (`None` → `E1`, and `E1` → `E3`, but not `E1` → `E1`).
/// - Shadow: on every (re)connection, the reported state (``AirconModel/reportedState``) and a
///   `get` request; afterwards a new reported state whenever one of its values changes. A delta,
///   or the `delta` of `get/accepted`, is applied key by key; each key the device acted on —
///   applied or refused for a bad value — is reported back with `desired` set to `null`, so that
///   desired state is a one-shot request and never fights a later command. Unknown keys are left
///   alone (and counted as refused). Deltas older than one already seen (by `version`) are ignored.
/// - Commands on `aircon/commands/{device}` are applied to the model; `disconnect` is returned to
///   the driver in ``Reaction/disconnect``.
public struct SimulatedAircon: Sendable {
    /// What the device does in answer to a received message.
    public struct Reaction: Sendable {
        /// Messages to publish.
        public var messages: [SimulatorMessage] = []
        /// Whether the device should drop its connection (the `disconnect` command).
        public var disconnect = false
        /// Commands or keys refused, with the reason.
        public var rejections: [AirconCommandError] = []
    }

    /// The largest shadow document accepted: 8 KiB, as AWS IoT allows.
    public static let shadowParseLimits = JSONParseLimits(maximumBytes: 8192, maximumDepth: 16)

    /// The device name: client identifier, topic level and `device_name`.
    public let name: String
    /// The simulated unit.
    public private(set) var model: AirconModel
    /// The counts so far.
    public private(set) var statistics = SimulatorStatistics()
    /// The reported state last handed out for publishing.
    public private(set) var lastReportedState: JSONObject?
    /// The reported state of the last shadow update that was published (acknowledged at QoS 1):
    /// what the shadow's `reported` section should hold.
    public private(set) var acknowledgedReportedState: JSONObject?
    /// The simulated time of the last reading (of the start before the first), in epoch seconds.
    public var time: Double { startTime + Double(max(0, statistics.readingsTaken - 1)) * interval }

    private let startTime: Double
    private let interval: Double
    private let topics: SimulatorTopics
    private let telemetryQoS: MQTTQoS
    private let usesShadow: Bool
    private var rng: SeededRandomNumberGenerator
    private var lastErrorCode: AirconErrorCode
    private var lastShadowVersion: Int64?

    /// Creates a device around a model; `rng` drives the model from here on.
    public init(
        model: AirconModel, rng: SeededRandomNumberGenerator, startTime: Double, interval: Double,
        topics: SimulatorTopics = SimulatorTopics(), telemetryQoS: MQTTQoS = .atLeastOnce, usesShadow: Bool = true
    ) {
        self.name = model.deviceName
        self.model = model
        self.rng = rng
        self.startTime = startTime
        self.interval = interval
        self.topics = topics
        self.telemetryQoS = telemetryQoS
        self.usesShadow = usesShadow
        self.lastErrorCode = model.errorCode
    }

    /// Creates device `index` (from 1) of a fleet: its own generator, derived from the fleet's seed,
    /// and a random starting state.
    public init(
        name: String, index: Int, seed: UInt64, startTime: Double, interval: Double,
        topics: SimulatorTopics = SimulatorTopics(), telemetryQoS: MQTTQoS = .atLeastOnce, usesShadow: Bool = true
    ) {
        var seeder = SeededRandomNumberGenerator(
            seed: seed ^ (UInt64(truncatingIfNeeded: index) &* 0xD1B5_4A32_D192_ED03))
        var rng = SeededRandomNumberGenerator(seed: seeder.next())
        let model = AirconModel.random(deviceName: name, rng: &rng)
        self.init(
            model: model, rng: rng, startTime: startTime, interval: interval, topics: topics,
            telemetryQoS: telemetryQoS, usesShadow: usesShadow)
    }

    /// The topic filters to subscribe to: the command topic and, with shadows, `update/delta`,
    /// `update/rejected`, `get/accepted` and `get/rejected`.
    public var subscriptions: [String] {
        var filters = [topics.commands(for: name)]
        if usesShadow {
            filters += ["update/delta", "update/rejected", "get/accepted", "get/rejected"].map {
                topics.shadow(for: name, $0)
            }
        }
        return filters
    }

    // MARK: Events

    /// The device is connected (the first time or again): it reports its state and asks for its
    /// shadow, whose `delta` it will apply.
    public mutating func connected() -> [SimulatorMessage] {
        guard usesShadow else { return [] }
        let reported = model.reportedState
        lastReportedState = reported
        return [
            shadowUpdate(reported: reported, clearing: []),
            SimulatorMessage(
                kind: .shadowGet, topic: topics.shadow(for: name, "get"), payload: Array("{}".utf8), qos: .atLeastOnce),
        ]
    }

    /// The next reading is due: advance the model by the interval (except before the first
    /// reading) and return the reading, plus an error message or shadow update if they changed.
    public mutating func takeReading() -> [SimulatorMessage] {
        if statistics.readingsTaken > 0 { model.advance(by: interval, rng: &rng) }
        statistics.readingsTaken += 1
        let record = SimulatorRecord(
            deviceName: name, sequence: statistics.readingsTaken - 1, timestamp: time,
            reading: model.reading(at: time), wattageMode: model.wattageMode)
        var messages = [
            SimulatorMessage(
                kind: .telemetry(record), topic: topics.telemetry, payload: record.reading.jsonBytes, qos: telemetryQoS)
        ]
        messages += reconcile(clearing: [])
        return messages
    }

    /// A message arrived on one of the ``subscriptions``.
    public mutating func receive(topic: String, payload: some Collection<UInt8>) -> Reaction {
        if topic == topics.commands(for: name) {
            return receiveCommand(payload)
        }
        guard usesShadow else { return Reaction() }
        switch topic {
        case topics.shadow(for: name, "update/delta"):
            guard let document = shadowDocument(payload), isFresh(document) else { return Reaction() }
            return applyDesired(document["state"]?.objectValue ?? [:])
        case topics.shadow(for: name, "get/accepted"):
            guard let document = shadowDocument(payload), isFresh(document) else { return Reaction() }
            return applyDesired(document["state"]?["delta"]?.objectValue ?? [:])
        case topics.shadow(for: name, "get/rejected"):
            // 404: no shadow yet, which is normal on a first start.
            if shadowDocument(payload)?["code"]?.intValue != 404 { statistics.shadowRejections += 1 }
            return Reaction()
        case topics.shadow(for: name, "update/rejected"):
            statistics.shadowRejections += 1
            return Reaction()
        default:
            return Reaction()
        }
    }

    /// A message was published (acknowledged at QoS 1 and 2): count it, and remember a shadow
    /// update's reported state.
    public mutating func published(_ message: SimulatorMessage) {
        switch message.kind {
        case .telemetry: statistics.readingsPublished += 1
        case .error: statistics.errorsPublished += 1
        case .shadowUpdate(let reported):
            statistics.shadowUpdatesPublished += 1
            acknowledgedReportedState = reported
        case .shadowGet: break
        }
    }

    /// A message could not be published.
    public mutating func failedToPublish(_ message: SimulatorMessage) {
        statistics.publishFailures += 1
    }

    /// A message was dropped because the offline queue was full.
    public mutating func dropped(_ message: SimulatorMessage) {
        statistics.messagesDropped += 1
    }

    // MARK: Internals

    private mutating func receiveCommand(_ payload: some Collection<UInt8>) -> Reaction {
        let command: AirconCommand
        do {
            command = try AirconCommand(parsing: payload)
        } catch {
            statistics.commandsRejected += 1
            return Reaction(rejections: [error])
        }
        statistics.commandsApplied += 1
        if command == .disconnect {
            statistics.disconnects += 1
            return Reaction(disconnect: true)
        }
        model.apply(command, rng: &rng)
        return Reaction(messages: reconcile(clearing: []))
    }

    private mutating func applyDesired(_ desired: JSONObject) -> Reaction {
        var reaction = Reaction()
        var handled: [String] = []
        for member in desired where !member.value.isNull {
            do {
                let command = try AirconCommand(desiredKey: member.key, value: member.value)
                model.apply(command, rng: &rng)
                statistics.commandsApplied += 1
                handled.append(member.key)
            } catch {
                statistics.commandsRejected += 1
                reaction.rejections.append(error)
                if error.code != .unknownSetting { handled.append(member.key) }
            }
        }
        reaction.messages = reconcile(clearing: handled)
        return reaction
    }

    /// The error message and shadow update that the model's changes call for.
    private mutating func reconcile(clearing desiredKeys: [String]) -> [SimulatorMessage] {
        var messages: [SimulatorMessage] = []
        if model.errorCode != lastErrorCode {
            lastErrorCode = model.errorCode
            if model.errorCode != .none {
                let body: JSONValue = [
                    "device_name": .string(name), "error_code": .string(model.errorCode.rawValue),
                    "timestamp": .double(time),
                ]
                messages.append(
                    SimulatorMessage(
                        kind: .error(model.errorCode), topic: topics.errors, payload: body.jsonBytes,
                        qos: .atLeastOnce))
            }
        }
        guard usesShadow else { return messages }
        let reported = model.reportedState
        if reported != lastReportedState || !desiredKeys.isEmpty {
            lastReportedState = reported
            messages.append(shadowUpdate(reported: reported, clearing: desiredKeys))
        }
        return messages
    }

    private func shadowUpdate(reported: JSONObject, clearing desiredKeys: [String]) -> SimulatorMessage {
        var state: JSONObject = ["reported": .object(reported)]
        if !desiredKeys.isEmpty {
            state["desired"] = .object(JSONObject(desiredKeys.map { JSONObject.Member(key: $0, value: .null) }))
        }
        let document: JSONValue = ["state": .object(state)]
        return SimulatorMessage(
            kind: .shadowUpdate(reported: reported), topic: topics.shadow(for: name, "update"),
            payload: document.jsonBytes, qos: .atLeastOnce)
    }

    private mutating func shadowDocument(_ payload: some Collection<UInt8>) -> JSONObject? {
        guard let value = try? JSONValue(parsing: payload, limits: Self.shadowParseLimits),
            let object = value.objectValue
        else {
            statistics.commandsRejected += 1
            return nil
        }
        return object
    }

    /// Whether a shadow document is newer than the last one seen; remembers its version.
    private mutating func isFresh(_ document: JSONObject) -> Bool {
        guard let version = document["version"]?.intValue else { return true }
        if let last = lastShadowVersion, version <= last { return false }
        lastShadowVersion = version
        return true
    }
}
