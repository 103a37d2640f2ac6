import Foundation
import Logging
import OneCallContactCenter
import OneCallCore
import OneCallSIP
import OneCallStorageSQLite
import ServiceLifecycle

/// The contact center as configured: its definitions (flows, hours, queues, rosters), the voice
/// provider and the service that places the calls triage requests.
public struct ContactCenterServices: Sendable {
    public let definitions: ContactCenterDefinitions
    public let provider: any VoiceProvider
    public let service: ContactCenterService
    /// Where the definitions are read from.
    public let directory: String
    let registerExpires: Int
    let logger: Logger

    /// The definitions folder: `contact_center.directory`, else `contact-center` in the data directory.
    public static func directory(_ configuration: OneCallConfiguration) -> String {
        configuration.contactCenter.directory
            ?? (configuration.dataDirectory as NSString).appendingPathComponent("contact-center")
    }

    /// Loads the definitions and builds the provider; a bad definition or setting fails naming the
    /// key, and for definitions the file, the item and the reason.
    public init(
        configuration: OneCallConfiguration, storage: SQLiteStorage, clock: @escaping @Sendable () -> Double,
        logger: Logger
    ) throws(ConfigurationError) {
        let settings = configuration.contactCenter
        let directory = Self.directory(configuration)
        let definitions: ContactCenterDefinitions
        do {
            definitions = try ContactCenterDefinitions(directory: URL(fileURLWithPath: directory))
        } catch {
            throw ConfigurationError(key: "contact_center.directory", reason: error.description)
        }
        if let callerID = settings.callerID {
            do {
                _ = try PhoneNumber(callerID)
            } catch {
                throw ConfigurationError(key: "contact_center.caller_id", reason: error.description)
            }
        }
        let provider = try Self.provider(configuration, logger: logger)
        var serviceConfiguration = ContactCenterService.Configuration()
        serviceConfiguration.concurrency = settings.maximumConcurrentCalls
        serviceConfiguration.lease = settings.leaseSeconds
        serviceConfiguration.callerID = settings.callerID
        var serviceLogger = logger
        serviceLogger[metadataKey: "component"] = "contact-center"
        self.definitions = definitions
        self.provider = provider
        self.directory = directory
        self.registerExpires = settings.sipRegisterExpires
        self.logger = serviceLogger
        self.service = ContactCenterService(
            calls: storage, tickets: storage, devices: storage, provider: provider, definitions: { definitions },
            configuration: serviceConfiguration, clock: clock, logger: serviceLogger)
    }

    /// The voice provider `contact_center.provider` names.
    static func provider(_ configuration: OneCallConfiguration, logger: Logger) throws(ConfigurationError)
        -> any VoiceProvider
    {
        let settings = configuration.contactCenter
        switch settings.provider {
        case "local":
            let behavior: LocalVoiceScript.Behavior
            switch settings.localAnswer {
            case "answer":
                let keys = settings.localKeys == "none" ? [] : settings.localKeys.map { String($0) }
                guard keys.allSatisfy({ "0123456789*#ABCD".contains($0) }) else {
                    throw ConfigurationError(
                        key: "contact_center.local.keys", reason: "expected keys from 0-9, *, #, A-D, or none")
                }
                behavior = .answer(keys: keys.map { .press($0) })
            case "busy": behavior = .busy
            case "no_answer": behavior = .noAnswer
            default:
                throw ConfigurationError(
                    key: "contact_center.local.answer",
                    reason: "expected \(ContactCenterConfiguration.localAnswers.joined(separator: ", "))")
            }
            let transcripts =
                settings.localTranscripts ?? (configuration.dataDirectory as NSString).appendingPathComponent("calls")
            return LocalVoiceProvider(
                script: LocalVoiceScript(fallback: [behavior]),
                transcriptDirectory: URL(fileURLWithPath: transcripts))
        case "sip":
            let synthesizer = EspeakSynthesizer(options: .init(voice: settings.voice))
            guard synthesizer.executablePath != nil else {
                throw ConfigurationError(
                    key: "contact_center.provider",
                    reason: "sip speaks its prompts with espeak-ng, which is not installed: apt-get install espeak-ng")
            }
            var sipLogger = logger
            sipLogger[metadataKey: "component"] = "sip"
            return SIPVoiceProvider(
                agent: SIPUserAgent(configuration: try sipConfiguration(configuration), logger: sipLogger),
                synthesizer: synthesizer, logger: sipLogger)
        default:
            throw ConfigurationError(
                key: "contact_center.provider",
                reason: "expected \(ContactCenterConfiguration.providers.joined(separator: ", "))")
        }
    }

    /// Runs the voice provider for as long as the server runs: for SIP, binds the user agent's
    /// socket at start (so a port in use fails the start, not the first call), registers and keeps
    /// the registration fresh when `sip.register_expires` asks for it, and ends calls and the agent
    /// at shutdown. Listed before the contact center, so that it stops after it.
    public var providerService: some Service { VoiceProviderService(services: self) }

    struct VoiceProviderService: Service {
        let services: ContactCenterServices

        func run() async throws {
            guard let sip = services.provider as? SIPVoiceProvider else {
                try? await gracefulShutdown()
                return
            }
            try await sip.start()
            let port = await sip.agent.localPort
            services.logger.info("SIP user agent ready", metadata: ["sip.port": "\(port.map(String.init) ?? "-")"])
            if services.registerExpires > 0 {
                try? await cancelWhenGracefulShutdown {
                    while !Task.isCancelled {
                        var wait = Duration.seconds(30)
                        do {
                            let granted = try await sip.agent.register(expires: services.registerExpires)
                            services.logger.info("SIP registered", metadata: ["sip.expires": "\(granted)"])
                            wait = .seconds(max(granted / 2, 5))
                        } catch {
                            services.logger.error("SIP registration failed", metadata: ["error": "\(error)"])
                        }
                        try await Task.sleep(for: wait)
                    }
                }
            } else {
                try? await gracefulShutdown()
            }
            await sip.shutdown()
        }
    }

    /// The user agent's settings from `sip.*`, checked.
    static func sipConfiguration(_ configuration: OneCallConfiguration) throws(ConfigurationError)
        -> SIPUserAgentConfiguration
    {
        let settings = configuration.contactCenter
        let bind = try hostPort(settings.sipBind, key: "sip.bind", defaultPort: 0)
        var proxy: (host: String, port: Int) = ("", 5060)
        if let text = settings.sipProxy { proxy = try hostPort(text, key: "sip.proxy", defaultPort: 5060) }
        let domain = settings.sipDomain ?? (proxy.host.isEmpty ? "localhost" : proxy.host)
        var agent = SIPUserAgentConfiguration(
            localHost: bind.host, localPort: bind.port, advertisedHost: settings.sipAdvertisedHost,
            proxyHost: proxy.host, proxyPort: proxy.port, domain: domain, username: settings.sipUsername,
            password: settings.sipPassword, displayName: "OneCall")
        agent.maximumCalls = max(agent.maximumCalls, settings.maximumConcurrentCalls)
        do {
            try agent.validate()
        } catch {
            throw ConfigurationError(key: "sip", reason: error.description)
        }
        return agent
    }

    /// `host:port`, `[v6]:port` or a bare host.
    static func hostPort(_ text: String, key: String, defaultPort: Int) throws(ConfigurationError) -> (
        host: String, port: Int
    ) {
        var host = Substring(text)
        var port = defaultPort
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else {
                throw ConfigurationError(key: key, reason: "expected host:port")
            }
            let rest = host[host.index(after: close)...]
            host = host[host.index(after: host.startIndex)..<close]
            if !rest.isEmpty {
                guard rest.hasPrefix(":"), let number = Int(rest.dropFirst()) else {
                    throw ConfigurationError(key: key, reason: "expected host:port")
                }
                port = number
            }
        } else if let colon = host.lastIndex(of: ":") {
            guard let number = Int(host[host.index(after: colon)...]) else {
                throw ConfigurationError(key: key, reason: "expected host:port")
            }
            port = number
            host = host[..<colon]
        }
        guard !host.isEmpty, (0...65535).contains(port) else {
            throw ConfigurationError(key: key, reason: "expected host:port with a port from 0 to 65535")
        }
        return (String(host), port)
    }

    /// What `GET /api/v1/contact-center` shows.
    public func overview(now: Double) -> JSONObject {
        var object = definitions.json(now: now)
        object["provider"] = .string(provider.name)
        object["directory"] = .string(directory)
        let statistics = service.statistics
        object["statistics"] = [
            "attempts": .int(Int64(statistics.attempts)), "acknowledged": .int(Int64(statistics.acknowledged)),
            "resolved": .int(Int64(statistics.resolved)), "snoozed": .int(Int64(statistics.snoozed)),
            "unanswered": .int(Int64(statistics.unanswered)), "failed": .int(Int64(statistics.failed)),
            "exhausted": .int(Int64(statistics.exhausted)), "cancelled": .int(Int64(statistics.cancelled)),
            "active": .int(Int64(statistics.active)),
        ]
        return object
    }
}
