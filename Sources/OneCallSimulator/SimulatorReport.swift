/// The counts of a fleet, per device and in total.
public struct SimulatorReport: Sendable, Hashable {
    /// The counts of each device, by name.
    public var devices: [String: SimulatorStatistics]

    /// Creates a report.
    public init(devices: [String: SimulatorStatistics]) {
        self.devices = devices
    }

    /// The counts of all devices added up.
    public var total: SimulatorStatistics {
        devices.values.reduce(SimulatorStatistics(), +)
    }
}
