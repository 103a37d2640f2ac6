import Synchronization

/// The devices whose tickets wait for the device to report its fault gone, so that the telemetry
/// path checks a set, not the database, for each reading.
public final class FaultClearWatch: Sendable {
    private let devices = Mutex(Set<String>())

    public init() {}

    /// Replaces the set (at start, from the store).
    public func reset(to devices: Set<String>) { self.devices.withLock { $0 = devices } }

    public func watch(_ deviceID: String) { _ = devices.withLock { $0.insert(deviceID) } }

    public func unwatch(_ deviceID: String) { _ = devices.withLock { $0.remove(deviceID) } }

    public func isWatching(_ deviceID: String) -> Bool { devices.withLock { $0.contains(deviceID) } }

    public var count: Int { devices.withLock { $0.count } }
}
