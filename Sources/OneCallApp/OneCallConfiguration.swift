import Foundation
import OneCallBroker
import OneCallCore
import OneCallHTTP
import OneCallRules

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
    /// The MQTT-over-WebSocket listener, if configured.
    public var mqttWebSocket: MQTTListenerConfiguration?
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
    /// The SQLite database file; by default `onecall.sqlite` in the data directory.
    public var storagePath: String?
    /// How telemetry is batched, kept and exported.
    public var telemetry = TelemetryConfiguration()
    /// Whether a reading from a device missing from the registry registers it (else it is refused).
    public var autoRegisterDevices = true
    /// A JSON or CSV file of devices to import at start.
    public var devicesFile: String?
    /// The rules as configured (a JSON array), or `nil` for the defaults.
    public var rules: JSONValue?
    /// Error codes that mean "no error": an event carrying one is not raised.
    public var noErrorCodes = ["None", ""]
    /// The largest HTTP request body accepted, in bytes.
    public var httpMaximumBodySize = 1 << 20
    /// A bearer token the REST API requires (`Authorization: Bearer …`); required off loopback
    /// unless operators sign in.
    public var httpAPIToken: String?
    /// Operator accounts for the console and the API (`onecall passwd FILE NAME`); by default
    /// `operators` in the data directory, when that file exists.
    public var httpOperatorsFile: String?
    /// The longest a graceful shutdown may take, in seconds, before the rest is cancelled.
    public var shutdownTimeout = 30.0
    /// Tickets, e-mail, calls, the knowledge base and the planner.
    public var workflow = WorkflowConfiguration()
    /// Scoring readings and raising anomaly events.
    public var anomaly = AnomalyConfiguration()
    /// Placing calls: provider, definitions, SIP account.
    public var contactCenter = ContactCenterConfiguration()

    /// The defaults.
    public init() {}

    /// The operators file in use: `http.operators_file`, else `operators` in the data directory if
    /// it exists.
    public var operatorsFilePath: String? {
        if let httpOperatorsFile { return httpOperatorsFile }
        let path = (dataDirectory as NSString).appendingPathComponent("operators")
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }

    /// The SQLite database file: `storage.path`, else `onecall.sqlite` in the data directory.
    public var databasePath: String {
        storagePath ?? (dataDirectory as NSString).appendingPathComponent("onecall.sqlite")
    }

    /// One configuration key: its name, what it takes, and where it goes.
    struct Key {
        enum Kind {
            case string
            case int(ClosedRange<Int>)
            case double(ClosedRange<Double>)
            case bool
            /// An array of strings, or one comma-separated string.
            case stringList
            /// Any JSON value, checked by the part that uses it; from the environment, JSON text.
            case json
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
        Key(name: "mqtt.websocket.host", kind: .string, help: "MQTT-over-WebSocket listen address") {
            $0.webSocketListener.host = $1 as! String
        },
        Key(name: "mqtt.websocket.port", kind: .int(0...65535), help: "MQTT-over-WebSocket port (sets it up)") {
            $0.webSocketListener.port = $1 as! Int
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
        Key(name: "http.max_body_size", kind: .int(1024...(64 << 20)), help: "largest request body, bytes") {
            $0.httpMaximumBodySize = $1 as! Int
        },
        Key(name: "http.api_token", kind: .string, help: "bearer token the REST API requires (secret)") {
            $0.httpAPIToken = ($1 as! String)
        },
        Key(name: "http.operators_file", kind: .string, help: "operator accounts (onecall passwd FILE NAME)") {
            $0.httpOperatorsFile = ($1 as! String)
        },
        Key(name: "shutdown_timeout", kind: .double(1...3600), help: "longest graceful shutdown, s") {
            $0.shutdownTimeout = $1 as! Double
        },
        Key(name: "storage.path", kind: .string, help: "SQLite database file") { $0.storagePath = ($1 as! String) },
        Key(name: "telemetry.batch_size", kind: .int(1...100_000), help: "readings per write transaction") {
            $0.telemetry.batchSize = $1 as! Int
        },
        Key(name: "telemetry.flush_interval", kind: .double(0...60), help: "longest wait to fill a batch, s") {
            $0.telemetry.flushInterval = $1 as! Double
        },
        Key(name: "telemetry.queue_capacity", kind: .int(1...10_000_000), help: "readings queued before waiting") {
            $0.telemetry.queueCapacity = $1 as! Int
        },
        Key(name: "telemetry.retention_days", kind: .double(0...36500), help: "days readings are kept (0: forever)") {
            $0.telemetry.retentionDays = $1 as! Double
        },
        Key(name: "telemetry.export.enabled", kind: .bool, help: "write hourly JSON-lines files") {
            $0.telemetry.exportEnabled = $1 as! Bool
        },
        Key(name: "telemetry.export.interval", kind: .double(0.1...86400), help: "seconds between exports") {
            $0.telemetry.exportInterval = $1 as! Double
        },
        Key(name: "telemetry.export.directory", kind: .string, help: "export root (default data_dir/telemetry)") {
            $0.telemetry.exportDirectory = ($1 as! String)
        },
        Key(name: "telemetry.device_id_fields", kind: .stringList, help: "payload members naming the device") {
            $0.telemetry.deviceIDFields = $1 as! [String]
        },
        Key(name: "devices.auto_register", kind: .bool, help: "register unknown devices on first reading") {
            $0.autoRegisterDevices = $1 as! Bool
        },
        Key(name: "devices.file", kind: .string, help: "JSON or CSV devices to import at start") {
            $0.devicesFile = ($1 as! String)
        },
        Key(name: "rules", kind: .json, help: "array of rules (default: the reference's two)") {
            $0.rules = ($1 as! JSONValue)
        },
        Key(name: "events.no_error_codes", kind: .stringList, help: "codes that mean no error") {
            $0.noErrorCodes = $1 as! [String]
        },
        Key(name: "http.port", kind: .int(0...65535), help: "HTTP listen port") { $0.http.port = $1 as! Int },
        Key(name: "smtp.host", kind: .string, help: "SMTP server for ticket e-mail (none: no e-mail)") {
            $0.workflow.smtpHost = ($1 as! String)
        },
        Key(name: "smtp.port", kind: .int(1...65535), help: "SMTP port") { $0.workflow.smtpPort = ($1 as! Int) },
        Key(name: "smtp.from", kind: .string, help: "sender address of ticket e-mail") {
            $0.workflow.smtpFrom = $1 as! String
        },
        Key(name: "smtp.to", kind: .stringList, help: "recipients of ticket e-mail") {
            $0.workflow.smtpTo = $1 as! [String]
        },
        Key(name: "smtp.username", kind: .string, help: "SMTP AUTH user") {
            $0.workflow.smtpUsername = ($1 as! String)
        },
        Key(name: "smtp.password", kind: .string, help: "SMTP AUTH password (secret)") {
            $0.workflow.smtpPassword = ($1 as! String)
        },
        Key(name: "smtp.security", kind: .string, help: "none|starttls|starttls_if_available|tls") {
            $0.workflow.smtpSecurity = $1 as! String
        },
        Key(name: "smtp.ca_file", kind: .string, help: "CA certificates to trust for the SMTP server (PEM)") {
            $0.workflow.smtpCAFile = ($1 as! String)
        },
        Key(name: "smtp.verify_certificate", kind: .bool, help: "check the SMTP server's certificate") {
            $0.workflow.smtpVerifyCertificate = $1 as! Bool
        },
        Key(name: "smtp.timeout", kind: .double(0.1...600), help: "seconds per SMTP command") {
            $0.workflow.smtpTimeout = $1 as! Double
        },
        Key(name: "knowledge.directory", kind: .string, help: "knowledge base documents (default data_dir/knowledge)") {
            $0.workflow.knowledgeDirectory = ($1 as! String)
        },
        Key(name: "knowledge.vocabulary", kind: .json, help: "extra runbook phrases per tool") {
            $0.workflow.vocabulary = ($1 as! JSONValue)
        },
        Key(name: "agent.planner", kind: .string, help: "runbook|llm") { $0.workflow.planner = $1 as! String },
        Key(name: "agent.concurrency", kind: .int(1...1024), help: "actions running at once") {
            $0.workflow.dispatcher.concurrency = $1 as! Int
        },
        Key(name: "agent.max_attempts", kind: .int(1...1000), help: "attempts before an action is given up") {
            $0.workflow.dispatcher.maximumAttempts = $1 as! Int
        },
        Key(name: "agent.retry_delay", kind: .double(0.001...3600), help: "first retry delay, s (doubles)") {
            $0.workflow.dispatcher.retryDelay = $1 as! Double
        },
        Key(name: "agent.max_retry_delay", kind: .double(0.001...86400), help: "longest retry delay, s") {
            $0.workflow.dispatcher.maximumRetryDelay = $1 as! Double
        },
        Key(name: "agent.clear_fault.topic", kind: .string, help: "command topic; {device_id} is replaced") {
            $0.workflow.clearFault.topicTemplate = $1 as! String
        },
        Key(name: "agent.clear_fault.payload", kind: .json, help: "command payload (a JSON object)") {
            $0.workflow.clearFaultPayload = ($1 as! JSONValue)
        },
        Key(name: "agent.clear_fault.desired", kind: .json, help: "desired shadow state (object, or null: none)") {
            $0.workflow.clearFaultDesired = ($1 as! JSONValue)
        },
        Key(name: "llm.base_url", kind: .string, help: "OpenAI-compatible endpoint") {
            $0.workflow.llmBaseURL = ($1 as! String)
        },
        Key(name: "llm.model", kind: .string, help: "chat model with tool calling") {
            $0.workflow.llmModel = ($1 as! String)
        },
        Key(name: "llm.api_key", kind: .string, help: "API key (secret)") { $0.workflow.llmAPIKey = ($1 as! String) },
        Key(name: "llm.timeout", kind: .double(0.1...600), help: "seconds before the runbook planner takes over") {
            $0.workflow.llmTimeout = $1 as! Double
        },
        Key(name: "llm.embeddings_model", kind: .string, help: "embeddings model for knowledge search") {
            $0.workflow.embeddingsModel = ($1 as! String)
        },
        Key(name: "anomaly.enabled", kind: .bool, help: "score readings and raise anomaly events") {
            $0.anomaly.enabled = $1 as! Bool
        },
        Key(
            name: "anomaly.detector", kind: .string, help: "what marks a reading abnormal: auto|classifier|unsupervised"
        ) {
            $0.anomaly.detector = $1 as! String
        },
        Key(name: "anomaly.model", kind: .string, help: "classifier model file (onecall train writes it)") {
            $0.anomaly.modelPath = ($1 as! String)
        },
        Key(name: "anomaly.period", kind: .double(1...604_800), help: "evaluation period, seconds") {
            $0.anomaly.period = $1 as! Double
        },
        Key(name: "anomaly.threshold", kind: .double(0.001...1), help: "abnormal share that raises an event") {
            $0.anomaly.threshold = $1 as! Double
        },
        Key(
            name: "anomaly.min_readings", kind: .int(1...1_000_000),
            help: "readings in the period before a share counts"
        ) {
            $0.anomaly.minimumReadings = $1 as! Int
        },
        Key(name: "anomaly.score_threshold", kind: .double(0.01...1), help: "unsupervised score that is abnormal") {
            $0.anomaly.scoreThreshold = $1 as! Double
        },
        Key(name: "anomaly.error_code", kind: .string, help: "code of the anomaly event (the knowledge base's)") {
            $0.anomaly.errorCode = $1 as! String
        },
        Key(name: "anomaly.ignored_fields", kind: .stringList, help: "payload members that are never features") {
            $0.anomaly.ignoredFields = $1 as! [String]
        },
        Key(name: "anomaly.max_devices", kind: .int(1...10_000_000), help: "devices tracked at once") {
            $0.anomaly.maximumDevices = $1 as! Int
        },
        Key(name: "contact_center.enabled", kind: .bool, help: "place the calls that triage requests") {
            $0.contactCenter.enabled = $1 as! Bool
        },
        Key(name: "contact_center.provider", kind: .string, help: "voice provider: local|sip") {
            $0.contactCenter.provider = $1 as! String
        },
        Key(
            name: "contact_center.directory", kind: .string,
            help: "flows/, hours/, queues.json and rosters.json (default DATA_DIR/contact-center)"
        ) { $0.contactCenter.directory = ($1 as! String) },
        Key(name: "contact_center.max_concurrent_calls", kind: .int(1...1000), help: "calls placed at once") {
            $0.contactCenter.maximumConcurrentCalls = $1 as! Int
        },
        Key(name: "contact_center.caller_id", kind: .string, help: "caller id when no queue names one (E.164)") {
            $0.contactCenter.callerID = ($1 as! String)
        },
        Key(name: "contact_center.local.answer", kind: .string, help: "local provider: answer|busy|no_answer") {
            $0.contactCenter.localAnswer = $1 as! String
        },
        Key(name: "contact_center.local.keys", kind: .string, help: "local provider: keys pressed, or none") {
            $0.contactCenter.localKeys = $1 as! String
        },
        Key(name: "contact_center.local.transcripts", kind: .string, help: "local provider: transcript folder") {
            $0.contactCenter.localTranscripts = ($1 as! String)
        },
        Key(name: "sip.proxy", kind: .string, help: "SIP trunk or PBX every request goes to, host:port") {
            $0.contactCenter.sipProxy = ($1 as! String)
        },
        Key(name: "sip.domain", kind: .string, help: "SIP domain of the account") {
            $0.contactCenter.sipDomain = ($1 as! String)
        },
        Key(name: "sip.username", kind: .string, help: "SIP digest user name") {
            $0.contactCenter.sipUsername = ($1 as! String)
        },
        Key(name: "sip.password", kind: .string, help: "SIP digest password (secret)") {
            $0.contactCenter.sipPassword = ($1 as! String)
        },
        Key(name: "sip.bind", kind: .string, help: "local SIP address, host:port (port 0: any)") {
            $0.contactCenter.sipBind = $1 as! String
        },
        Key(name: "sip.advertised_host", kind: .string, help: "address in Via, Contact and SDP (NAT, 0.0.0.0)") {
            $0.contactCenter.sipAdvertisedHost = ($1 as! String)
        },
        Key(name: "contact_center.voice", kind: .string, help: "espeak-ng voice of the SIP prompts") {
            $0.contactCenter.voice = $1 as! String
        },
        Key(name: "sip.register_expires", kind: .int(0...86_400), help: "REGISTER first, for this long (0: never)") {
            $0.contactCenter.sipRegisterExpires = $1 as! Int
        },
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

    /// The WebSocket listener, created on first use by a `mqtt.websocket.*` key (port 8080 of
    /// Mosquitto's examples is the HTTP API's here, so the default is 9001, as in Mosquitto's docs).
    private var webSocketListener: MQTTListenerConfiguration {
        get { mqttWebSocket ?? MQTTListenerConfiguration(host: mqtt.host, port: 9001, webSocket: true) }
        set { mqttWebSocket = newValue }
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
            let object: JSONValue
            do {
                object = try JSONValue(parsing: data, limits: JSONParseLimits(maximumBytes: 1 << 20, maximumDepth: 32))
            } catch {
                throw ConfigurationError(key: file, reason: error.description)
            }
            guard case .object(let root) = object else {
                throw ConfigurationError(key: file, reason: "the top level must be a JSON object")
            }
            var flat: [(String, JSONValue)] = []
            flatten(root, prefix: "", into: &flat)
            for (name, value) in flat { try configuration.set(name, value) }
        }
        for key in keys {
            let variable = key.name.uppercased().replacingOccurrences(of: ".", with: "_")
            if let text = environment[variable] { try configuration.set(key.name, .string(text)) }
        }
        return configuration
    }

    private static func flatten(_ object: JSONObject, prefix: String, into out: inout [(String, JSONValue)]) {
        for member in object {
            let (k, v) = (member.key, member.value)
            let name = prefix.isEmpty ? k : "\(prefix).\(k)"
            if case .object(let nested) = v, !keys.contains(where: { $0.name == name }) {
                flatten(nested, prefix: name, into: &out)
            } else {
                out.append((name, v))
            }
        }
    }

    /// Sets one key from a JSON value or (`fromText`) from a string, validating it.
    public mutating func set(_ name: String, _ value: JSONValue) throws(ConfigurationError) {
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
            case .int(let i): number = Int(exactly: i)
            case .double(let d) where d == d.rounded() && abs(d) < 1e15: number = Int(d)
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
            case .int, .double: number = value.doubleValue
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
        case .stringList:
            var list: [String]
            switch value {
            case .string(let text):
                list = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            case .array(let elements):
                list = []
                for element in elements {
                    guard case .string(let text) = element else { throw fail("expected an array of strings") }
                    list.append(text)
                }
            default: throw fail("expected an array of strings")
            }
            guard !list.isEmpty, list.allSatisfy({ !$0.isEmpty }) else { throw fail("expected non-empty strings") }
            key.apply(&self, list)
        case .json:
            var json = value
            if case .string(let text) = value {
                do {
                    json = try JSONValue(parsing: text)
                } catch {
                    throw fail(error.description)
                }
            }
            key.apply(&self, json)
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
                reason: "listening on \(mqtt.host) beyond loopback requires authentication: set mqtt.allow_anonymous "
                    + "false, with mqtt.password_file and/or device passwords in the registry")
        }
        if let tlsListener = mqttTLS,
            anonymous && !Self.isLoopback(tlsListener.host)
                && !(tlsListener.tls?.requireClientCertificate ?? false)
        {
            throw ConfigurationError(
                key: "mqtt.tls.host", reason: "listening beyond loopback requires client certificates or passwords")
        }
        if let webSocket = mqttWebSocket, anonymous && !Self.isLoopback(webSocket.host) {
            throw ConfigurationError(
                key: "mqtt.websocket.host",
                reason: "listening on \(webSocket.host) beyond loopback requires authentication: set "
                    + "mqtt.allow_anonymous false, with mqtt.password_file and/or device passwords in the registry")
        }
        if !Self.isLoopback(http.host) && httpAPIToken == nil && operatorsFilePath == nil {
            throw ConfigurationError(
                key: "http.host",
                reason: "listening on \(http.host) beyond loopback requires http.api_token or operator accounts "
                    + "(http.operators_file): the REST API can create devices with passwords")
        }
        if let token = httpAPIToken, token.utf8.count < 16 {
            throw ConfigurationError(key: "http.api_token", reason: "must be at least 16 characters")
        }
        return BrokerSecurity(allowAnonymous: anonymous, passwords: passwords, accessControl: acl)
    }

    /// Compiles the configured rules (or the defaults); a bad rule fails naming it, and for SQL the
    /// line and column.
    public func validatedRules() throws(ConfigurationError) -> RuleEngine {
        do {
            let definitions = try rules.map { try RuleDefinition.list(json: $0) } ?? RuleDefinition.defaults
            return try RuleEngine(definitions)
        } catch {
            throw ConfigurationError(key: "rules", reason: "\(error)")
        }
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
