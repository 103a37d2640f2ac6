import Foundation
import NIOCore
import OneCallAgent
import OneCallCore
import OneCallMail

/// How OneCall turns errors into tickets, e-mail, calls and cleared faults: the SMTP server, the
/// knowledge base, the planner, the dispatcher's pacing and what `clear_fault` sends.
public struct WorkflowConfiguration: Sendable {
    /// The SMTP server tickets are e-mailed through; no e-mail when `nil`.
    public var smtpHost: String?
    public var smtpPort: Int?
    public var smtpFrom = "onecall@localhost"
    public var smtpTo: [String] = []
    public var smtpUsername: String?
    /// A secret: never logged.
    public var smtpPassword: String?
    /// none, starttls, starttls_if_available or tls (implicit TLS, usually port 465).
    public var smtpSecurity = "starttls_if_available"
    public var smtpCAFile: String?
    public var smtpVerifyCertificate = true
    public var smtpTimeout = 30.0
    /// Where the knowledge base's documents live; by default `knowledge` in the data directory.
    public var knowledgeDirectory: String?
    /// Extra phrases for the runbook planner: `{"call_operator": ["ring the janitor"]}`.
    public var vocabulary: JSONValue?
    /// runbook (default) or llm.
    public var planner = "runbook"
    public var llmBaseURL: String?
    public var llmModel: String?
    /// A secret: never logged.
    public var llmAPIKey: String?
    public var llmTimeout = 10.0
    /// An embeddings model at the same endpoint: knowledge search then fuses meaning with BM25.
    public var embeddingsModel: String?
    public var clearFault = ClearFaultConfiguration()
    /// `agent.clear_fault.payload` and `.desired` as configured, checked by `validated`.
    public var clearFaultPayload: JSONValue?
    public var clearFaultDesired: JSONValue?
    public var dispatcher = ActionDispatcher.Configuration()

    public init() {}

    /// The parts that need checking, checked.
    public struct Validated: Sendable {
        public var smtp: SMTPConfiguration?
        public var llm: OpenAIConfiguration?
        /// The endpoint for semantic search, when `llm.embeddings_model` is set.
        public var embeddings: OpenAIConfiguration?
        public var vocabulary: RunbookVocabulary
        public var clearFault: ClearFaultConfiguration
        public var dispatcher: ActionDispatcher.Configuration
    }

    /// Checks every workflow key; a bad one fails naming the key and the reason.
    public func validated() throws(ConfigurationError) -> Validated {
        var smtp: SMTPConfiguration?
        if let smtpHost {
            guard let security = SMTPConfiguration.Security(configurationName: smtpSecurity) else {
                throw ConfigurationError(
                    key: "smtp.security", reason: "expected none, starttls, starttls_if_available or tls")
            }
            guard !smtpTo.isEmpty else {
                throw ConfigurationError(key: "smtp.to", reason: "required when smtp.host is set")
            }
            let configuration = SMTPConfiguration(
                host: smtpHost, port: smtpPort, security: security,
                trustRoots: smtpCAFile.map { .file($0) } ?? .system, verifyCertificate: smtpVerifyCertificate,
                username: smtpUsername, password: smtpPassword,
                commandTimeout: .milliseconds(Int64(smtpTimeout * 1000)), from: smtpFrom, to: smtpTo)
            do {
                try configuration.validate()
                _ = try MailAddress(parsing: smtpFrom)
                for address in smtpTo { _ = try MailAddress(parsing: address) }
            } catch {
                throw ConfigurationError(key: "smtp", reason: "\(error)")
            }
            smtp = configuration
        }
        var llm: OpenAIConfiguration?
        switch planner {
        case "runbook":
            break
        case "llm":
            guard let llmBaseURL else {
                throw ConfigurationError(key: "llm.base_url", reason: "required by agent.planner llm")
            }
            guard let llmModel else {
                throw ConfigurationError(key: "llm.model", reason: "required by agent.planner llm")
            }
            let configuration = OpenAIConfiguration(
                baseURL: llmBaseURL, model: llmModel, embeddingsModel: embeddingsModel, apiKey: llmAPIKey,
                timeout: .milliseconds(Int64(llmTimeout * 1000)))
            do {
                try configuration.validate()
            } catch {
                throw ConfigurationError(key: "llm", reason: "\(error)")
            }
            llm = configuration
        default:
            throw ConfigurationError(key: "agent.planner", reason: "expected runbook or llm")
        }
        var embeddings: OpenAIConfiguration?
        if let embeddingsModel {
            guard let llmBaseURL else {
                throw ConfigurationError(key: "llm.base_url", reason: "required by llm.embeddings_model")
            }
            let configuration = OpenAIConfiguration(
                baseURL: llmBaseURL, model: llmModel ?? embeddingsModel, embeddingsModel: embeddingsModel,
                apiKey: llmAPIKey, timeout: .milliseconds(Int64(llmTimeout * 1000)))
            do {
                try configuration.validate()
            } catch {
                throw ConfigurationError(key: "llm", reason: "\(error)")
            }
            embeddings = configuration
        }
        var vocabulary = RunbookVocabulary.standard
        if let extra = self.vocabulary {
            guard let object = extra.objectValue else {
                throw ConfigurationError(key: "knowledge.vocabulary", reason: "expected an object of phrase lists")
            }
            var table: [String: [String]] = [:]
            for member in object {
                guard let list = member.value.arrayValue, list.allSatisfy({ $0.stringValue != nil }) else {
                    throw ConfigurationError(
                        key: "knowledge.vocabulary.\(member.key)", reason: "expected an array of strings")
                }
                table[member.key] = list.compactMap(\.stringValue)
            }
            do {
                vocabulary = try vocabulary.extended(with: table)
            } catch {
                throw ConfigurationError(key: "knowledge.vocabulary", reason: "\(error)")
            }
        }
        var clearFault = self.clearFault
        if !clearFault.topicTemplate.contains("{device_id}") {
            throw ConfigurationError(key: "agent.clear_fault.topic", reason: "must contain {device_id}")
        }
        if let payload = clearFaultPayload {
            guard let object = payload.objectValue else {
                throw ConfigurationError(key: "agent.clear_fault.payload", reason: "expected a JSON object")
            }
            clearFault.payload = object
        }
        if let desired = clearFaultDesired {
            switch desired {
            case .null, .bool(false): clearFault.desired = nil
            case .object(let object): clearFault.desired = object
            default:
                throw ConfigurationError(key: "agent.clear_fault.desired", reason: "expected a JSON object or null")
            }
        }
        if dispatcher.maximumRetryDelay < dispatcher.retryDelay {
            throw ConfigurationError(key: "agent.max_retry_delay", reason: "must not be less than agent.retry_delay")
        }
        return Validated(
            smtp: smtp, llm: llm, embeddings: embeddings, vocabulary: vocabulary, clearFault: clearFault,
            dispatcher: dispatcher)
    }
}

extension SMTPConfiguration.Security {
    /// The security mode for its configuration name.
    init?(configurationName: String) {
        switch configurationName {
        case "none": self = .none
        case "starttls": self = .startTLS
        case "starttls_if_available": self = .startTLSIfAvailable
        case "tls": self = .tls
        default: return nil
        }
    }
}
