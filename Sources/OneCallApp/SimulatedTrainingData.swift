import OneCallAnomaly
import OneCallCore
import OneCallSimulator

/// Labelled readings from simulated air conditioners, in the reference's training-data layout, for
/// a first model when a user has no labelled data of their own (the demo trains on it). Each unit
/// switches between normal and abnormal wattage at random, staying in a mode for about an hour.
public enum SimulatedTrainingData {
    /// `devices` units, `readings` readings each, `interval` seconds apart, from a seed.
    public static func table(devices: Int = 4, readings: Int = 720, interval: Double = 30, seed: UInt64 = 1)
        -> CSVTable
    {
        var rng = SeededRandomNumberGenerator(seed: seed)
        var text = SimulatorCSVWriter.header + "\n"
        for unit in 1...max(1, devices) {
            var model = AirconModel.random(deviceName: "unit_\(unit)", rng: &rng)
            var time = 1_735_689_600.0
            for sequence in 0..<readings {
                if Double.random(in: 0..<1, using: &rng) < interval / 3600 {
                    let next: AirconWattageMode = model.wattageMode == .normal ? .abnormal : .normal
                    model.apply(.setWattageMode(next), rng: &rng)
                }
                model.advance(by: interval, rng: &rng)
                time += interval
                let record = SimulatorRecord(
                    deviceName: model.deviceName, sequence: sequence, timestamp: time, reading: model.reading(at: time),
                    wattageMode: model.wattageMode)
                text += SimulatorCSVWriter.row(for: record) + "\n"
            }
        }
        // The writer's rows are valid CSV by construction.
        return (try? CSVTable(parsing: Array(text.utf8))) ?? CSVTable(columns: [], rows: [])
    }
}
