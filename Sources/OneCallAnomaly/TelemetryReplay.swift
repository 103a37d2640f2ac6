import OneCallCore

/// `onecall anomaly score --csv FILE --out FILE`: replays a recorded telemetry CSV through one
/// ``DeviceAnomalyDetector`` per device, row by row in time order per device (a row's score uses only
/// earlier rows of that device; rows with the same time keep their file order), and gives one score
/// per row, in the file's row order, for `timestamp,device_name,anomaly_score,explanation`.
public enum TelemetryReplay {
    /// The columns a device may be named in, in order of preference, when none is given.
    public static let deviceColumns = ["device_name", "device_id", "thing_name"]

    /// One scored row.
    public struct Row: Sendable, Hashable {
        /// The row's timestamp, as written in the file.
        public var timestamp: String
        /// The device.
        public var deviceID: String
        /// The score, from the device's readings before this one only.
        public var score: AnomalyScore

        /// Creates a scored row.
        public init(timestamp: String, deviceID: String, score: AnomalyScore) {
            self.timestamp = timestamp
            self.deviceID = deviceID
            self.score = score
        }
    }

    /// Scores every row of a table, in the table's row order, with the default detector configuration.
    /// The device column is `deviceColumn`, or the first of ``deviceColumns`` present; timestamps are
    /// `YYYY-MM-DD HH:MM:SS`, RFC 3339 or epoch seconds. Columns in `excluding` (labels such as
    /// `wattage_mode`) are not fields of the readings. Errors name the file line (the header is line 1).
    public static func score(
        _ table: CSVTable, deviceColumn: String? = nil, timestampColumn: String = "timestamp",
        excluding: Set<String> = []
    ) throws(TelemetryReplayError) -> [Row] {
        try score(
            table, deviceColumn: deviceColumn, timestampColumn: timestampColumn, excluding: excluding,
            configuration: .init())
    }

    /// Scores every row of a table with detectors of the given configuration (see
    /// ``score(_:deviceColumn:timestampColumn:excluding:)``).
    public static func score(
        _ table: CSVTable, deviceColumn: String?, timestampColumn: String, excluding: Set<String>,
        configuration: DeviceAnomalyDetector.Configuration
    ) throws(TelemetryReplayError) -> [Row] {
        guard let timeIndex = table.index(of: timestampColumn) else {
            throw TelemetryReplayError(line: 1, reason: "no column '\(timestampColumn)'")
        }
        let deviceIndex: Int
        if let deviceColumn {
            guard let found = table.index(of: deviceColumn) else {
                throw TelemetryReplayError(line: 1, reason: "no column '\(deviceColumn)'")
            }
            deviceIndex = found
        } else {
            guard let found = deviceColumns.lazy.compactMap({ table.index(of: $0) }).first else {
                throw TelemetryReplayError(
                    line: 1, reason: "no device column (one of \(deviceColumns.joined(separator: ", ")))")
            }
            deviceIndex = found
        }
        let excluded = excluding.union([table.columns[timeIndex], table.columns[deviceIndex]])

        // Each row's time and device number (devices numbered in order of first appearance).
        var times: [Double] = []
        var deviceOf: [Int] = []
        times.reserveCapacity(table.rows.count)
        deviceOf.reserveCapacity(table.rows.count)
        var numbers: [String: Int] = [:]
        for (position, row) in table.rows.enumerated() {
            let text = row[timeIndex]
            guard let time = CivilTime.parse(text) ?? Double(text), time.isFinite else {
                throw TelemetryReplayError(line: position + 2, reason: "'\(text)' is not a time")
            }
            let device = row[deviceIndex]
            guard !device.isEmpty else {
                throw TelemetryReplayError(line: position + 2, reason: "no device in '\(table.columns[deviceIndex])'")
            }
            times.append(time)
            if let number = numbers[device] {
                deviceOf.append(number)
            } else {
                deviceOf.append(numbers.count)
                numbers[device] = numbers.count
            }
        }

        // A fresh detector per device, fed in time order; time order overall is time order per device,
        // and the sort key makes equal times keep the file order.
        let order = table.rows.indices.sorted { times[$0] < times[$1] || (times[$0] == times[$1] && $0 < $1) }
        var detectors = [DeviceAnomalyDetector](
            repeating: DeviceAnomalyDetector(configuration: configuration), count: numbers.count)
        var scores = [AnomalyScore](repeating: .zero, count: table.rows.count)
        for position in order {
            let reading = TelemetryReading(
                timestamp: times[position], columns: table.columns, fields: table.rows[position], excluding: excluded)
            scores[position] = detectors[deviceOf[position]].update(reading)
        }
        return table.rows.indices.map { position in
            Row(
                timestamp: table.rows[position][timeIndex], deviceID: table.rows[position][deviceIndex],
                score: scores[position])
        }
    }

    /// Reads CSV bytes and scores every row (see
    /// ``score(_:deviceColumn:timestampColumn:excluding:configuration:)``); a malformed file is refused
    /// with the line of its first problem.
    public static func score(
        csv bytes: some Collection<UInt8>, deviceColumn: String? = nil, timestampColumn: String = "timestamp",
        excluding: Set<String> = [], configuration: DeviceAnomalyDetector.Configuration = .init()
    ) throws(TelemetryReplayError) -> [Row] {
        let table: CSVTable
        do {
            table = try CSVTable(parsing: bytes)
        } catch {
            throw TelemetryReplayError(line: error.line, reason: error.reason)
        }
        return try score(
            table, deviceColumn: deviceColumn, timestampColumn: timestampColumn, excluding: excluding,
            configuration: configuration)
    }

    /// The output file: `timestamp,device_name,anomaly_score,explanation`, one line per row (LF), the
    /// score with 4 decimals, fields quoted per RFC 4180 when they hold a comma, quote or line break.
    public static func csv(_ rows: [Row]) -> String {
        var text = "timestamp,device_name,anomaly_score,explanation\n"
        for row in rows {
            text += quoted(row.timestamp)
            text += ","
            text += quoted(row.deviceID)
            text += ","
            text += fourDecimals(row.score.value)
            text += ","
            text += quoted(row.score.explanation)
            text += "\n"
        }
        return text
    }

    /// A score in [0, 1] with exactly four decimals (`0.0000`…`1.0000`).
    static func fourDecimals(_ value: Double) -> String {
        let scaled = Int((min(max(value.isNaN ? 0 : value, 0), 1) * 10_000).rounded())
        let fraction = String(scaled % 10_000)
        return "\(scaled / 10_000)." + String(repeating: "0", count: 4 - fraction.count) + fraction
    }

    /// A field as RFC 4180 writes it: in double quotes, with quotes doubled, when it needs them.
    static func quoted(_ field: String) -> String {
        guard field.utf8.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) else {
            return field
        }
        var text = "\""
        for character in field {
            if character == "\"" { text += "\"\"" } else { text.append(character) }
        }
        return text + "\""
    }
}
