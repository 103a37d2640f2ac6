import Foundation
import Logging
import NIOCore
import OneCallCore
import OneCallMQTT
import ServiceLifecycle
import Synchronization

/// Runs a fleet of simulated air conditioners against a broker: each device has its own
/// connection (client identifier = device name), subscribes to its command and shadow topics,
/// and publishes a reading every `interval / speedUp` seconds of real time.
///
/// Per device, three child tasks: a ticker (readings on a schedule of absolute deadlines, so a
/// slow moment is caught up rather than shifting the rest), a receiver (commands and shadow
/// deltas), and a publisher that sends the device's outbox in order. The ticker waits while more
/// than ``highWaterMark`` messages are waiting to be sent, so at a high speed-up the fleet runs as
/// fast as the broker acknowledges, and nothing is dropped.
///
/// A `disconnect` command drops the device's connection; after `reconnectDelay` simulated seconds
/// it connects again with a new session (retrying with back-off, 0.5 s doubling to 30 s) and
/// re-reports its shadow. The device keeps taking readings meanwhile; they wait in its outbox (up
/// to `outboxLimit`, the rest dropped and counted) and are sent, with their own timestamps, once it
/// is back. A first connection that fails ends the run with ``SimulatorError``.
///
/// A run with a reading limit ends when every device has taken its readings and its outbox is
/// empty; cancelling the task (or a graceful shutdown, when run as a `Service`) ends it at once.
public final class SimulatorRunner: Service, Sendable {
    /// Makes a connection for the named device.
    public typealias ConnectionFactory = @Sendable (_ deviceName: String) -> any SimulatorConnection

    /// Messages waiting in a device's outbox above which its ticker waits for the publisher.
    public static let highWaterMark = 32

    /// The configuration, validated.
    public let configuration: SimulatorConfiguration

    private let logger: Logger
    private let makeConnection: ConnectionFactory
    private let clock: any Clock<Duration>
    private let onReading: (@Sendable (SimulatorRecord) -> Void)?
    private let links = Mutex<[SimulatorDeviceLink]>([])

    /// Creates a runner.
    /// - Parameters:
    ///   - configuration: checked here; an invalid value throws ``SimulatorError``.
    ///   - eventLoopGroup: for the MQTT clients; `nil` for NIO's shared group.
    ///   - clock: the real-time clock that paces readings.
    ///   - connectionFactory: how devices connect; `nil` for ``MQTTSimulatorConnection`` with
    ///     the configuration's MQTT template.
    ///   - onReading: called with every reading once it is published (for `--write-csv` and counting).
    public init(
        configuration: SimulatorConfiguration, logger: Logger = Logger(label: "onecall.simulator"),
        eventLoopGroup: (any EventLoopGroup)? = nil, clock: any Clock<Duration> = ContinuousClock(),
        connectionFactory: ConnectionFactory? = nil, onReading: (@Sendable (SimulatorRecord) -> Void)? = nil
    ) throws(SimulatorError) {
        try configuration.validate()
        self.configuration = configuration
        self.logger = logger
        self.clock = clock
        self.onReading = onReading
        if let connectionFactory {
            makeConnection = connectionFactory
        } else {
            let template = configuration.mqtt
            makeConnection = { name in
                var deviceLogger = logger
                deviceLogger[metadataKey: "simulator.device"] = "\(name)"
                return MQTTSimulatorConnection(
                    deviceName: name, template: template, eventLoopGroup: eventLoopGroup, logger: deviceLogger)
            }
        }
    }

    // MARK: Running

    /// Runs the fleet until the configuration's reading limit or duration is reached (and returns),
    /// until graceful shutdown (and returns), or until cancelled (and throws `CancellationError`).
    public func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                _ = try await self.runFleet(readingLimit: self.configuration.readingLimit)
            }
        } catch is CancellationError where Task.isShuttingDownGracefully {
            // Stopping on a graceful shutdown is the normal end of an unlimited run.
        }
    }

    /// Runs the fleet until every device has published `readingsPerDevice` readings (2880 is a
    /// day at the default 30 s interval), and returns the counts; throws `CancellationError` if
    /// cancelled first (``report`` still has the counts).
    @discardableResult
    public func run(readingsPerDevice: Int) async throws -> SimulatorReport {
        try await runFleet(readingLimit: max(0, readingsPerDevice))
    }

    /// The counts so far (of the current or last run).
    public var report: SimulatorReport {
        let links = self.links.withLock { $0 }
        return SimulatorReport(
            devices: Dictionary(links.map { ($0.name, $0.device.statistics) }, uniquingKeysWith: { $1 }))
    }

    /// The devices as they are now (of the current or last run), in fleet order.
    public var devices: [SimulatedAircon] {
        links.withLock { $0 }.map(\.device)
    }

    /// The reported state of each device's last acknowledged shadow update, by device name: what
    /// the broker's shadows should hold.
    public var reportedStates: [String: JSONObject] {
        var states: [String: JSONObject] = [:]
        for device in devices {
            if let state = device.acknowledgedReportedState { states[device.name] = state }
        }
        return states
    }

    private func runFleet(readingLimit: Int?) async throws -> SimulatorReport {
        let configuration = self.configuration
        let start = configuration.startTime ?? Date().timeIntervalSince1970.rounded(.down)
        let links = configuration.deviceNames.enumerated().map { position, name in
            SimulatorDeviceLink(
                device: SimulatedAircon(
                    name: name, index: position + 1, seed: configuration.seed, startTime: start,
                    interval: configuration.interval, topics: configuration.topics,
                    telemetryQoS: configuration.telemetryQoS, usesShadow: configuration.usesShadow),
                outboxLimit: configuration.outboxLimit)
        }
        self.links.withLock { $0 = links }
        logger.debug(
            "simulator starting",
            metadata: [
                "simulator.devices": "\(links.count)", "simulator.speed_up": "\(configuration.speedUp)",
                "simulator.readings": "\(readingLimit.map(String.init) ?? "unlimited")",
            ])
        try await withThrowingTaskGroup(of: Void.self) { group in
            for link in links {
                group.addTask { try await self.runDevice(link, readingLimit: readingLimit) }
            }
            // The first device to fail ends the run (`waitForAll` would wait for the others first).
            while try await group.next() != nil {}
        }
        return report
    }

    private func runDevice(_ link: SimulatorDeviceLink, readingLimit: Int?) async throws {
        let first = makeConnection(link.name)
        do {
            try await first.connect()
            try await first.subscribe(to: link.subscriptions)
        } catch {
            await first.disconnect()
            throw SimulatorError(.connectionFailed, key: link.name, reason: "\(error)")
        }
        _ = link.attach(first)
        let onReading = self.onReading
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    await link.runPublisher { message in
                        if case .telemetry(let record) = message.kind { onReading?(record) }
                    }
                }
                group.addTask { try await self.receive(link, first: first) }
                group.addTask { try await self.tick(link, readingLimit: readingLimit, clock: self.clock) }
                // The receiver and publisher run until the link closes or the task is cancelled: the
                // first to finish is the ticker, or any of them once cancelled.
                try await group.next()
                await link.close()?.disconnect()
                group.cancelAll()
            }
        } catch {
            await link.close()?.disconnect()
            throw error
        }
        try Task.checkCancellation()
    }

    /// Takes readings on schedule, holding back while the outbox is full, and then waits until
    /// everything is sent.
    private func tick<C: Clock>(_ link: SimulatorDeviceLink, readingLimit: Int?, clock: C) async throws
    where C.Duration == Duration {
        let start = clock.now
        var progress = link.makeProgressIterator()
        var taken = 0
        while readingLimit.map({ taken < $0 }) ?? true {
            try Task.checkCancellation()
            if taken > 0 {
                let offset = SimulatorConfiguration.realDuration(
                    simulatedSeconds: configuration.interval * Double(taken), speedUp: configuration.speedUp)
                try await clock.sleep(until: start.advanced(by: offset), tolerance: nil)
            }
            link.takeReading()
            taken += 1
            while link.isOnline, link.pendingCount > Self.highWaterMark, !link.isClosed {
                await link.waitForProgress(&progress)
                try Task.checkCancellation()
            }
        }
        while link.pendingCount > 0, !link.isClosed {
            await link.waitForProgress(&progress)
            try Task.checkCancellation()
        }
    }

    /// Hands received messages to the device; on a `disconnect` command, drops the connection and
    /// makes a new one after the reconnect delay.
    private func receive(_ link: SimulatorDeviceLink, first: any SimulatorConnection) async throws {
        let logger = self.logger
        var connection = first
        while true {
            await connection.receiveMessages { topic, payload in
                let reaction = link.receive(topic: topic, payload: payload)
                for rejection in reaction.rejections {
                    logger.debug(
                        "command refused",
                        metadata: [
                            "simulator.device": "\(link.name)", "simulator.topic": "\(topic)",
                            "simulator.error": "\(rejection.code.rawValue)", "simulator.reason": "\(rejection.message)",
                        ])
                }
                if reaction.disconnect {
                    logger.debug("disconnecting on command", metadata: ["simulator.device": "\(link.name)"])
                    await link.detach()?.disconnect()
                }
            }
            if Task.isCancelled || link.isClosed { return }
            await link.detach()?.disconnect()
            try await clock.sleep(
                for: SimulatorConfiguration.realDuration(
                    simulatedSeconds: configuration.reconnectDelay, speedUp: configuration.speedUp))
            connection = try await reconnect(link)
            guard link.attach(connection) else {
                await connection.disconnect()
                return
            }
            logger.debug("reconnected", metadata: ["simulator.device": "\(link.name)"])
        }
    }

    private func reconnect(_ link: SimulatorDeviceLink) async throws -> any SimulatorConnection {
        var delay = Duration.milliseconds(500)
        while true {
            try Task.checkCancellation()
            let connection = makeConnection(link.name)
            do {
                try await connection.connect()
                try await connection.subscribe(to: link.subscriptions)
                return connection
            } catch {
                await connection.disconnect()
                logger.warning(
                    "reconnect failed", metadata: ["simulator.device": "\(link.name)", "simulator.error": "\(error)"])
                try await clock.sleep(for: delay)
                delay = min(delay * 2, .seconds(30))
            }
        }
    }
}
