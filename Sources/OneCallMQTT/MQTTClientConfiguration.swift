import NIOCore
import NIOSSL

/// How an ``MQTTClient`` connects: broker address, identity, session and reconnection policy.
public struct MQTTClientConfiguration: Sendable {
    /// Back-off between reconnection attempts: `initialDelay` doubling up to `maximumDelay`, with
    /// up to `jitter` (a fraction) added at random.
    public struct Reconnect: Sendable {
        public var initialDelay: TimeAmount
        public var maximumDelay: TimeAmount
        public var jitter: Double

        /// Creates a policy.
        public init(
            initialDelay: TimeAmount = .milliseconds(250), maximumDelay: TimeAmount = .seconds(30), jitter: Double = 0.2
        ) {
            self.initialDelay = initialDelay
            self.maximumDelay = maximumDelay
            self.jitter = jitter
        }
    }

    public var host: String
    public var port: Int
    public var clientIdentifier: String
    public var protocolVersion: MQTTProtocolVersion
    public var cleanStart: Bool
    /// Keep alive in seconds (0: off); a PINGREQ is sent when idle this long.
    public var keepAlive: UInt16
    public var username: String?
    public var password: [UInt8]?
    public var will: MQTTWill?
    /// Session Expiry Interval (5.0) in seconds.
    public var sessionExpiryInterval: UInt32?
    /// TLS, or `nil` for plain TCP.
    public var tls: TLSConfiguration?
    /// The server name for TLS (SNI and verification); defaults to `host`.
    public var tlsServerName: String?
    /// Reconnection after a lost connection, or `nil` to stay disconnected.
    public var reconnect: Reconnect?
    /// Time allowed for TCP, TLS and CONNACK.
    public var connectTimeout: TimeAmount
    /// Largest packet accepted from the broker.
    public var maximumPacketSize: Int
    /// Incoming messages buffered for ``MQTTClient/messages`` at most; older ones are kept, newer dropped and counted.
    public var messageBufferLimit: Int

    /// Creates a configuration with defaults for everything but the address and client identifier.
    public init(
        host: String = "127.0.0.1", port: Int = 1883, clientIdentifier: String,
        protocolVersion: MQTTProtocolVersion = .v5, cleanStart: Bool = true, keepAlive: UInt16 = 60,
        username: String? = nil, password: [UInt8]? = nil, will: MQTTWill? = nil, sessionExpiryInterval: UInt32? = nil,
        tls: TLSConfiguration? = nil, reconnect: Reconnect? = Reconnect(), connectTimeout: TimeAmount = .seconds(10),
        maximumPacketSize: Int = 1 << 20, messageBufferLimit: Int = 10_000
    ) {
        self.host = host
        self.port = port
        self.clientIdentifier = clientIdentifier
        self.protocolVersion = protocolVersion
        self.cleanStart = cleanStart
        self.keepAlive = keepAlive
        self.username = username
        self.password = password
        self.will = will
        self.sessionExpiryInterval = sessionExpiryInterval
        self.tls = tls
        self.reconnect = reconnect
        self.connectTimeout = connectTimeout
        self.maximumPacketSize = maximumPacketSize
        self.messageBufferLimit = messageBufferLimit
    }
}

/// Why a client operation failed.
public struct MQTTClientError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kinds of failure.
    public enum Code: String, Sendable {
        case notConnected, connectionRefused, connectionClosed, timeout, protocolError, shutDown
    }

    public var code: Code
    /// The broker's reason code, when it gave one.
    public var reasonCode: MQTTReasonCode?

    /// Creates an error.
    public init(_ code: Code, reasonCode: MQTTReasonCode? = nil) {
        self.code = code
        self.reasonCode = reasonCode
    }

    public var description: String {
        "MQTT client: \(code.rawValue)" + (reasonCode.map { " (reason \($0))" } ?? "")
    }
}
