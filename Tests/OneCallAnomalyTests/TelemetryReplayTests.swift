import OneCallAnomaly
import Testing

@Suite("Telemetry replay")
struct TelemetryReplayTests {
    static func csv(_ rows: [[String]]) -> String {
        ([AirconTelemetryGenerator.columns] + rows).map { $0.joined(separator: ",") }.joined(separator: "\n") + "\n"
    }

    /// Hours of readings of three units, a fault in the first after 12 hours.
    static func recording(hours: Int = 16) -> [[String]] {
        var generator = AirconTelemetryGenerator(seed: 21, units: 3)
        generator.inject(.abnormalWattage, unit: 0, at: generator.time + 12 * 3600)
        var rows: [[String]] = []
        for _ in 0..<(hours * 120) { rows += generator.next() }
        return rows
    }

    @Test func rowsAreScoredInTimeOrderPerDeviceAndWrittenInFileOrder() throws {
        let rows = Self.recording()
        let ordered = try TelemetryReplay.score(csv: Array(Self.csv(rows).utf8), excluding: ["wattage_mode"])
        // The same rows, shuffled: the scores of each row are the same, in the shuffled file's order.
        var generator = SeededRandomNumberGeneratorForTests(seed: 4)
        let shuffled = rows.shuffled(using: &generator)
        let replayed = try TelemetryReplay.score(csv: Array(Self.csv(shuffled).utf8), excluding: ["wattage_mode"])
        #expect(replayed.count == rows.count)
        var byKey: [String: AnomalyScore] = [:]
        for row in ordered { byKey[row.deviceID + row.timestamp] = row.score }
        for (position, row) in replayed.enumerated() {
            #expect(row.timestamp == shuffled[position][0] && row.deviceID == shuffled[position][1])
            #expect(byKey[row.deviceID + row.timestamp] == row.score)
        }
        let faulty = ordered.filter { $0.deviceID == "aircon_1" && $0.score.value > 0.7 }
        #expect(!faulty.isEmpty)
        #expect(faulty.allSatisfy { $0.score.explanation.hasPrefix("power_consumption_watts") })
        let normal = ordered.filter { $0.deviceID != "aircon_1" }
        #expect(normal.filter { $0.score.value >= 0.5 }.count <= normal.count / 100)
    }

    @Test func eachRowIsScoredWithOnlyItsDevicesEarlierRows() throws {
        // Three units interleaved, then each hour's block of rows reversed: out of time order in the file.
        let rows = Self.recording(hours: 6)
        var file: [[String]] = []
        for start in stride(from: 0, to: rows.count, by: 360) {
            file += rows[start..<min(start + 360, rows.count)].reversed()
        }
        let result = try TelemetryReplay.score(
            CSVTable(columns: AirconTelemetryGenerator.columns, rows: file), excluding: ["wattage_mode"])
        #expect(result.count == file.count)
        // The same scores as a fresh detector per unit fed that unit's rows in time order.
        var expected: [String: AnomalyScore] = [:]
        for unit in ["aircon_1", "aircon_2", "aircon_3"] {
            var detector = DeviceAnomalyDetector()
            for row in rows where row[1] == unit {
                expected[row[1] + row[0]] = detector.update(AirconTelemetryGenerator.reading(row))
            }
        }
        for (position, row) in result.enumerated() {
            #expect(row.timestamp == file[position][0] && row.deviceID == file[position][1])
            #expect(row.score == expected[row.deviceID + row.timestamp])
        }
        // Equal timestamps keep the file order: a device's first row in the file is its first reading.
        let same = CSVTable(
            columns: ["timestamp", "device_id", "x"],
            rows: (0..<300).map { ["1000", "d", "\($0 % 7)"] } + [["1000", "d", "900"]])
        let scored = try TelemetryReplay.score(same)
        #expect(scored.last?.score.value ?? 0 > 0.9, "\(scored.last?.score.explanation ?? "")")
    }

    @Test func theOutputHasTheLayoutAndQuotesExplanations() throws {
        let rows = Self.recording(hours: 14)
        let result = try TelemetryReplay.score(csv: Array(Self.csv(rows).utf8), excluding: ["wattage_mode"])
        let text = TelemetryReplay.csv(result)
        let table = try CSVTable(parsing: Array(text.utf8))
        #expect(table.columns == ["timestamp", "device_name", "anomaly_score", "explanation"])
        #expect(table.rows.count == rows.count)
        for (position, row) in table.rows.enumerated() {
            #expect(row[0] == rows[position][0] && row[1] == rows[position][1])
            let score = try #require(Double(row[2]))
            #expect(abs(score - result[position].score.value) < 0.0001)
            #expect(row[3] == result[position].score.explanation)
        }
        let quoted = TelemetryReplay.csv([
            .init(timestamp: "t", deviceID: "a,b", score: AnomalyScore(0.5, explanation: "x \"y\", z")),
            .init(timestamp: "u", deviceID: "c", score: AnomalyScore(1)),
            .init(timestamp: "v", deviceID: "d", score: AnomalyScore(0.12346, explanation: "two\nlines")),
        ])
        #expect(
            quoted == "timestamp,device_name,anomaly_score,explanation\nt,\"a,b\",0.5000,\"x \"\"y\"\", z\"\n"
                + "u,c,1.0000,\nv,d,0.1235,\"two\nlines\"\n")
    }

    @Test func epochSecondsAndOtherDeviceColumnsWork() throws {
        let text = "thing_name,timestamp,value\nu1,1000,5\nu2,1000,6\nu1,970,5\n"
        let rows = try TelemetryReplay.score(csv: Array(text.utf8))
        #expect(rows.map(\.deviceID) == ["u1", "u2", "u1"])
        let named = try TelemetryReplay.score(
            csv: Array("unit,time\nu1,2025-03-04T13:21:12Z\n".utf8), deviceColumn: "unit", timestampColumn: "time")
        #expect(named.count == 1 && named[0].score == .zero)
    }

    @Test(arguments: [
        ("device_name,value\na,1\n", 1, "no column 'timestamp'"),
        ("timestamp,value\n2025-03-04 13:21:12,1\n", 1, "no device column"),
        (
            "timestamp,device_name\n2025-03-04 13:21:12,a\n2025-03-04 13:21:42,a\nyesterday,a\n", 4,
            "'yesterday' is not a time"
        ),
        ("timestamp,device_name\n2025-03-04 13:21:12,\n", 2, "no device"),
        ("timestamp,device_name\n2025-03-04 13:21:12,a,b\n", 2, "expected 2 fields"),
    ])
    func problemsNameTheLine(text: String, line: Int, reason: String) {
        #expect {
            _ = try TelemetryReplay.score(csv: Array(text.utf8))
        } throws: { error in
            guard let error = error as? TelemetryReplayError else { return false }
            return error.line == line && error.reason.hasPrefix(reason) && error.description.hasPrefix("line \(line): ")
        }
    }

    @Test func anExplicitDeviceColumnMustExist() {
        #expect(throws: TelemetryReplayError(line: 1, reason: "no column 'unit'")) {
            _ = try TelemetryReplay.score(csv: Array("timestamp,device_name\n".utf8), deviceColumn: "unit")
        }
    }
}
