import OneCallBroker
import OneCallCore
import OneCallStorage

/// Device shadows over REST, as AWS IoT's `/things/{thing}/shadow` answers: the app implements it
/// with the shadow documents, the store and the broker (so REST updates also publish on MQTT).
public protocol ShadowEndpoint: Sendable {
    /// The operation's HTTP status and JSON body.
    func handle(thingName: String, shadowName: String?, operation: ShadowHTTPOperation, body: [UInt8]) async -> (
        status: Int, body: [UInt8]
    )

    /// The names of a thing's named shadows.
    func namedShadows(thingName: String) async throws -> [String]
}

/// The three shadow operations.
public enum ShadowHTTPOperation: String, Sendable {
    case get, update, delete
}

/// Trying rules without publishing: the app implements it with its rule engine.
public protocol RuleTesting: Sendable {
    /// The configured rules, as JSON.
    func ruleDescriptions() -> [JSONValue]

    /// Evaluates a rule (by `rule` name or `sql` text) against `topic` and `payload`; the result says
    /// whether it matched, its output and what its actions would do.
    func test(_ request: JSONObject) throws(APIError) -> JSONValue
}

/// A counter or gauge for `/metrics`.
public struct Metric: Sendable, Hashable {
    public var name: String
    public var value: Double
    public var isGauge: Bool
    public var help: String

    public init(name: String, value: Double, isGauge: Bool = false, help: String = "") {
        self.name = name
        self.value = value
        self.isGauge = isGauge
        self.help = help
    }
}

/// What the REST API works with.
public struct APIServices: Sendable {
    public var broker: Broker
    public var devices: DeviceRegistry
    public var telemetry: any TelemetryStore
    public var events: EventPipeline
    public var shadows: any ShadowEndpoint
    public var rules: any RuleTesting
    /// Codes that mean "no error" in submitted events.
    public var noErrorCodes: Set<String>
    /// The largest request body, in bytes.
    public var maximumBodySize: Int
    /// The bearer token the API requires, if any.
    public var apiToken: String?
    /// Operator accounts and their sign-in tokens, when an operators file is configured.
    public var operators: OperatorSessions?
    /// The version `/openapi.json` names.
    public var version = "0"
    /// The topic a device's commands go to (`POST /api/v1/devices/{id}/commands`).
    public var commandTopic: @Sendable (String) -> String = { "aircon/commands/\($0)" }
    /// Metrics beyond the broker's.
    public var metrics: @Sendable () -> [Metric]
    /// The clock, in seconds since 1970.
    public var clock: @Sendable () -> Double
    /// Tickets, knowledge base, tools and MCP, when the server runs the workflow.
    public var workflow: WorkflowAPI?

    public init(
        broker: Broker, devices: DeviceRegistry, telemetry: any TelemetryStore, events: EventPipeline,
        shadows: any ShadowEndpoint, rules: any RuleTesting, noErrorCodes: Set<String>, maximumBodySize: Int,
        apiToken: String? = nil, metrics: @escaping @Sendable () -> [Metric], clock: @escaping @Sendable () -> Double,
        workflow: WorkflowAPI? = nil
    ) {
        self.workflow = workflow
        self.broker = broker
        self.devices = devices
        self.telemetry = telemetry
        self.events = events
        self.shadows = shadows
        self.rules = rules
        self.noErrorCodes = noErrorCodes
        self.maximumBodySize = maximumBodySize
        self.apiToken = apiToken
        self.metrics = metrics
        self.clock = clock
    }
}
