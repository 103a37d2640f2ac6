import Foundation
import Logging
import OneCallContactCenter
import OneCallCore
import OneCallStorageSQLite

/// The contact center as configured: its definitions (flows, hours, queues, rosters), the voice
/// provider and the service that places the calls triage requests.
public struct ContactCenterServices: Sendable {
    public let definitions: ContactCenterDefinitions
    public let provider: any VoiceProvider
    public let service: ContactCenterService
    /// Where the definitions are read from.
    public let directory: String

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
        default:
            throw ConfigurationError(
                key: "contact_center.provider",
                reason: "expected \(ContactCenterConfiguration.providers.joined(separator: ", "))")
        }
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
