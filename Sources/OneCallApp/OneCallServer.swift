import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import OneCallBroker
import OneCallHTTP
import ServiceLifecycle

/// The addresses a started server listens on.
public struct OneCallEndpoints: Sendable, Equatable {
    /// The plain MQTT port.
    public var mqttPort: Int
    /// The TLS MQTT port, if configured.
    public var mqttTLSPort: Int?
    /// The HTTP port.
    public var httpPort: Int
}

/// The composition root: turns a configuration into the broker, its listeners, the HTTP server and
/// the timers, and runs them in one service group until SIGTERM/SIGINT or cancellation.
public struct OneCallServer: Sendable {
    /// The validated configuration.
    public let configuration: OneCallConfiguration
    /// The embedded MQTT broker, for in-process publishers and subscribers.
    public let broker: Broker
    private let logger: Logger
    private let group = NIOLockedValueBox<ServiceGroup?>(nil)

    /// Validates the configuration and builds the parts; fails with the offending key.
    public init(configuration: OneCallConfiguration, logger: Logger = Logger(label: "onecall"))
        throws(ConfigurationError)
    {
        let security = try configuration.validatedSecurity()
        self.configuration = configuration
        var logger = logger
        logger.logLevel = Logger.Level(rawValue: configuration.logLevel) ?? .info
        self.logger = logger
        var brokerLogger = logger
        brokerLogger[metadataKey: "component"] = "broker"
        self.broker = Broker(configuration: configuration.broker, security: security, logger: brokerLogger)
    }

    /// Runs until a shutdown signal or cancellation. `onReady` is called once every listener is bound.
    /// `companions` run in the same group after the server's own services; one whose
    /// `successTerminationBehavior` is `.gracefullyShutdownGroup` stops the server when it returns.
    public func run(
        handleSignals: Bool = true, companions: [ServiceGroupConfiguration.ServiceConfiguration] = [],
        onReady: @escaping @Sendable (OneCallEndpoints) async -> Void = { _ in }
    ) async throws {
        do {
            try FileManager.default.createDirectory(
                atPath: configuration.dataDirectory, withIntermediateDirectories: true)
        } catch {
            throw ConfigurationError(key: "data_dir", reason: "cannot create \(configuration.dataDirectory)")
        }
        let listener = MQTTListener(broker: broker, configuration: configuration.mqtt)
        let mqttPort = try await listener.bind()
        var services: [any Service] = [listener]
        var tlsPort: Int?
        if let tls = configuration.mqttTLS {
            let tlsListener = MQTTListener(broker: broker, configuration: tls)
            tlsPort = try await tlsListener.bind()
            services.append(tlsListener)
        }
        services.append(BrokerSystemTopics(broker: broker, interval: configuration.broker.systemTopicInterval))
        let http = HTTPServer.makeService(configuration: configuration.http, broker: broker, logger: logger) {
            [logger, tlsPort] httpPort in
            let endpoints = OneCallEndpoints(mqttPort: mqttPort, mqttTLSPort: tlsPort, httpPort: httpPort)
            logger.info(
                "OneCall is ready",
                metadata: [
                    "mqtt.port": "\(mqttPort)", "mqtt.tls_port": "\(tlsPort.map(String.init) ?? "-")",
                    "http.port": "\(httpPort)",
                ])
            await onReady(endpoints)
        }
        services.append(http)
        let group = ServiceGroup(
            configuration: .init(
                services: services.map { .init(service: $0) } + companions,
                gracefulShutdownSignals: handleSignals ? [.sigterm, .sigint] : [],
                logger: logger))
        self.group.withLockedValue { $0 = group }
        try await group.run()
    }

    /// Stops a running server gracefully, as SIGTERM does.
    public func shutdown() async {
        await group.withLockedValue { $0 }?.triggerGracefulShutdown()
    }
}
