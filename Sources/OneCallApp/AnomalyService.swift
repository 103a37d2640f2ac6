import Logging
import OneCallAnomaly
import OneCallCore
import OneCallStorage
import ServiceLifecycle
import Synchronization

/// Scores every reading as it is stored and raises an anomaly event (code `anomaly.error_code`,
/// with `anomaly_start` and `anomaly_end`) when a device's abnormal share crosses the threshold —
/// unless the device already has an unresolved ticket for that code.
///
/// It follows the store, not the broker: it reads readings after its checkpoint in the order they
/// were stored, woken by each batch the telemetry writer commits, so that no stored reading is
/// missed and none is scored twice. At start it rebuilds the windows from the readings of the
/// last evaluation period without raising events for them.
final class AnomalyService: Service {
    /// What the service has done so far.
    struct Statistics: Sendable, Hashable {
        var readingsScored = 0
        var abnormalReadings = 0
        var crossings = 0
        var eventsRaised = 0
        /// Crossings not raised because the device's ticket for the code was still open.
        var eventsSuppressed = 0
        /// Stored readings whose payload could not be read as a JSON object.
        var unreadable = 0
        var failures = 0
        var devices = 0
        var evictedDevices = 0
        var classifier = false
    }

    static let checkpointName = "anomaly"
    static let batchSize = 2000

    let configuration: AnomalyConfiguration
    private let telemetry: any TelemetryStore
    private let tickets: any TicketStore
    private let events: EventPipeline
    private let clock: @Sendable () -> Double
    private let logger: Logger
    let wake: WakeSignal
    private let monitor: Mutex<AnomalyMonitor>
    private let statistics = Mutex(Statistics())
    private let ignored: Set<String>

    init(
        configuration: AnomalyConfiguration, classifier: AnomalyClassifier?, telemetry: any TelemetryStore,
        tickets: any TicketStore, events: EventPipeline, wake: WakeSignal, clock: @escaping @Sendable () -> Double,
        logger: Logger
    ) {
        self.configuration = configuration
        self.wake = wake
        self.telemetry = telemetry
        self.tickets = tickets
        self.events = events
        self.clock = clock
        self.logger = logger
        self.ignored = Set(configuration.ignoredFields)
        self.monitor = Mutex(
            AnomalyMonitor(
                configuration: .init(
                    window: .init(
                        period: configuration.period, threshold: configuration.threshold,
                        minimumReadings: configuration.minimumReadings),
                    scoreThreshold: configuration.scoreThreshold, maximumDevices: configuration.maximumDevices),
                classifier: classifier))
        statistics.withLock { $0.classifier = classifier != nil }
    }

    var currentStatistics: Statistics {
        let (devices, evicted) = monitor.withLock { ($0.deviceCount, $0.evictedDevices) }
        return statistics.withLock { statistics in
            var copy = statistics
            copy.devices = devices
            copy.evictedDevices = evicted
            return copy
        }
    }

    /// Every device's standing, or one device's.
    func states(deviceID: String? = nil) -> [AnomalyMonitor.DeviceState] {
        monitor.withLock { $0.states(deviceID: deviceID) }
    }

    func run() async throws {
        var position: Int64
        do {
            position = try await warmUp()
        } catch {
            logger.error("anomaly warm-up failed; starting from the newest reading", metadata: ["error": "\(error)"])
            position = (try? await telemetry.latestSequence()) ?? 0
        }
        var lastSaved = position
        while !Task.isCancelledOrShuttingDown {
            do {
                let records = try await telemetry.readings(after: position, limit: Self.batchSize)
                if records.isEmpty {
                    if position != lastSaved {
                        try await telemetry.setCheckpoint(Self.checkpointName, to: position)
                        lastSaved = position
                    }
                    await cancelWhenGracefulShutdown { await self.wake.wait(timeout: .seconds(1)) }
                    continue
                }
                let crossings = score(records, raising: true)
                position = records.last!.sequence
                for crossing in crossings { try await raise(crossing) }
                if position - lastSaved >= Int64(Self.batchSize) {
                    try await telemetry.setCheckpoint(Self.checkpointName, to: position)
                    lastSaved = position
                }
            } catch {
                statistics.withLock { $0.failures += 1 }
                logger.error("anomaly scoring failed; retrying", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: .seconds(1))
            }
        }
        if position != lastSaved { try? await telemetry.setCheckpoint(Self.checkpointName, to: position) }
    }

    /// Rebuilds the windows from the last period's readings up to the checkpoint, silently; returns
    /// where to go on from. Without a checkpoint (the first start), everything stored so far is
    /// history.
    private func warmUp() async throws -> Int64 {
        let latest = try await telemetry.latestSequence()
        let checkpoint = try await telemetry.checkpoint(Self.checkpointName) ?? latest
        let recent = try await telemetry.readings(
            TelemetryQuery(from: clock() - configuration.period, limit: 200_000))
        _ = score(recent.filter { $0.sequence <= checkpoint }, raising: false)
        return min(checkpoint, latest)
    }

    private func score(_ records: [TelemetryRecord], raising: Bool) -> [AnomalyMonitor.Crossing] {
        var unreadable = 0
        var abnormal = 0
        var crossings: [AnomalyMonitor.Crossing] = []
        monitor.withLock { monitor in
            for record in records {
                guard let object = try? JSONValue(parsing: record.payload).objectValue else {
                    unreadable += 1
                    continue
                }
                let reading = TelemetryReading(timestamp: record.timestamp, object: object, excluding: ignored)
                let observation = monitor.observe(deviceID: record.deviceID, reading: reading)
                if observation.abnormal { abnormal += 1 }
                if raising, let crossing = observation.crossing { crossings.append(crossing) }
            }
        }
        statistics.withLock { statistics in
            statistics.readingsScored += records.count - unreadable
            statistics.abnormalReadings += abnormal
            statistics.unreadable += unreadable
            statistics.crossings += crossings.count
        }
        return crossings
    }

    private func raise(_ crossing: AnomalyMonitor.Crossing) async throws {
        let code = configuration.errorCode
        let open = try await tickets.tickets(TicketQuery(deviceID: crossing.deviceID, errorCode: code, limit: 5))
        if open.contains(where: { $0.status != .resolved }) {
            statistics.withLock { $0.eventsSuppressed += 1 }
            logger.debug(
                "anomaly while the ticket is open; not raised again", metadata: ["device.id": "\(crossing.deviceID)"])
            return
        }
        var details: JSONObject = [
            "anomaly_start": .double(crossing.start), "anomaly_end": .double(crossing.end),
            "abnormal_share": .double((crossing.share * 10_000).rounded() / 10_000),
            "readings": .int(Int64(crossing.readings)), "abnormal_readings": .int(Int64(crossing.abnormalReadings)),
            "period_seconds": .double(configuration.period), "threshold": .double(configuration.threshold),
            "detector": .string(statistics.withLock { $0.classifier } ? "classifier" : "unsupervised"),
        ]
        if !crossing.explanation.isEmpty { details["explanation"] = .string(crossing.explanation) }
        let event = ErrorEvent(
            id: UUIDText.random(), deviceID: crossing.deviceID, errorCode: code, timestamp: crossing.end,
            receivedAt: clock(), source: .anomaly, details: details)
        try await events.submit([event])
        statistics.withLock { $0.eventsRaised += 1 }
        logger.info(
            "anomaly event raised",
            metadata: [
                "device.id": "\(crossing.deviceID)", "error_code": "\(code)",
                "abnormal_share": "\(crossing.share)",
            ])
    }
}
