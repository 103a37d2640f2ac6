import Foundation
import Logging
import OneCallAgent
import OneCallCore
import OneCallKnowledge
import OneCallStorage
import OneCallStorageSQLite

/// The error workflow, assembled from configuration: the knowledge base on disk, the planner, the
/// triage agent, the action dispatcher and the tools (served in-process, over HTTP and over MCP).
public struct WorkflowServices: Sendable {
    public let library: KnowledgeLibrary
    public let planner: KnowledgeTriagePlanner
    public let agent: TriageAgent
    /// `nil` where actions are only recorded (`onecall mcp`): the server runs them.
    public let dispatcher: ActionDispatcher?
    public let tools: WorkflowTools
    public let mcp: MCPToolServer
    public let watch: FaultClearWatch
    public let tickets: any TicketStore
    /// Whether tickets are e-mailed.
    public let mailConfigured: Bool
    /// Semantic ranks for knowledge search, when an embeddings model is configured.
    public let ranker: SemanticRanker?

    /// Where the knowledge base lives for a configuration.
    public static func knowledgeDirectory(_ configuration: OneCallConfiguration) -> String {
        configuration.workflow.knowledgeDirectory
            ?? (configuration.dataDirectory as NSString).appendingPathComponent("knowledge")
    }

    /// Opens the knowledge base of a configuration and loads it.
    public static func openLibrary(_ configuration: OneCallConfiguration) throws(ConfigurationError) -> KnowledgeLibrary
    {
        let directory = knowledgeDirectory(configuration)
        do {
            let library = try KnowledgeLibrary(directory: directory)
            library.reloadIfChanged()
            return library
        } catch {
            throw ConfigurationError(key: "knowledge.directory", reason: "\(error)")
        }
    }

    /// Builds the workflow. Without a `commander`, `clear_fault` actions fail; with `runsActions`
    /// false there is no dispatcher (the actions wait in the store for a server).
    public init(
        configuration: OneCallConfiguration, storage: SQLiteStorage, events: EventPipeline,
        commander: (@Sendable (ClearFaultConfiguration) -> any DeviceCommander)?, runsActions: Bool,
        clock: @escaping @Sendable () -> Double,
        logger: Logger
    ) throws(ConfigurationError) {
        let validated = try configuration.workflow.validated()
        let library = try Self.openLibrary(configuration)
        var llm: LLMPlanner?
        if let settings = validated.llm {
            do {
                llm = LLMPlanner(client: try OpenAIClient(configuration: settings))
            } catch {
                throw ConfigurationError(key: "llm", reason: "\(error)")
            }
        }
        let planner = KnowledgeTriagePlanner(
            knowledge: { library.index }, generation: { library.generation },
            runbook: RunbookPlanner(vocabulary: validated.vocabulary), llm: llm)
        let watch = FaultClearWatch()
        var mail: (any MailSender)?
        if let smtp = validated.smtp {
            do {
                mail = try SMTPMailSender(configuration: smtp)
            } catch {
                throw ConfigurationError(key: "smtp", reason: "\(error)")
            }
        }
        var dispatcherLogger = logger
        dispatcherLogger[metadataKey: "component"] = "dispatcher"
        let dispatcher =
            runsActions
            ? ActionDispatcher(
                store: storage,
                runner: WorkflowActionRunner(
                    mail: mail, commander: commander?(validated.clearFault), devices: storage, watch: watch,
                    clock: clock),
                configuration: validated.dispatcher, clock: clock, logger: dispatcherLogger) : nil
        var triageLogger = logger
        triageLogger[metadataKey: "component"] = "triage"
        let agent = TriageAgent(
            store: storage, pipeline: events, planner: planner, dispatcher: dispatcher, clock: clock,
            logger: triageLogger)
        let tools = WorkflowTools(
            agent: agent, tickets: storage, telemetry: storage, dispatcher: dispatcher, clock: clock)
        var mcpLogger = logger
        mcpLogger[metadataKey: "component"] = "mcp"
        self.library = library
        self.planner = planner
        self.agent = agent
        self.dispatcher = dispatcher
        self.tools = tools
        // On loopback, the MCP endpoint accepts loopback Host and Origin headers only (against DNS
        // rebinding); beyond loopback the API token guards it and any host name may reach it.
        var mcpConfiguration = MCPServerConfiguration(maximumMessageBytes: configuration.httpMaximumBodySize)
        if !OneCallConfiguration.isLoopback(configuration.http.host) {
            mcpConfiguration.allowedHosts = nil
            mcpConfiguration.allowedOrigins = nil
        }
        self.mcp = MCPToolServer(
            provider: tools, name: "onecall", version: OneCallVersion.current, configuration: mcpConfiguration,
            logger: mcpLogger)
        self.watch = watch
        self.tickets = storage
        self.mailConfigured = mail != nil
        do {
            self.ranker = try validated.embeddings.map { SemanticRanker(client: try OpenAIClient(configuration: $0)) }
        } catch {
            throw ConfigurationError(key: "llm.embeddings_model", reason: "\(error)")
        }
    }

    /// The tools over the data directory without a server (`onecall mcp`): tickets are opened and
    /// actions recorded in the database; a running (or the next) server runs them.
    public static func standalone(
        configuration: OneCallConfiguration, logger: Logger,
        clock: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }
    ) throws(ConfigurationError) -> WorkflowServices {
        do {
            try FileManager.default.createDirectory(
                atPath: configuration.dataDirectory, withIntermediateDirectories: true)
        } catch {
            throw ConfigurationError(key: "data_dir", reason: "cannot create \(configuration.dataDirectory)")
        }
        let storage: SQLiteStorage
        do {
            storage = try SQLiteStorage(path: configuration.databasePath)
        } catch {
            throw ConfigurationError(key: "storage.path", reason: "cannot open \(configuration.databasePath): \(error)")
        }
        return try WorkflowServices(
            configuration: configuration, storage: storage, events: EventPipeline(store: storage), commander: nil,
            runsActions: false, clock: clock, logger: logger)
    }

    /// Knowledge search: BM25, fused with semantic ranks when an embeddings model is configured
    /// (and BM25 alone when the endpoint fails). The server reloads the library every 2 s.
    public func search(_ query: String, limit: Int) async -> [KnowledgeHit] {
        let (index, generation) = library.snapshot
        if let ranker,
            let ranking = try? await ranker.ranking(query: query, index: index, generation: generation),
            !ranking.isEmpty
        {
            return index.search(query, limit: limit, semanticRanking: ranking)
        }
        return index.search(query, limit: limit)
    }

    /// Loads the devices whose tickets wait for a cleared fault.
    public func loadWatch() async throws {
        watch.reset(to: try await tickets.devicesAwaitingClearConfirmation())
    }

    /// A reading from `deviceID` said it has no error: confirms the faults OneCall cleared.
    public func deviceReportedNoError(_ deviceID: String, at time: Double) async throws -> [Ticket] {
        guard watch.isWatching(deviceID) else { return [] }
        let confirmed = try await tickets.confirmFaultCleared(deviceID: deviceID, at: time)
        if !(try await tickets.devicesAwaitingClearConfirmation().contains(deviceID)) { watch.unwatch(deviceID) }
        return confirmed
    }
}
