import OneCallCore

/// A reading a device sent, with what the CSV export needs beside it.
public struct SimulatorRecord: Sendable, Hashable {
    /// The device that sent it.
    public var deviceName: String
    /// The reading's position in the device's sequence, from 0.
    public var sequence: Int
    /// The simulated time of the reading, in epoch seconds.
    public var timestamp: Double
    /// The telemetry object as published.
    public var reading: JSONValue
    /// The wattage mode at the time: the training data's label, never part of the reading.
    public var wattageMode: AirconWattageMode

    /// Creates a record.
    public init(
        deviceName: String, sequence: Int, timestamp: Double, reading: JSONValue, wattageMode: AirconWattageMode
    ) {
        self.deviceName = deviceName
        self.sequence = sequence
        self.timestamp = timestamp
        self.reading = reading
        self.wattageMode = wattageMode
    }
}
