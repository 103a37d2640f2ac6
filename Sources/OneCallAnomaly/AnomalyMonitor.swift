/// Scores every reading of every device as it is stored and watches each device's abnormal share:
/// a reading is abnormal when the trained classifier says so (when one is given) or when the
/// unsupervised detector's score reaches the score threshold; a device whose share over the
/// evaluation period crosses the threshold yields one ``Crossing``. A value with no I/O.
public struct AnomalyMonitor: Sendable {
    /// What decides and how the window is kept.
    public struct Configuration: Sendable, Hashable {
        public var window: AbnormalShareWindow.Configuration
        /// The unsupervised score at or above which a reading is abnormal (without a classifier).
        public var scoreThreshold: Double
        /// The most devices tracked; beyond it the least recently seen are forgotten (and counted).
        public var maximumDevices: Int
        public var detector: DeviceAnomalyDetector.Configuration

        public init(
            window: AbnormalShareWindow.Configuration = .init(), scoreThreshold: Double = 0.7,
            maximumDevices: Int = 100_000, detector: DeviceAnomalyDetector.Configuration = .init()
        ) {
            self.window = window
            self.scoreThreshold = scoreThreshold
            self.maximumDevices = max(1, maximumDevices)
            self.detector = detector
        }
    }

    /// How one reading was judged.
    public struct Observation: Sendable, Hashable {
        public var abnormal: Bool
        /// The classifier's probability of abnormal, when a classifier is used.
        public var probability: Double?
        /// The unsupervised detector's score and explanation.
        public var score: AnomalyScore
        /// Set when this reading took the device's share across the threshold.
        public var crossing: Crossing?
    }

    /// A device's share of abnormal readings reached the threshold.
    public struct Crossing: Sendable, Hashable {
        public var deviceID: String
        /// When the first abnormal reading still in the window was taken.
        public var start: Double
        /// When the crossing reading was taken.
        public var end: Double
        public var share: Double
        public var readings: Int
        public var abnormalReadings: Int
        /// The strongest explanation the detector gave during the window, if any.
        public var explanation: String
    }

    /// A device's current standing.
    public struct DeviceState: Sendable, Hashable {
        public var deviceID: String
        public var readings: Int
        public var abnormalReadings: Int
        public var share: Double
        public var isAbove: Bool
        public var lastScore: AnomalyScore
        public var lastSeen: Double
    }

    private struct Device: Sendable {
        var window: AbnormalShareWindow
        var detector: DeviceAnomalyDetector
        var lastScore = AnomalyScore.zero
        var strongest = AnomalyScore.zero
        var strongestAt = -Double.infinity
        var lastSeen: Double
        var order: UInt64
    }

    public let configuration: Configuration
    public let classifier: AnomalyClassifier?
    private var devices: [String: Device] = [:]
    private var clock: UInt64 = 0
    /// Readings judged so far.
    public private(set) var readings = 0
    /// Readings judged abnormal so far.
    public private(set) var abnormalReadings = 0
    /// Crossings so far.
    public private(set) var crossings = 0
    /// Devices forgotten to stay within ``Configuration/maximumDevices``.
    public private(set) var evictedDevices = 0

    public init(configuration: Configuration = .init(), classifier: AnomalyClassifier? = nil) {
        self.configuration = configuration
        self.classifier = classifier
    }

    /// The number of devices tracked.
    public var deviceCount: Int { devices.count }

    /// Judges one reading of a device.
    public mutating func observe(deviceID: String, reading: TelemetryReading) -> Observation {
        clock += 1
        if devices[deviceID] == nil {
            if devices.count >= configuration.maximumDevices { evictOldest() }
            devices[deviceID] = Device(
                window: AbnormalShareWindow(configuration: configuration.window),
                detector: DeviceAnomalyDetector(configuration: configuration.detector), lastSeen: reading.timestamp,
                order: clock)
        }
        var device = devices.removeValue(forKey: deviceID)!
        let score = device.detector.update(reading)
        var probability: Double?
        let abnormal: Bool
        if let classifier {
            let result = classifier.classify(reading)
            probability = result.probability
            abnormal = result.abnormal
        } else {
            abnormal = score.value >= configuration.scoreThreshold
        }
        device.lastScore = score
        device.lastSeen = max(device.lastSeen, reading.timestamp)
        device.order = clock
        let windowStart = reading.timestamp - configuration.window.period
        if score.value > 0, !score.explanation.isEmpty,
            score.value >= device.strongest.value || device.strongestAt < windowStart
        {
            device.strongest = score
            device.strongestAt = reading.timestamp
        }
        readings += 1
        if abnormal { abnormalReadings += 1 }
        var crossing: Crossing?
        if case .crossed(let start, let end) = device.window.add(timestamp: reading.timestamp, abnormal: abnormal) {
            crossings += 1
            crossing = Crossing(
                deviceID: deviceID, start: start, end: end, share: device.window.share,
                readings: device.window.readings, abnormalReadings: device.window.abnormalReadings,
                explanation: device.strongestAt >= windowStart ? device.strongest.explanation : "")
        }
        devices[deviceID] = device
        return Observation(abnormal: abnormal, probability: probability, score: score, crossing: crossing)
    }

    /// The standing of every device, or of one.
    public func states(deviceID: String? = nil) -> [DeviceState] {
        let selected = deviceID.map { id in devices[id].map { [(id, $0)] } ?? [] } ?? devices.map { ($0.key, $0.value) }
        return selected.map { id, device in
            DeviceState(
                deviceID: id, readings: device.window.readings, abnormalReadings: device.window.abnormalReadings,
                share: device.window.share, isAbove: device.window.isAbove, lastScore: device.lastScore,
                lastSeen: device.lastSeen)
        }.sorted { $0.deviceID < $1.deviceID }
    }

    /// Forgets the least recently seen tenth of the devices (at least one).
    private mutating func evictOldest() {
        let count = max(1, devices.count / 10)
        let victims = devices.sorted { $0.value.order < $1.value.order }.prefix(count).map(\.key)
        for victim in victims { devices.removeValue(forKey: victim) }
        evictedDevices += victims.count
    }
}
