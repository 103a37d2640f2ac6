import Foundation
import OneCallCore
import OneCallSimulator
import Testing

/// The CSV export in the layout of the reference's training data.
@Suite struct SimulatorCSVWriterTests {
    /// The first lines of the reference's `training_data.csv`, for comparison.
    static let trainingHeader =
        "timestamp,device_name,indoor_temperature_c,outdoor_temperature_c,setpoint_temperature_c,mode,power_consumption_watts,compressor_status,fan_speed_rpm,refrigerant_pressure_psi,error_code,filter_status,runtime_hours,wattage_mode"
    static let trainingRow = "2025-03-04 13:21:42,aircon_1,18,31,16,cool,880,On,1396,236,None,Clean,0,normal"

    static func record(
        _ reading: JSONValue, timestamp: Double = 1_741_094_502, wattageMode: AirconWattageMode = .normal
    )
        -> SimulatorRecord
    {
        SimulatorRecord(
            deviceName: "aircon_1", sequence: 0, timestamp: timestamp, reading: reading, wattageMode: wattageMode)
    }

    @Test func headerIsTheTrainingDataHeader() {
        #expect(SimulatorCSVWriter.header == Self.trainingHeader)
    }

    @Test func aReadingBecomesATrainingDataRow() {
        let reading: JSONValue = [
            "device_name": "aircon_1", "indoor_temperature_c": 18, "outdoor_temperature_c": 31,
            "setpoint_temperature_c": 16, "mode": "cool", "indoor_humidity_percent": 50,
            "outdoor_humidity_percent": 60, "power_consumption_watts": 880, "compressor_status": "On",
            "fan_speed_rpm": 1396, "refrigerant_pressure_psi": 236, "error_code": "None", "filter_status": "Clean",
            "runtime_hours": 0, "timestamp": 1_741_094_502.0,
        ]
        #expect(SimulatorCSVWriter.row(for: Self.record(reading)) == Self.trainingRow)
    }

    @Test func modelReadingsHaveTheTrainingDataShape() {
        var device = SimulatedAircon(name: "aircon_2", index: 2, seed: 3, startTime: 1_741_094_472, interval: 30)
        _ = device.receive(
            topic: "aircon/commands/aircon_2",
            payload: Array(#"{"action":"set_wattage_mode","wattage_mode":"abnormal"}"#.utf8))
        guard case .telemetry(let record) = device.takeReading()[0].kind else {
            Issue.record("not telemetry")
            return
        }
        let fields = SimulatorCSVWriter.row(for: record).split(separator: ",", omittingEmptySubsequences: false)
        #expect(fields.count == 14)
        #expect(fields[0] == "2025-03-04 13:21:12")
        #expect(fields[1] == "aircon_2")
        for index in [2, 3, 4, 6, 8, 9, 12] {
            #expect(Int(fields[index]) != nil, "column \(index): \(fields[index])")
        }
        #expect(fields[5] == "cool")
        #expect(fields[7] == "On")
        #expect(fields[10] == "None")
        #expect(fields[11] == "Clean")
        #expect(fields[13] == "abnormal")
        #expect((1250...1800).contains(Int(fields[6]) ?? 0))
    }

    @Test func timestampsAreUTCCalendarTimeTruncatedToTheSecond() {
        #expect(SimulatorCSVWriter.formatTimestamp(0) == "1970-01-01 00:00:00")
        #expect(SimulatorCSVWriter.formatTimestamp(1_741_094_472.5) == "2025-03-04 13:21:12")
        #expect(SimulatorCSVWriter.formatTimestamp(951_782_400) == "2000-02-29 00:00:00")
        #expect(SimulatorCSVWriter.formatTimestamp(1_709_251_199.999) == "2024-02-29 23:59:59")
        #expect(SimulatorCSVWriter.formatTimestamp(4_102_444_800) == "2100-01-01 00:00:00")
    }

    @Test func fieldsWithSeparatorsAreQuotedAndMissingOnesEmpty() {
        let reading: JSONValue = ["device_name": "unit, \"north\"", "mode": "cool"]
        let row = SimulatorCSVWriter.row(for: Self.record(reading, timestamp: 0, wattageMode: .abnormal))
        #expect(row == #"1970-01-01 00:00:00,"unit, ""north""",,,,cool,,,,,,,,abnormal"#)
    }

    @Test func aFileGetsTheHeaderAndEveryRow() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "simulator-\(UInt64.random(in: 0...UInt64.max)).csv"
        ).path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let writer = try SimulatorCSVWriter(path: path)
        var device = SimulatedAircon(name: "aircon_1", index: 1, seed: 1, startTime: 1_741_094_472, interval: 30)
        var expected = [Self.trainingHeader]
        for _ in 0..<3000 {
            guard case .telemetry(let record) = device.takeReading()[0].kind else { continue }
            try writer.write(record)
            expected.append(SimulatorCSVWriter.row(for: record))
        }
        #expect(writer.rowCount == 3000)
        try writer.close()
        try writer.close()
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text == expected.joined(separator: "\n") + "\n")
    }

    @Test func anUnwritablePathThrows() {
        #expect(throws: (any Error).self) {
            try SimulatorCSVWriter(path: "/nonexistent-directory/readings.csv")
        }
    }
}
