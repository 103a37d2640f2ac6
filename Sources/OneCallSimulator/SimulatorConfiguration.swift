import OneCallMQTT

/// How a fleet of simulated air conditioners runs: how many, how fast, for how long, and against
/// which broker. The defaults are the reference's: four devices `aircon_1`…`aircon_4`, a reading
/// every 30 s, in real time, on the reference topics, telemetry at QoS 1, against 127.0.0.1:1883.
public struct SimulatorConfiguration: Sendable {
    /// The number of devices, from 1 to ``maximumDeviceCount``.
    public var deviceCount: Int
    /// Device `n` (from 1) is named prefix + `n`; names are client identifiers and topic levels.
    public var namePrefix: String
    /// Simulated seconds between two readings of a device.
    public var interval: Double
    /// How much faster than real time the simulation runs: 60 makes an hour a minute.
    public var speedUp: Double
    /// The seed of every device's random numbers; the same seed gives the same readings.
    public var seed: UInt64
    /// The simulated time of the first reading, in epoch seconds; `nil` for the wall clock at
    /// start, in whole seconds.
    public var startTime: Double?
    /// The topics.
    public var topics: SimulatorTopics
    /// The quality of service of telemetry (errors and shadow messages always go at QoS 1).
    public var telemetryQoS: MQTTQoS
    /// Whether devices use the AWS-style shadow topics.
    public var usesShadow: Bool
    /// Stop after this many readings per device; `nil` for no limit.
    public var readingsPerDevice: Int?
    /// Stop after this much simulated time (`duration / interval` readings); `nil` for no limit.
    public var duration: Double?
    /// Simulated seconds a device stays away after a `disconnect` command before it reconnects.
    public var reconnectDelay: Double
    /// Messages a device keeps queued while it cannot publish; newer ones are dropped and counted.
    public var outboxLimit: Int
    /// The broker connection every device copies; its client identifier is replaced by the device
    /// name. Host, port, user name, password, TLS and MQTT version are taken as they are.
    public var mqtt: MQTTClientConfiguration

    /// The largest fleet a configuration may ask for.
    public static let maximumDeviceCount = 10_000
    /// The longest device name (AWS IoT allows 128 characters for a thing name).
    public static let maximumNameLength = 128
    /// The largest speed-up.
    public static let maximumSpeedUp = 1e9

    /// Creates a configuration; every default is usable as it is.
    public init(
        deviceCount: Int = 4, namePrefix: String = "aircon_", interval: Double = 30, speedUp: Double = 1,
        seed: UInt64 = 1, startTime: Double? = nil, topics: SimulatorTopics = SimulatorTopics(),
        telemetryQoS: MQTTQoS = .atLeastOnce, usesShadow: Bool = true, readingsPerDevice: Int? = nil,
        duration: Double? = nil, reconnectDelay: Double = 60, outboxLimit: Int = 1000,
        mqtt: MQTTClientConfiguration = MQTTClientConfiguration(clientIdentifier: "")
    ) {
        self.deviceCount = deviceCount
        self.namePrefix = namePrefix
        self.interval = interval
        self.speedUp = speedUp
        self.seed = seed
        self.startTime = startTime
        self.topics = topics
        self.telemetryQoS = telemetryQoS
        self.usesShadow = usesShadow
        self.readingsPerDevice = readingsPerDevice
        self.duration = duration
        self.reconnectDelay = reconnectDelay
        self.outboxLimit = outboxLimit
        self.mqtt = mqtt
    }

    /// The device names: `aircon_1` … `aircon_N`.
    public var deviceNames: [String] {
        deviceCount > 0 ? (1...deviceCount).map { namePrefix + String($0) } : []
    }

    /// The readings each device takes: the smaller of ``readingsPerDevice`` and
    /// `duration / interval`, or `nil` for no limit.
    public var readingLimit: Int? {
        let byDuration = duration.map { Int(($0 / interval).rounded(.down)) }
        switch (readingsPerDevice, byDuration) {
        case (let count?, let derived?): return min(count, derived)
        case (let count?, nil): return count
        case (nil, let derived?): return derived
        case (nil, nil): return nil
        }
    }

    /// Real time between two readings: `interval / speedUp`.
    public var realInterval: Duration { Self.realDuration(simulatedSeconds: interval, speedUp: speedUp) }

    /// Checks every value and names the first one out of range.
    public func validate() throws(SimulatorError) {
        func fail(_ key: String, _ reason: String) -> SimulatorError {
            SimulatorError(.invalidConfiguration, key: key, reason: reason)
        }
        guard (1...Self.maximumDeviceCount).contains(deviceCount) else {
            throw fail("device_count", "must be from 1 to \(Self.maximumDeviceCount), got \(deviceCount)")
        }
        if let problem = Self.nameProblem(namePrefix + String(deviceCount)) {
            throw fail("name_prefix", problem)
        }
        guard interval.isFinite, interval > 0, interval <= 86_400 else {
            throw fail("interval", "must be more than 0 and at most 86400 seconds, got \(interval)")
        }
        guard speedUp.isFinite, speedUp > 0, speedUp <= Self.maximumSpeedUp else {
            throw fail("speed_up", "must be more than 0 and at most \(Self.maximumSpeedUp), got \(speedUp)")
        }
        if let startTime, !startTime.isFinite || startTime < 0 {
            throw fail("start_time", "must be epoch seconds, got \(startTime)")
        }
        if let readingsPerDevice, readingsPerDevice < 0 {
            throw fail("readings", "must not be negative, got \(readingsPerDevice)")
        }
        if let duration, !duration.isFinite || duration < 0 {
            throw fail("duration", "must be a number of seconds, got \(duration)")
        }
        guard reconnectDelay.isFinite, reconnectDelay >= 0 else {
            throw fail("reconnect_delay", "must be a number of seconds, got \(reconnectDelay)")
        }
        guard (1...1_000_000).contains(outboxLimit) else {
            throw fail("outbox_limit", "must be from 1 to 1000000, got \(outboxLimit)")
        }
        for (key, topic) in [("topics.telemetry", topics.telemetry), ("topics.errors", topics.errors)] {
            guard !topic.isEmpty, !topic.contains(where: { $0 == "+" || $0 == "#" || $0 == "\0" }) else {
                throw fail(key, "must be a topic name without wildcards")
            }
        }
        for (key, prefix) in [
            ("topics.command_prefix", topics.commandPrefix), ("topics.shadow_prefix", topics.shadowPrefix),
        ] {
            guard !prefix.contains(where: { $0 == "+" || $0 == "#" || $0 == "\0" }) else {
                throw fail(key, "must not contain wildcards")
            }
        }
    }

    /// Why a device name cannot be used, or `nil` when it can.
    static func nameProblem(_ name: String) -> String? {
        if name.isEmpty { return "device names must not be empty" }
        if name.count > maximumNameLength { return "device names must be at most \(maximumNameLength) characters" }
        if name.contains(where: { $0 == "/" || $0 == "+" || $0 == "#" || $0 == "\0" }) {
            return "device names must not contain /, +, # or NUL"
        }
        return nil
    }

    static func realDuration(simulatedSeconds: Double, speedUp: Double) -> Duration {
        let nanoseconds = simulatedSeconds / speedUp * 1e9
        guard nanoseconds.isFinite, nanoseconds > 0 else { return .zero }
        return .nanoseconds(Int64(min(nanoseconds, 9e18)))
    }
}
