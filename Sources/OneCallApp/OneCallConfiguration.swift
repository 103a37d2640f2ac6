import Foundation
import OneCallBroker
import OneCallHTTP

/// Everything `onecall serve` needs, read from one JSON file, then environment variables, then flags.
///
/// Keys are dotted paths (`mqtt.port`); in the file they nest (`{"mqtt": {"port": 1883}}`). Each key
/// can also be set by an environment variable named after it in upper case with `_` for `.`
/// (`MQTT_PORT`). Unknown keys and invalid values fail at start, naming the key and the reason.
public struct OneCallConfiguration: Sendable {
    /// Where OneCall keeps its files.
    public var dataDirectory = "./onecall-data"
    /// The plain-TCP MQTT listener.
    public var mqtt = MQTTListenerConfiguration(host: "127.0.0.1", port: 1883)
    /// The TLS MQTT listener, if configured.
    public var mqttTLS: MQTTListenerConfiguration?
    /// Broker limits.
    public var broker = BrokerConfiguration()
    /// Whether clients without credentials may connect (default: only when no password file is set).
    public var allowAnonymous: Bool?
    /// Password file in `mosquitto_passwd` format.
    public var passwordFile: String?
    /// Access control list in Mosquitto `acl_file` format.
    public var aclFile: String?
    /// The HTTP listener.
    public var http = HTTPConfiguration(host: "127.0.0.1", port: 8080)
    /// Log level: trace, debug, info, notice, warning, error, critical.
    public var logLevel = "info"

    /// The defaults.
    public init() {}

    /// One configuration key: its name, what it takes, and where it goes.
    struct Key {
        enum Kind {
            case string
            case int(ClosedRange<Int>)
            case double(ClosedRange<Double>)
            case bool
        }
        let name: String
        let kind: Kind
        let help: String
        let apply: @Sendable (inout OneCallConfiguration, Any) -> Void
    }

    static let keys: [Key] = [
        Key(name: "data_dir", kind: .string, help: "directory for OneCall's files") {
            $0.dataDirectory = $1 as! String
        },
        Key(name: "log_level", kind: .string, help: "trace|debug|info|notice|warning|error|critical") {
            $0.logLevel = $1 as! String
        },
        Key(name: "mqtt.host", kind: .string, help: "MQTT listen address") { $0.mqtt.host = $1 as! String },
        Key(name: "mqtt.port", kind: .int(0...65535), help: "MQTT listen port") { $0.mqtt.port = $1 as! Int },
        Key(name: "mqtt.allow_anonymous", kind: .bool, help: "let clients connect without credentials") {
            $0.allowAnonymous = ($1 as! Bool)
        },
        Key(name: "mqtt.password_file", kind: .string, help: "mosquitto_passwd-format file") {
            $0.passwordFile = ($1 as! String)
        },
        Key(name: "mqtt.acl_file", kind: .string, help: "Mosquitto acl_file-format file") {
            $0.aclFile = ($1 as! String)
        },
        Key(name: "mqtt.tls.host", kind: .string, help: "TLS listen address") {
            $0.tlsListener.host = $1 as! String
        },
        Key(name: "mqtt.tls.port", kind: .int(0...65535), help: "TLS listen port") { $0.tlsListener.port = $1 as! Int },
        Key(name: "mqtt.tls.certificate", kind: .string, help: "server certificate chain (PEM)") {
            $0.tlsListener.tls!.certificateFile = $1 as! String
        },
        Key(name: "mqtt.tls.private_key", kind: .string, help: "server private key (PEM)") {
            $0.tlsListener.tls!.privateKeyFile = $1 as! String
        },
        Key(name: "mqtt.tls.ca", kind: .string, help: "CA certificates for client certificates (PEM)") {
            $0.tlsListener.tls!.caFile = ($1 as! String)
        },
        Key(name: "mqtt.tls.require_client_certificate", kind: .bool, help: "refuse clients without a certificate") {
            $0.tlsListener.tls!.requireClientCertificate = $1 as! Bool
        },
        Key(name: "mqtt.tls.use_identity_as_username", kind: .bool, help: "client certificate CN is the user name") {
            $0.tlsListener.tls!.useCertificateIdentity = $1 as! Bool
        },
        Key(name: "mqtt.max_packet_size", kind: .int(64...268_435_460), help: "largest packet accepted, bytes") {
            $0.broker.maximumPacketSize = $1 as! Int
        },
        Key(name: "mqtt.max_connections", kind: .int(1...10_000_000), help: "concurrent connections") {
            $0.broker.maximumConnections = $1 as! Int
        },
        Key(name: "mqtt.max_inflight_messages", kind: .int(1...65535), help: "outbound QoS 1/2 window per client") {
            $0.broker.maximumInflightMessages = $1 as! Int
        },
        Key(name: "mqtt.receive_maximum", kind: .int(1...65535), help: "inbound QoS 2 window per client") {
            $0.broker.receiveMaximum = $1 as! Int
        },
        Key(name: "mqtt.max_queued_messages", kind: .int(0...10_000_000), help: "queued messages per session") {
            $0.broker.maximumQueuedMessages = $1 as! Int
        },
        Key(name: "mqtt.backpressure_queue_length", kind: .int(0...10_000_000), help: "queue that pauses publishers") {
            $0.broker.backPressureQueueLength = $1 as! Int
        },
        Key(name: "mqtt.publisher_pause_limit", kind: .double(0.001...60), help: "longest publisher pause, s") {
            $0.broker.publisherPauseLimit = $1 as! Double
        },
        Key(name: "mqtt.socket_receive_buffer", kind: .int(0...64 << 20), help: "bytes per socket (0: kernel)") {
            $0.broker.socketReceiveBufferSize = $1 as! Int
        },
        Key(name: "mqtt.max_queued_bytes", kind: .int(0...Int(Int32.max)), help: "queued bytes per session") {
            $0.broker.maximumQueuedBytes = $1 as! Int
        },
        Key(name: "mqtt.max_retained_bytes", kind: .int(0...Int(Int32.max)), help: "retained payload bytes") {
            $0.broker.maximumRetainedBytes = $1 as! Int
        },
        Key(name: "mqtt.max_retained_messages", kind: .int(0...100_000_000), help: "retained messages kept") {
            $0.broker.maximumRetainedMessages = $1 as! Int
        },
        Key(name: "mqtt.topic_alias_maximum", kind: .int(0...65535), help: "inbound topic aliases per client") {
            $0.broker.topicAliasMaximum = $1 as! Int
        },
        Key(name: "mqtt.outbound_topic_alias_maximum", kind: .int(0...65535), help: "outbound topic aliases") {
            $0.broker.outboundTopicAliasMaximum = $1 as! Int
        },
        Key(name: "mqtt.max_keepalive", kind: .int(0...65535), help: "longest keep alive, seconds (0: any)") {
            $0.broker.maximumKeepAlive = $1 as! Int
        },
        Key(name: "mqtt.max_session_expiry", kind: .int(0...Int(UInt32.max)), help: "longest session expiry, s") {
            $0.broker.maximumSessionExpiryInterval = UInt32($1 as! Int)
        },
        Key(name: "mqtt.connect_timeout", kind: .double(0.1...3600), help: "seconds to wait for CONNECT") {
            $0.broker.connectTimeout = $1 as! Double
        },
        Key(name: "mqtt.max_subscriptions_per_session", kind: .int(1...1_000_000), help: "filters per session") {
            $0.broker.maximumSubscriptionsPerSession = $1 as! Int
        },
        Key(name: "mqtt.retain_available", kind: .bool, help: "support retained messages") {
            $0.broker.retainAvailable = $1 as! Bool
        },
        Key(name: "mqtt.sys_interval", kind: .double(0...86400), help: "seconds between $SYS updates (0: off)") {
            $0.broker.systemTopicInterval = $1 as! Double
        },
        Key(name: "http.host", kind: .string, help: "HTTP listen address") { $0.http.host = $1 as! String },
        Key(name: "http.port", kind: .int(0...65535), help: "HTTP listen port") { $0.http.port = $1 as! Int },
    ]

    /// The TLS listener, created with placeholders on first use by a `mqtt.tls.*` key.
    private var tlsListener: MQTTListenerConfiguration {
        get {
            mqttTLS
                ?? MQTTListenerConfiguration(
                    host: mqtt.host, port: 8883, tls: .init(certificateFile: "", privateKeyFile: ""))
        }
        set { mqttTLS = newValue }
    }

    /// Reads a configuration: defaults, then the JSON file (if any), then environment variables.
    public static func load(file: String?, environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(ConfigurationError) -> OneCallConfiguration
    {
        var configuration = OneCallConfiguration()
        if let file {
            let data: Data
            do {
                data = try Data(contentsOf: URL(fileURLWithPath: file))
            } catch {
                throw ConfigurationError(key: file, reason: "cannot read the file")
            }
            guard data.count <= 1 << 20 else { throw ConfigurationError(key: file, reason: "file larger than 1 MiB") }
            let object: ConfigurationValue
            do {
                object = try JSONDecoder().decode(ConfigurationValue.self, from: data)
            } catch {
                throw ConfigurationError(key: file, reason: "not valid JSON")
            }
            guard case .object(let root) = object else {
                throw ConfigurationError(key: file, reason: "the top level must be a JSON object")
            }
            var flat: [(String, ConfigurationValue)] = []
            flatten(root, prefix: "", into: &flat)
            for (name, value) in flat { try configuration.set(name, value) }
        }
        for key in keys {
            let variable = key.name.uppercased().replacingOccurrences(of: ".", with: "_")
            if let text = environment[variable] { try configuration.set(key.name, .string(text)) }
        }
        return configuration
    }

    private static func flatten(
        _ object: [String: ConfigurationValue], prefix: String, into out: inout [(String, ConfigurationValue)]
    ) {
        for (k, v) in object.sorted(by: { $0.key < $1.key }) {
            let name = prefix.isEmpty ? k : "\(prefix).\(k)"
            if case .object(let nested) = v {
                flatten(nested, prefix: name, into: &out)
            } else {
                out.append((name, v))
            }
        }
    }

    /// Sets one key from a JSON value or (`fromText`) from a string, validating it.
    public mutating func set(_ name: String, _ value: ConfigurationValue) throws(ConfigurationError) {
        guard let key = Self.keys.first(where: { $0.name == name }) else {
            throw ConfigurationError(key: name, reason: "unknown key")
        }
        func fail(_ why: String) -> ConfigurationError { ConfigurationError(key: name, reason: why) }
        switch key.kind {
        case .string:
            guard case .string(let s) = value, !s.isEmpty else { throw fail("expected a non-empty string") }
            key.apply(&self, s)
        case .int(let range):
            var number: Int?
            switch value {
            case .number(let d) where d == d.rounded() && abs(d) < 1e15: number = Int(d)
            case .string(let s): number = Int(s)
            default: number = nil
            }
            guard let number else { throw fail("expected an integer") }
            guard range.contains(number) else {
                throw fail("\(number) is outside \(range.lowerBound)...\(range.upperBound)")
            }
            key.apply(&self, number)
        case .double(let range):
            var number: Double?
            switch value {
            case .number(let d): number = d
            case .string(let s): number = Double(s)
            default: number = nil
            }
            guard let number, number.isFinite else { throw fail("expected a number") }
            guard range.contains(number) else {
                throw fail("\(number) is outside \(range.lowerBound)...\(range.upperBound)")
            }
            key.apply(&self, number)
        case .bool:
            var flag: Bool?
            switch value {
            case .bool(let b): flag = b
            case .string(let s):
                switch s.lowercased() {
                case "true", "1", "yes": flag = true
                case "false", "0", "no": flag = false
                default: flag = nil
                }
            default: flag = nil
            }
            guard let flag else { throw fail("expected true or false") }
            key.apply(&self, flag)
        }
    }

    /// Checks the whole configuration and loads the files it names into a security policy.
    public func validatedSecurity() throws(ConfigurationError) -> BrokerSecurity {
        if !["trace", "debug", "info", "notice", "warning", "error", "critical"].contains(logLevel) {
            throw ConfigurationError(key: "log_level", reason: "unknown level '\(logLevel)'")
        }
        if let tls = mqttTLS?.tls {
            if tls.certificateFile.isEmpty {
                throw ConfigurationError(key: "mqtt.tls.certificate", reason: "required for a TLS listener")
            }
            if tls.privateKeyFile.isEmpty {
                throw ConfigurationError(key: "mqtt.tls.private_key", reason: "required for a TLS listener")
            }
            if tls.requireClientCertificate && tls.caFile == nil {
                throw ConfigurationError(key: "mqtt.tls.ca", reason: "required when client certificates are required")
            }
        }
        var passwords: PasswordFile?
        if let passwordFile {
            passwords = try PasswordFile(parsing: try Self.readText(passwordFile, key: "mqtt.password_file"))
        }
        var acl: AccessControlList?
        if let aclFile {
            acl = try AccessControlList(parsing: try Self.readText(aclFile, key: "mqtt.acl_file"))
        }
        let anonymous = allowAnonymous ?? (passwords == nil)
        if anonymous && !Self.isLoopback(mqtt.host) {
            throw ConfigurationError(
                key: "mqtt.host",
                reason: "listening on \(mqtt.host) beyond loopback requires authentication: set mqtt.password_file "
                    + "and mqtt.allow_anonymous false")
        }
        if let tlsListener = mqttTLS,
            anonymous && !Self.isLoopback(tlsListener.host)
                && !(tlsListener.tls?.requireClientCertificate ?? false)
        {
            throw ConfigurationError(
                key: "mqtt.tls.host", reason: "listening beyond loopback requires client certificates or passwords")
        }
        return BrokerSecurity(allowAnonymous: anonymous, passwords: passwords, accessControl: acl)
    }

    private static func readText(_ path: String, key: String) throws(ConfigurationError) -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError(key: key, reason: "cannot read \(path)")
        }
        guard data.count <= 16 << 20 else {
            throw ConfigurationError(key: key, reason: "\(path) is larger than 16 MiB")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigurationError(key: key, reason: "\(path) is not UTF-8")
        }
        return text
    }

    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }
}

/// A JSON value from a configuration file.
public enum ConfigurationValue: Decodable, Sendable, Equatable {
    case string(String)
    case number(Double)
    case bool(Bool)
    case object([String: ConfigurationValue])
    case array([ConfigurationValue])
    case null

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let b = try? container.decode(Bool.self) {
            self = .bool(b)
        } else if let d = try? container.decode(Double.self) {
            self = .number(d)
        } else if let s = try? container.decode(String.self) {
            self = .string(s)
        } else if let o = try? container.decode([String: ConfigurationValue].self) {
            self = .object(o)
        } else {
            self = .array(try container.decode([ConfigurationValue].self))
        }
    }
}
