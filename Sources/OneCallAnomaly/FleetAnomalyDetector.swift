/// One detector per device, bounded number of devices: when a new device would exceed the bound, the
/// least recently seen device's detector is dropped (and counted), and it starts afresh if it returns.
public struct FleetAnomalyDetector: Sendable {
    private struct Entry: Sendable {
        var deviceID: String
        var detector: DeviceAnomalyDetector
        var newer: Int
        var older: Int
    }

    /// The most devices tracked at once.
    public let capacity: Int
    /// The configuration of every device's detector.
    public let configuration: DeviceAnomalyDetector.Configuration
    /// Devices dropped to make room, since creation.
    public private(set) var evictions = 0

    private var entries: [Entry] = []
    private var index: [String: Int] = [:]
    /// The most recently seen entry, or -1.
    private var newest = -1
    /// The least recently seen entry, or -1.
    private var oldest = -1

    /// Creates a fleet detector tracking at most `capacity` devices (at least one).
    public init(capacity: Int = 100_000, configuration: DeviceAnomalyDetector.Configuration = .init()) {
        self.capacity = max(capacity, 1)
        self.configuration = configuration
    }

    /// The devices tracked now.
    public var count: Int { entries.count }

    /// Whether a device is tracked now.
    public func contains(_ deviceID: String) -> Bool { index[deviceID] != nil }

    /// The detector of a device, if it is tracked.
    public func detector(for deviceID: String) -> DeviceAnomalyDetector? {
        index[deviceID].map { entries[$0].detector }
    }

    /// Scores a device's reading with its own detector (using only its earlier readings) and learns
    /// from it; an unknown device gets a new detector.
    public mutating func update(deviceID: String, reading: TelemetryReading) -> AnomalyScore {
        let position: Int
        if let found = index[deviceID] {
            position = found
            moveToFront(position)
        } else if entries.count < capacity {
            position = entries.count
            entries.append(
                Entry(
                    deviceID: deviceID, detector: DeviceAnomalyDetector(configuration: configuration), newer: -1,
                    older: -1))
            index[deviceID] = position
            linkFront(position)
        } else {
            position = oldest
            unlink(position)
            index[entries[position].deviceID] = nil
            evictions += 1
            entries[position].deviceID = deviceID
            entries[position].detector = DeviceAnomalyDetector(configuration: configuration)
            index[deviceID] = position
            linkFront(position)
        }
        return entries[position].detector.update(reading)
    }

    /// Approximate bytes of state: the detectors, their identifiers and the index.
    public var stateSize: Int {
        var size = MemoryLayout<Self>.stride + entries.capacity * MemoryLayout<Entry>.stride
        size += index.capacity * (MemoryLayout<String>.stride + MemoryLayout<Int>.stride + 1)
        for entry in entries {
            size += entry.detector.stateSize - MemoryLayout<DeviceAnomalyDetector>.stride
            if entry.deviceID.utf8.count > 15 { size += 32 + entry.deviceID.utf8.count }
        }
        return size
    }

    // MARK: The recency list

    private mutating func moveToFront(_ position: Int) {
        guard position != newest else { return }
        unlink(position)
        linkFront(position)
    }

    private mutating func unlink(_ position: Int) {
        let newer = entries[position].newer
        let older = entries[position].older
        if newer >= 0 { entries[newer].older = older } else { newest = older }
        if older >= 0 { entries[older].newer = newer } else { oldest = newer }
        entries[position].newer = -1
        entries[position].older = -1
    }

    private mutating func linkFront(_ position: Int) {
        entries[position].older = newest
        entries[position].newer = -1
        if newest >= 0 { entries[newest].newer = position }
        newest = position
        if oldest < 0 { oldest = position }
    }
}
