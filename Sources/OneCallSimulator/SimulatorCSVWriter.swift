import Foundation
import OneCallCore
import Synchronization

/// Writes sent readings as CSV in the column layout of the reference's `training_data.csv`, so that
/// a simulated run can train or test the anomaly model: a `YYYY-MM-DD HH:MM:SS` UTC timestamp, the
/// reading's values as they were published, and the `wattage_mode` label last.
///
/// Rows are buffered and written in blocks; ``close()`` writes the rest. Safe to call from the
/// driver's `onReading` hook on any task.
public final class SimulatorCSVWriter: Sendable {
    /// The header line (without line break).
    public static let header =
        "timestamp,device_name,indoor_temperature_c,outdoor_temperature_c,setpoint_temperature_c,mode,"
        + "power_consumption_watts,compressor_status,fan_speed_rpm,refrigerant_pressure_psi,error_code,"
        + "filter_status,runtime_hours,wattage_mode"

    /// The reading fields between the timestamp and the label, in column order.
    public static let readingColumns = [
        "device_name", "indoor_temperature_c", "outdoor_temperature_c", "setpoint_temperature_c", "mode",
        "power_consumption_watts", "compressor_status", "fan_speed_rpm", "refrigerant_pressure_psi", "error_code",
        "filter_status", "runtime_hours",
    ]

    /// Bytes buffered before a write.
    public static let bufferLimit = 64 * 1024

    private struct State {
        var handle: FileHandle?
        var buffer: [UInt8] = []
        var rows = 0
    }

    private let state: Mutex<State>

    /// Creates (or truncates) the file at `path` and writes the header.
    public init(path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil) else {
            throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path])
        }
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        state = Mutex(State(handle: handle, buffer: Array((Self.header + "\n").utf8)))
    }

    /// The number of rows written or buffered.
    public var rowCount: Int { state.withLock { $0.rows } }

    /// Adds the row of a record.
    public func write(_ record: SimulatorRecord) throws {
        let line = Array((Self.row(for: record) + "\n").utf8)
        let full: (FileHandle, [UInt8])? = state.withLock { state in
            state.rows += 1
            state.buffer += line
            guard state.buffer.count >= Self.bufferLimit, let handle = state.handle else { return nil }
            defer { state.buffer.removeAll(keepingCapacity: true) }
            return (handle, state.buffer)
        }
        if let (handle, bytes) = full { try handle.write(contentsOf: bytes) }
    }

    /// Writes what is buffered and closes the file; later writes are counted but not written.
    public func close() throws {
        let pending: (FileHandle, [UInt8])? = state.withLock { state in
            guard let handle = state.handle else { return nil }
            state.handle = nil
            defer { state.buffer = [] }
            return (handle, state.buffer)
        }
        guard let (handle, bytes) = pending else { return }
        try handle.write(contentsOf: bytes)
        try handle.close()
    }

    // MARK: Formatting

    /// The CSV row of a record (without line break): numbers as published, strings quoted only
    /// when they hold a comma, quote or line break (RFC 4180), missing fields empty.
    public static func row(for record: SimulatorRecord) -> String {
        var fields = [formatTimestamp(record.timestamp)]
        for key in readingColumns {
            fields.append(field(record.reading[key]))
        }
        fields.append(record.wattageMode.rawValue)
        return fields.joined(separator: ",")
    }

    /// `YYYY-MM-DD HH:MM:SS` in UTC, truncated to the second, as in the training data.
    public static func formatTimestamp(_ epochSeconds: Double) -> String {
        CivilTime(epochSeconds: epochSeconds.isFinite ? epochSeconds : 0).dateTimeText
    }

    private static func field(_ value: JSONValue?) -> String {
        guard let value else { return "" }
        let text: String
        switch value {
        case .string(let string): text = string
        case .null: return ""
        default: text = value.jsonString
        }
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
