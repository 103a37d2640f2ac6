import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import NIOWebSocket
import ServiceLifecycle
import X509

/// Where and how one MQTT listener accepts connections.
public struct MQTTListenerConfiguration: Sendable {
    /// TLS settings of a listener.
    public struct TLS: Sendable {
        /// PEM file with the server certificate chain.
        public var certificateFile: String
        /// PEM file with the server's private key.
        public var privateKeyFile: String
        /// PEM file of CA certificates that client certificates must chain to.
        public var caFile: String?
        /// Whether a client certificate is required (otherwise optional, and verified when sent).
        public var requireClientCertificate: Bool
        /// Whether a client certificate's subject CN is the client's identity (user name).
        public var useCertificateIdentity: Bool

        /// Creates TLS settings.
        public init(
            certificateFile: String, privateKeyFile: String, caFile: String? = nil,
            requireClientCertificate: Bool = false, useCertificateIdentity: Bool = true
        ) {
            self.certificateFile = certificateFile
            self.privateKeyFile = privateKeyFile
            self.caFile = caFile
            self.requireClientCertificate = requireClientCertificate
            self.useCertificateIdentity = useCertificateIdentity
        }
    }

    /// The address to bind.
    public var host: String
    /// The port to bind; 0 picks a free one.
    public var port: Int
    /// TLS, or `nil` for plain TCP.
    public var tls: TLS?
    /// Whether clients speak MQTT over WebSocket (an HTTP upgrade with subprotocol `mqtt`, on any
    /// path) instead of MQTT on the bare connection.
    public var webSocket: Bool

    /// Creates a listener configuration.
    public init(host: String = "127.0.0.1", port: Int = 1883, tls: TLS? = nil, webSocket: Bool = false) {
        self.host = host
        self.port = port
        self.tls = tls
        self.webSocket = webSocket
    }

    /// The subject CN of the client certificate on `channel`, when this listener uses it as identity.
    func certificateIdentity(of channel: (any Channel)?) -> String? {
        guard let tls, tls.useCertificateIdentity, let channel,
            let handler = try? channel.pipeline.syncOperations.handler(type: NIOSSLServerHandler.self),
            let peer = handler.peerCertificate,
            let der = try? peer.toDERBytes(),
            let certificate = try? Certificate(derEncoded: der)
        else { return nil }
        for rdn in certificate.subject {
            for attribute in rdn where attribute.type == .RDNAttributeType.commonName {
                return attribute.value.description
            }
        }
        return nil
    }
}

/// A TCP (optionally TLS) listener that feeds connections to a ``Broker``; a service that runs until
/// graceful shutdown, then stops accepting and closes.
///
/// A plain-TCP listener runs on the broker's own reactor (``ReactorListener``), where an idle
/// connection costs a few hundred bytes; TLS and WebSocket listeners run on SwiftNIO channels.
public final class MQTTListener: Service, Sendable {
    private let broker: Broker
    private let configuration: MQTTListenerConfiguration
    private let group: any EventLoopGroup
    private let serverChannel = NIOLockedValueBox<(any Channel)?>(nil)
    private let connections = ConnectionRegistry()
    #if os(Linux)
        private let reactorListener = NIOLockedValueBox<ReactorListener?>(nil)
    #endif
    private let boundPort = NIOLockedValueBox<Int?>(nil)

    /// Creates a listener; call ``bind()`` before running it.
    public init(
        broker: Broker, configuration: MQTTListenerConfiguration,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) {
        self.broker = broker
        self.configuration = configuration
        self.group = group
    }

    /// Binds the socket and returns the port it listens on.
    @discardableResult
    public func bind() async throws -> Int {
        #if os(Linux)
            if configuration.tls == nil && !configuration.webSocket {
                let listener = try ReactorListener(broker: broker, configuration: configuration)
                try await listener.start()
                reactorListener.withLockedValue { $0 = listener }
                boundPort.withLockedValue { $0 = listener.port }
                broker.logger.info(
                    "MQTT listener started",
                    metadata: [
                        "mqtt.address": "\(listener.address)", "mqtt.tls": "false", "mqtt.websocket": "false",
                    ])
                return listener.port
            }
        #endif
        let sslContext: NIOSSLContext? = try configuration.tls.map { tls in
            var tlsConfiguration = TLSConfiguration.makeServerConfiguration(
                certificateChain: try NIOSSLCertificate.fromPEMFile(tls.certificateFile).map { .certificate($0) },
                privateKey: .privateKey(try NIOSSLPrivateKey(file: tls.privateKeyFile, format: .pem)))
            if let ca = tls.caFile {
                tlsConfiguration.trustRoots = .file(ca)
                tlsConfiguration.certificateVerification =
                    tls.requireClientCertificate ? .noHostnameVerification : .optionalVerification
            }
            return try NIOSSLContext(configuration: tlsConfiguration)
        }
        let broker = self.broker
        let configuration = self.configuration
        let connections = self.connections
        var bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            // Idle devices send small packets: start reads small and let busy connections grow them.
            .childChannelOption(
                .recvAllocator, value: AdaptiveRecvByteBufferAllocator(minimum: 64, initial: 512, maximum: 65536)
            )
            .childChannelOption(.writeBufferWaterMark, value: .init(low: 32 * 1024, high: 256 * 1024))
            .childChannelInitializer { channel in
                guard configuration.webSocket else {
                    return channel.eventLoop.makeCompletedFuture {
                        if let sslContext {
                            try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: sslContext))
                        }
                        try channel.pipeline.syncOperations.addHandler(
                            MQTTChannelHandler(
                                broker: broker, listener: configuration, eventLoop: channel.eventLoop,
                                registry: connections))
                    }
                }
                return Self.configureWebSocket(
                    channel, sslContext: sslContext, broker: broker, configuration: configuration,
                    connections: connections)
            }
        let receiveBuffer = broker.configuration.socketReceiveBufferSize
        if receiveBuffer > 0 {
            bootstrap = bootstrap.childChannelOption(.socketOption(.so_rcvbuf), value: SocketOptionValue(receiveBuffer))
        }
        let channel = try await bootstrap.bind(host: configuration.host, port: configuration.port).get()
        serverChannel.withLockedValue { $0 = channel }
        boundPort.withLockedValue { $0 = channel.localAddress?.port }
        broker.logger.info(
            "MQTT listener started",
            metadata: [
                "mqtt.address": "\(channel.localAddress.map { "\($0)" } ?? "?")",
                "mqtt.tls": "\(configuration.tls != nil)", "mqtt.websocket": "\(configuration.webSocket)",
            ])
        return channel.localAddress?.port ?? configuration.port
    }

    /// An HTTP server that upgrades to WebSocket with subprotocol `mqtt`, then hands the byte
    /// stream to an MQTT connection. Frames are bounded by the broker's maximum packet size.
    private static func configureWebSocket(
        _ channel: any Channel, sslContext: NIOSSLContext?, broker: Broker,
        configuration: MQTTListenerConfiguration, connections: ConnectionRegistry
    ) -> EventLoopFuture<Void> {
        let upgrader = NIOWebSocketServerUpgrader(
            maxFrameSize: min(broker.configuration.maximumPacketSize + 1024, 1 << 30),
            automaticErrorHandling: true,
            shouldUpgrade: { channel, head in
                guard let subprotocol = MQTTWebSocketFraming.subprotocol(offered: head.headers) else {
                    return channel.eventLoop.makeSucceededFuture(nil)
                }
                return channel.eventLoop.makeSucceededFuture(["Sec-WebSocket-Protocol": subprotocol])
            },
            upgradePipelineHandler: { channel, _ in
                channel.eventLoop.makeCompletedFuture {
                    // The refusal answers plain HTTP requests only; the upgraded stream is MQTT.
                    channel.pipeline.removeHandler(name: MQTTWebSocketRefusal.name, promise: nil)
                    try channel.pipeline.syncOperations.addHandler(MQTTWebSocketFraming())
                    try channel.pipeline.syncOperations.addHandler(
                        MQTTChannelHandler(
                            broker: broker, listener: configuration, eventLoop: channel.eventLoop,
                            registry: connections, activatesOnAdd: true))
                }
            })
        return channel.eventLoop.makeCompletedFuture {
            if let sslContext {
                try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: sslContext))
            }
            try channel.pipeline.syncOperations.configureHTTPServerPipeline(
                withServerUpgrade: (upgraders: [upgrader], completionHandler: { _ in }))
            try channel.pipeline.syncOperations.addHandler(MQTTWebSocketRefusal(), name: MQTTWebSocketRefusal.name)
        }
    }

    /// The bound port, once ``bind()`` has returned.
    public var port: Int? { boundPort.withLockedValue { $0 } }

    /// Runs until graceful shutdown; then stops accepting and closes every client connection
    /// (a 5.0 client is told DISCONNECT 0x8B, server shutting down).
    public func run() async throws {
        if port == nil { try await bind() }
        try? await gracefulShutdown()
        #if os(Linux)
            if let listener = reactorListener.withLockedValue({ $0 }) {
                await listener.stop()
                return
            }
        #endif
        let channel = serverChannel.withLockedValue { $0 }
        try? await channel?.close()
        for connection in connections.all() { connection.shutDown() }
    }
}

/// The open connections of one listener, so that shutdown can close them.
final class ConnectionRegistry: Sendable {
    private let connections = NIOLockedValueBox<[ObjectIdentifier: MQTTServerConnection]>([:])

    func add(_ connection: MQTTServerConnection) {
        connections.withLockedValue { $0[ObjectIdentifier(connection)] = connection }
    }

    func remove(_ connection: MQTTServerConnection) {
        _ = connections.withLockedValue { $0.removeValue(forKey: ObjectIdentifier(connection)) }
    }

    func all() -> [MQTTServerConnection] {
        connections.withLockedValue { Array($0.values) }
    }
}
