import Foundation
import OneCallCore

/// Exports stored readings to JSON-lines files laid out like the reference's Firehose delivery to
/// S3: `telemetry/YYYY/MM/DD/HH/onecall-telemetry-FIRST-LAST.jsonl`, by the UTC hour of arrival,
/// one reading's JSON per line. Each run continues after the last exported reading (a checkpoint in
/// the store); a file is written under a temporary name and renamed, so a reader never sees half a
/// file. Delivery is at least once, like Firehose's: a crash between the rename and the checkpoint
/// exports those readings again on the next run.
public struct TelemetryExporter: Sendable {
    public static let checkpointName = "telemetry.export"

    private let store: any TelemetryStore
    /// The export root.
    public let directory: String
    /// The most readings one run exports.
    public let limit: Int

    public init(store: any TelemetryStore, directory: String, limit: Int = 50_000) {
        self.store = store
        self.directory = directory
        self.limit = max(1, limit)
    }

    /// The path, relative to the root, of the hour directory for `timestamp`.
    public static func hourPath(for timestamp: Double) -> String {
        let time = CivilTime(epochSeconds: timestamp)
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(time.year, 4))/\(pad(time.month, 2))/\(pad(time.day, 2))/\(pad(time.hour, 2))"
    }

    /// Exports what arrived since the last run; returns how many readings were written.
    @discardableResult
    public func exportPending() async throws -> Int {
        let after = try await store.checkpoint(Self.checkpointName) ?? 0
        let records = try await store.readings(after: after, limit: limit)
        guard let last = records.last else { return 0 }
        var byHour: [String: [TelemetryRecord]] = [:]
        for record in records { byHour[Self.hourPath(for: record.receivedAt), default: []].append(record) }
        let manager = FileManager.default
        for (hour, group) in byHour.sorted(by: { $0.key < $1.key }) {
            let folder = (directory as NSString).appendingPathComponent(hour)
            try manager.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let name = "onecall-telemetry-\(group.first!.sequence)-\(group.last!.sequence).jsonl"
            var bytes: [UInt8] = []
            bytes.reserveCapacity(group.reduce(0) { $0 + $1.payload.count + 1 })
            for record in group {
                // Raw line breaks in JSON are only ever whitespace (inside strings they are escaped),
                // so a pretty-printed reading becomes one line by turning them into spaces.
                bytes.append(contentsOf: record.payload.lazy.map { $0 == 0x0A || $0 == 0x0D ? 0x20 : $0 })
                bytes.append(0x0A)
            }
            let final = (folder as NSString).appendingPathComponent(name)
            let temporary = (folder as NSString).appendingPathComponent(".\(name).partial")
            try Data(bytes).write(to: URL(fileURLWithPath: temporary))
            if manager.fileExists(atPath: final) { try manager.removeItem(atPath: final) }
            try manager.moveItem(atPath: temporary, toPath: final)
        }
        try await store.setCheckpoint(Self.checkpointName, to: last.sequence)
        return records.count
    }
}
