import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import OneCallAgent
import OneCallAnomaly
import OneCallBroker
import OneCallChat
import OneCallContactCenter
import OneCallCore
import OneCallHTTP
import OneCallRules
import OneCallStorage
import OneCallStorageSQLite
import ServiceLifecycle

/// The addresses a started server listens on.
public struct OneCallEndpoints: Sendable, Equatable {
    /// The plain MQTT port.
    public var mqttPort: Int
    /// The TLS MQTT port, if configured.
    public var mqttTLSPort: Int?
    /// The MQTT-over-WebSocket port, if configured.
    public var mqttWebSocketPort: Int? = nil
    /// The HTTP port.
    public var httpPort: Int
}

/// The composition root: turns a configuration into the broker, its listeners, the store, the rule
/// pipeline, device shadows, the HTTP API and the timers, and runs them in one service group until
/// SIGTERM/SIGINT or cancellation.
public struct OneCallServer: Sendable {
    /// The validated configuration.
    public let configuration: OneCallConfiguration
    /// The embedded MQTT broker, for in-process publishers and subscribers.
    public let broker: Broker
    /// The database.
    public let storage: SQLiteStorage
    /// The device registry.
    public let registry: DeviceRegistry
    /// Where error events enter.
    public let events: EventPipeline
    /// The telemetry writer.
    public let telemetryWriter: TelemetryBatchWriter
    /// The compiled rules.
    public let rules: RuleEngine
    /// Tickets, the knowledge base, the triage agent, the dispatcher and the tools.
    public let workflow: WorkflowServices
    let shadows: ShadowGateway
    /// Scores stored readings and raises anomaly events; `nil` when `anomaly.enabled` is false.
    let anomaly: AnomalyService?
    /// Places the calls triage requests; `nil` when `contact_center.enabled` is false.
    public let contactCenter: ContactCenterServices?
    /// Answers operators' questions from the stores and the knowledge base.
    public let chat: ChatEngine
    private let logger: Logger
    private let clock: @Sendable () -> Double
    private let group = NIOLockedValueBox<ServiceGroup?>(nil)

    /// Validates the configuration, opens the database and compiles the rules; fails with the
    /// offending key.
    public init(
        configuration: OneCallConfiguration, logger: Logger = Logger(label: "onecall"),
        clock: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }
    ) throws(ConfigurationError) {
        var security = try configuration.validatedSecurity()
        self.configuration = configuration
        self.clock = clock
        var logger = logger
        logger.logLevel = Logger.Level(rawValue: configuration.logLevel) ?? .info
        self.logger = logger
        self.rules = try configuration.validatedRules()
        do {
            try FileManager.default.createDirectory(
                atPath: configuration.dataDirectory, withIntermediateDirectories: true)
        } catch {
            throw ConfigurationError(key: "data_dir", reason: "cannot create \(configuration.dataDirectory)")
        }
        let path = configuration.databasePath
        do {
            self.storage = try SQLiteStorage(path: path)
        } catch {
            throw ConfigurationError(key: "storage.path", reason: "cannot open \(path): \(error)")
        }
        let registry = DeviceRegistry(
            store: storage, autoRegister: configuration.autoRegisterDevices, clock: clock,
            hashPassword: { password in
                let line = try PasswordFile.line(username: "device", password: password)
                return String(line.dropFirst("device:".count))
            })
        self.registry = registry
        security.credentials = { [registry] username in registry.passwordHash(for: username) }
        var brokerLogger = logger
        brokerLogger[metadataKey: "component"] = "broker"
        self.broker = Broker(configuration: configuration.broker, security: security, logger: brokerLogger)
        self.events = EventPipeline(store: storage)
        var writerLogger = logger
        writerLogger[metadataKey: "component"] = "telemetry"
        let written = WakeSignal()
        self.telemetryWriter = TelemetryBatchWriter(
            store: storage,
            configuration: .init(
                batchSize: configuration.telemetry.batchSize, flushInterval: configuration.telemetry.flushInterval,
                queueCapacity: configuration.telemetry.queueCapacity),
            onError: { [writerLogger] error in
                writerLogger.error("telemetry write failed; retrying", metadata: ["error": "\(error)"])
            }, onWritten: { written.signal() })
        do {
            self.shadows = try ShadowGateway(broker: broker, store: storage, clock: clock, logger: logger)
        } catch {
            throw ConfigurationError(key: "mqtt", reason: "cannot subscribe to the shadow topics: \(error)")
        }
        self.workflow = try WorkflowServices(
            configuration: configuration, storage: storage, events: events,
            commander: { [broker, shadows] in
                BrokerDeviceCommander(broker: broker, shadows: shadows, configuration: $0)
            }, runsActions: true, clock: clock, logger: logger)
        let library = workflow.library
        self.chat = ChatEngine(
            dataSource: ChatDataSource(
                tickets: storage, devices: storage, telemetry: storage, calls: storage,
                knowledge: { library.index }, clock: clock))
        if configuration.contactCenter.enabled {
            let contactCenter = try ContactCenterServices(
                configuration: configuration, storage: storage, clock: clock, logger: logger)
            // A recorded call request is placed at once, not at the next poll.
            workflow.dispatcher?.observe { _, outcome, _ in
                if case .done(_, .some) = outcome { contactCenter.service.wake() }
            }
            self.contactCenter = contactCenter
        } else {
            self.contactCenter = nil
        }
        if configuration.anomaly.enabled {
            var anomalyLogger = logger
            anomalyLogger[metadataKey: "component"] = "anomaly"
            self.anomaly = AnomalyService(
                configuration: configuration.anomaly, classifier: try Self.classifier(configuration),
                telemetry: storage, tickets: workflow.tickets, events: events, wake: written, clock: clock,
                logger: anomalyLogger)
        } else {
            self.anomaly = nil
        }
    }

    /// The classifier `anomaly.detector` asks for: required for `classifier`, loaded when its file
    /// exists for `auto`, none for `unsupervised`. A model file that exists but cannot be used fails.
    static func classifier(_ configuration: OneCallConfiguration) throws(ConfigurationError) -> AnomalyClassifier? {
        let anomaly = configuration.anomaly
        guard AnomalyConfiguration.detectors.contains(anomaly.detector) else {
            throw ConfigurationError(
                key: "anomaly.detector", reason: "expected \(AnomalyConfiguration.detectors.joined(separator: ", "))")
        }
        guard anomaly.detector != "unsupervised" else { return nil }
        let path = AnomalyModelFile.path(configuration)
        guard anomaly.detector == "classifier" || FileManager.default.fileExists(atPath: path) else { return nil }
        do {
            return try AnomalyModelFile.load(path: path)
        } catch {
            throw ConfigurationError(
                key: "anomaly.model",
                reason: "\(error) (train one with: onecall train --csv FILE --out \(path), or set anomaly.detector)")
        }
    }

    /// Runs until a shutdown signal or cancellation. `onReady` is called once every listener is bound.
    /// `companions` run in the same group after the server's own services; one whose
    /// `successTerminationBehavior` is `.gracefullyShutdownGroup` stops the server when it returns.
    public func run(
        handleSignals: Bool = true, companions: [ServiceGroupConfiguration.ServiceConfiguration] = [],
        onReady: @escaping @Sendable (OneCallEndpoints) async -> Void = { _ in }
    ) async throws {
        try await registry.load()
        if let file = configuration.devicesFile { try await importDevices(from: file) }

        // Services stop in the reverse of this order: listeners first, so that nothing new arrives;
        // then the pipeline drains into the writer, which stops last.
        var services: [any Service] = []
        let telemetry = configuration.telemetry
        let exportEnabled = telemetry.exportEnabled
        if exportEnabled {
            // Before the writer in the list, so it stops after the writer's last flush and exports it.
            let exporter = TelemetryExporter(
                store: storage,
                directory: telemetry.exportDirectory
                    ?? (configuration.dataDirectory as NSString).appendingPathComponent("telemetry"))
            services.append(
                PeriodicService(
                    name: "telemetry export", interval: telemetry.exportInterval, runAtStart: false,
                    runAtShutdown: true, logger: logger
                ) { try await exporter.exportPending() })
        }
        services.append(TelemetryWriterService(writer: telemetryWriter))
        let storage = self.storage
        services.append(
            PeriodicService(
                name: "database checkpoint", interval: 1, runAtStart: false, runAtShutdown: true, logger: logger
            ) { try await storage.checkpoint() })
        if telemetry.retentionDays > 0 {
            let clock = self.clock
            let retention = telemetry.retentionDays * 86_400
            services.append(
                PeriodicService(
                    name: "telemetry retention", interval: 3600, runAtStart: true, runAtShutdown: false, logger: logger
                ) {
                    // Never delete what the exporter has not written yet.
                    let exported =
                        exportEnabled ? (try await storage.checkpoint(TelemetryExporter.checkpointName) ?? 0) : nil
                    _ = try await storage.deleteReadings(before: clock() - retention, notAfter: exported)
                })
        }
        let pipeline = try RulePipeline(
            broker: broker, rules: rules.rules, writer: telemetryWriter, registry: registry, events: events,
            handlers: handlers(), configuration: telemetry, noErrorCodes: Set(configuration.noErrorCodes),
            clock: clock, logger: logger)
        services.append(pipeline)
        services.append(shadows)
        try await workflow.loadWatch()
        if !workflow.mailConfigured {
            logger.warning("smtp.host is not set: tickets are opened and their actions run, but no e-mail is sent")
        }
        if workflow.library.index.documents.isEmpty {
            logger.warning(
                "the knowledge base is empty: every error opens a ticket marked 'no runbook'",
                metadata: ["knowledge.directory": "\(workflow.library.directory)"])
        }
        let library = workflow.library
        services.append(
            PeriodicService(
                name: "knowledge reload", interval: 2, runAtStart: false, runAtShutdown: false, logger: logger
            ) { library.reloadIfChanged() })
        if let dispatcher = workflow.dispatcher { services.append(dispatcher) }
        services.append(workflow.agent)
        if let anomaly { services.append(anomaly) }
        if let contactCenter {
            services.append(contactCenter.providerService)
            services.append(contactCenter.service)
        }

        let listener = MQTTListener(broker: broker, configuration: configuration.mqtt)
        let mqttPort = try await listener.bind()
        services.append(listener)
        var tlsPort: Int?
        if let tls = configuration.mqttTLS {
            let tlsListener = MQTTListener(broker: broker, configuration: tls)
            tlsPort = try await tlsListener.bind()
            services.append(tlsListener)
        }
        var webSocketPort: Int?
        if let webSocket = configuration.mqttWebSocket {
            let webSocketListener = MQTTListener(broker: broker, configuration: webSocket)
            webSocketPort = try await webSocketListener.bind()
            services.append(webSocketListener)
        }
        services.append(BrokerSystemTopics(broker: broker, interval: configuration.broker.systemTopicInterval))
        let workflow = self.workflow
        let clock = self.clock
        var overview: (@Sendable () -> JSONObject)?
        if let contactCenter { overview = { contactCenter.overview(now: clock()) } }
        let metrics: @Sendable () -> [Metric] = {
            [telemetryWriter, registry, events, workflow, anomaly, contactCenter] in
            var metrics = Self.metrics(
                writer: telemetryWriter, pipeline: pipeline, registry: registry, events: events, shadows: shadows)
            metrics += Self.metrics(workflow)
            metrics += Self.metrics(anomaly)
            metrics += Self.metrics(contactCenter)
            return metrics
        }
        var api = APIServices(
            broker: broker, devices: registry, telemetry: storage, events: events, shadows: shadows,
            rules: RuleTester(rules: rules.rules, clock: clock), noErrorCodes: Set(configuration.noErrorCodes),
            maximumBodySize: configuration.httpMaximumBodySize, apiToken: configuration.httpAPIToken,
            metrics: metrics, clock: clock,
            workflow: WorkflowAPI(
                tickets: workflow.tickets, tools: workflow.tools, library: workflow.library,
                planner: workflow.planner.runbook, mcp: workflow.mcp, wake: { workflow.dispatcher?.wake() },
                search: { await workflow.search($0, limit: $1) }, calls: storage,
                contactCenter: overview, chat: chat))
        api.version = OneCallVersion.current
        api.operators = try Self.operators(configuration)
        let clearFault = try? configuration.workflow.validated().clearFault
        api.commandTopic = { (clearFault ?? ClearFaultConfiguration()).topic(for: $0) }
        let http = HTTPServer.makeService(configuration: configuration.http, services: api, logger: logger) {
            [logger, tlsPort, webSocketPort] httpPort in
            let endpoints = OneCallEndpoints(
                mqttPort: mqttPort, mqttTLSPort: tlsPort, mqttWebSocketPort: webSocketPort, httpPort: httpPort)
            logger.info(
                "OneCall is ready",
                metadata: [
                    "mqtt.port": "\(mqttPort)", "mqtt.tls_port": "\(tlsPort.map(String.init) ?? "-")",
                    "mqtt.websocket_port": "\(webSocketPort.map(String.init) ?? "-")",
                    "http.port": "\(httpPort)",
                ])
            await onReady(endpoints)
        }
        services.append(http)
        var groupConfiguration = ServiceGroupConfiguration(
            services: services.map { .init(service: $0) } + companions,
            gracefulShutdownSignals: handleSignals ? [.sigterm, .sigint] : [],
            logger: logger)
        // A store that keeps failing must not keep the process from stopping: after this long the
        // remaining services are cancelled, and what could not be written is counted as lost.
        groupConfiguration.maximumGracefulShutdownDuration = .seconds(configuration.shutdownTimeout)
        let group = ServiceGroup(configuration: groupConfiguration)
        self.group.withLockedValue { $0 = group }
        try await group.run()
    }

    /// The operator accounts of `http.operators_file`, read and checked at start.
    static func operators(_ configuration: OneCallConfiguration) throws(ConfigurationError) -> OperatorSessions? {
        guard let path = configuration.operatorsFilePath else { return nil }
        guard let data = FileManager.default.contents(atPath: path), data.count <= 4 << 20 else {
            throw ConfigurationError(key: "http.operators_file", reason: "cannot read \(path) (or larger than 4 MiB)")
        }
        let accounts: PasswordFile
        do {
            accounts = try PasswordFile(parsing: String(decoding: data, as: UTF8.self))
        } catch {
            throw ConfigurationError(key: "http.operators_file", reason: "\(path): \(error.reason)")
        }
        return OperatorSessions(accounts: accounts)
    }

    /// Stops a running server gracefully, as SIGTERM does.
    public func shutdown() async {
        await group.withLockedValue { $0 }?.triggerGracefulShutdown()
    }

    /// The handlers rules can call by name.
    private func handlers() -> [String: RulePipeline.Handler] {
        let logger = self.logger
        let workflow = self.workflow
        let deviceIDFields = configuration.telemetry.deviceIDFields
        let clock = self.clock
        return [
            "fault_cleared": { _, output, input in
                guard workflow.watch.count > 0 else { return }
                var deviceID: String?
                if case .json(.object(let object)) = output.payload {
                    deviceID = deviceIDFields.lazy.compactMap { object[$0]?.stringValue }.first { !$0.isEmpty }
                }
                guard let device = deviceID ?? input.clientID else { return }
                let confirmed = try await workflow.deviceReportedNoError(device, at: clock())
                for ticket in confirmed {
                    logger.info(
                        "fault cleared, confirmed by the device",
                        metadata: ["ticket.id": "\(ticket.uniqueID)", "device.id": "\(device)"])
                }
            },
            "log": { rule, output, input in
                logger.info(
                    "rule output",
                    metadata: [
                        "rule": "\(rule)", "topic": "\(input.topic)",
                        "output": "\(String(decoding: output.payload.bytes.prefix(1024), as: UTF8.self))",
                    ])
            },
        ]
    }

    private func importDevices(from file: String) async throws {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw ConfigurationError(key: "devices.file", reason: "cannot read \(file)")
        }
        guard data.count <= 64 << 20 else {
            throw ConfigurationError(key: "devices.file", reason: "larger than 64 MiB")
        }
        do {
            let result = try await registry.importDevices(try DeviceImport.descriptions(from: Array(data)))
            logger.info(
                "devices imported", metadata: ["created": "\(result.created)", "updated": "\(result.updated)"])
        } catch {
            throw ConfigurationError(key: "devices.file", reason: "\(error)")
        }
    }

    private static func metrics(_ contactCenter: ContactCenterServices?) -> [Metric] {
        guard let contactCenter else { return [] }
        let c = contactCenter.service.statistics
        return [
            Metric(name: "call_attempts_total", value: Double(c.attempts), help: "calls placed"),
            Metric(name: "call_acknowledged_total", value: Double(c.acknowledged), help: "attempts acknowledged"),
            Metric(name: "call_resolved_total", value: Double(c.resolved), help: "attempts that resolved the ticket"),
            Metric(name: "call_snoozed_total", value: Double(c.snoozed), help: "attempts snoozed"),
            Metric(
                name: "call_unanswered_total", value: Double(c.unanswered),
                help: "attempts not answered, busy, refused, or answered without a key"),
            Metric(name: "call_failed_total", value: Double(c.failed), help: "attempts the provider could not place"),
            Metric(name: "call_exhausted_total", value: Double(c.exhausted), help: "calls nobody acknowledged"),
            Metric(name: "call_cancelled_total", value: Double(c.cancelled), help: "calls ended by the ticket"),
            Metric(name: "calls_active", value: Double(c.active), isGauge: true, help: "calls being placed now"),
        ]
    }

    private static func metrics(_ anomaly: AnomalyService?) -> [Metric] {
        guard let anomaly else { return [] }
        let a = anomaly.currentStatistics
        return [
            Metric(name: "anomaly_readings_scored_total", value: Double(a.readingsScored), help: "readings scored"),
            Metric(name: "anomaly_abnormal_readings_total", value: Double(a.abnormalReadings)),
            Metric(name: "anomaly_unreadable_readings_total", value: Double(a.unreadable)),
            Metric(name: "anomaly_crossings_total", value: Double(a.crossings), help: "abnormal shares that crossed"),
            Metric(name: "anomaly_events_total", value: Double(a.eventsRaised), help: "anomaly events raised"),
            Metric(name: "anomaly_events_suppressed_total", value: Double(a.eventsSuppressed)),
            Metric(name: "anomaly_failures_total", value: Double(a.failures)),
            Metric(name: "anomaly_devices", value: Double(a.devices), isGauge: true),
            Metric(name: "anomaly_devices_evicted_total", value: Double(a.evictedDevices)),
        ]
    }

    private static func metrics(_ workflow: WorkflowServices) -> [Metric] {
        let t = workflow.agent.statistics
        let d = workflow.dispatcher?.statistics ?? ActionDispatcher.Statistics()
        let l = workflow.planner.statistics
        return [
            Metric(name: "tickets_opened_total", value: Double(t.opened), help: "tickets opened by triage"),
            Metric(name: "tickets_repeats_total", value: Double(t.repeated), help: "errors counted on an open ticket"),
            Metric(name: "triage_replays_total", value: Double(t.replayed), help: "events triaged before"),
            Metric(name: "triage_recovered_total", value: Double(t.recovered), help: "events found untriaged"),
            Metric(name: "triage_failures_total", value: Double(t.failed)),
            Metric(name: "actions_done_total", value: Double(d.done)),
            Metric(name: "actions_retried_total", value: Double(d.retried)),
            Metric(name: "actions_failed_total", value: Double(d.failed)),
            Metric(name: "actions_running", value: Double(d.running), isGauge: true),
            Metric(name: "tool_calls_total", value: Double(workflow.tools.statistics.calls)),
            Metric(name: "tool_calls_refused_total", value: Double(workflow.tools.statistics.refused)),
            Metric(name: "tool_calls_failed_total", value: Double(workflow.tools.statistics.failed)),
            Metric(name: "llm_plans_total", value: Double(l.planned)),
            Metric(name: "llm_fallbacks_total", value: Double(l.fallbackCount)),
            Metric(name: "knowledge_documents", value: Double(workflow.library.index.documents.count), isGauge: true),
            Metric(name: "knowledge_failed_documents", value: Double(workflow.library.failures.count), isGauge: true),
            Metric(name: "fault_clear_watched_devices", value: Double(workflow.watch.count), isGauge: true),
        ]
    }

    private static func metrics(
        writer: TelemetryBatchWriter, pipeline: RulePipeline, registry: DeviceRegistry, events: EventPipeline,
        shadows: ShadowGateway
    ) -> [Metric] {
        let w = writer.statistics
        let p = pipeline.statistics
        let r = registry.statistics
        let e = events.statistics
        let s = shadows.statistics
        return [
            Metric(name: "rules_messages_total", value: Double(p.messages), help: "messages offered to the rules"),
            Metric(name: "rules_matches_total", value: Double(p.matches)),
            Metric(name: "rules_evaluation_errors_total", value: Double(p.evaluationErrors)),
            Metric(name: "rules_actions_total", value: Double(p.actionsRun)),
            Metric(name: "rules_action_failures_total", value: Double(p.actionFailures)),
            Metric(name: "telemetry_readings_accepted_total", value: Double(p.readingsAccepted)),
            Metric(name: "telemetry_readings_rejected_total", value: Double(p.readingsRejected)),
            Metric(name: "telemetry_readings_dead_lettered_total", value: Double(p.readingsDeadLettered)),
            Metric(name: "telemetry_readings_written_total", value: Double(w.readingsWritten)),
            Metric(name: "telemetry_dead_letters_written_total", value: Double(w.deadLettersWritten)),
            Metric(name: "telemetry_batches_written_total", value: Double(w.batchesWritten)),
            Metric(name: "telemetry_write_failures_total", value: Double(w.writeFailures)),
            Metric(name: "telemetry_records_lost_total", value: Double(w.recordsLost)),
            Metric(name: "telemetry_queue_length", value: Double(w.queued), isGauge: true),
            Metric(name: "devices_registered", value: Double(registry.count), isGauge: true),
            Metric(name: "devices_auto_registered_total", value: Double(r.autoRegistered)),
            Metric(name: "events_accepted_total", value: Double(e.accepted)),
            Metric(name: "events_ignored_total", value: Double(e.ignored)),
            Metric(name: "events_rejected_total", value: Double(e.rejected)),
            Metric(name: "shadow_requests_accepted_total", value: Double(s.accepted)),
            Metric(name: "shadow_requests_rejected_total", value: Double(s.rejected)),
            Metric(name: "shadow_invalid_topics_total", value: Double(s.invalidTopics)),
            Metric(name: "shadow_store_failures_total", value: Double(s.storeFailures)),
            Metric(name: "shadow_requests_dropped_total", value: Double(s.dropped)),
        ]
    }
}
