import OneCallCore
import OneCallStorage
import Synchronization

/// The reference's two action groups as tools, served in-process, to an LLM planner and over MCP:
/// `log_ticket`, `call_operator`, `clear_fault`, `fetch_ticket_data` and `fetch_telemetry_data`.
/// The workflow tools go through the outbox like the runbook's actions, so an agent that calls
/// twice gets one ticket, one e-mail and one call.
public final class WorkflowTools: ToolProvider {
    private let agent: TriageAgent
    private let tickets: any TicketStore
    private let telemetry: any TelemetryStore
    private let dispatcher: ActionDispatcher?
    private let clock: @Sendable () -> Double
    private let counters = Mutex(Statistics())

    /// Tool calls so far, and those refused (unknown tool, bad arguments, no such ticket) or failed.
    public struct Statistics: Sendable, Hashable {
        public var calls = 0
        public var refused = 0
        public var failed = 0
    }

    public var statistics: Statistics { counters.withLock { $0 } }

    /// The most tickets and readings one call returns.
    public static let maximumTickets = 100
    public static let maximumReadings = 500

    public init(
        agent: TriageAgent, tickets: any TicketStore, telemetry: any TelemetryStore, dispatcher: ActionDispatcher?,
        clock: @escaping @Sendable () -> Double
    ) {
        self.agent = agent
        self.tickets = tickets
        self.telemetry = telemetry
        self.dispatcher = dispatcher
        self.clock = clock
    }

    public var definitions: [ToolDefinition] { Self.definitions }

    /// The tools' names, descriptions and argument schemas.
    public static let definitions: [ToolDefinition] = [
        ToolDefinition(
            name: "log_ticket",
            description:
                "Log a ticket for a device's error code and e-mail it. A device has one open ticket per code: "
                + "logging it again counts an occurrence and sends nothing new.",
            inputSchema: schema(
                [
                    "device_id": ["type": "string", "description": "The device's id."],
                    "error_code": ["type": "string", "description": "The error code, as the device reports it."],
                    "anomaly_start": ["type": "string", "description": "For anomalies: RFC 3339 start of the window."],
                    "anomaly_end": ["type": "string", "description": "For anomalies: RFC 3339 end of the window."],
                    "details": ["type": "object", "description": "Anything else to keep with the ticket."],
                ], required: ["device_id", "error_code"])),
        ToolDefinition(
            name: "call_operator",
            description:
                "Phone the site operator about an open ticket (once per ticket); the person acknowledges with a key.",
            inputSchema: schema(
                ["ticket_id": ["type": "string", "description": "The ticket's unique_id."]], required: ["ticket_id"])),
        ToolDefinition(
            name: "clear_fault",
            description:
                "Ask the ticket's device to clear its fault; the ticket is resolved when the device reports no error.",
            inputSchema: schema(
                ["ticket_id": ["type": "string", "description": "The ticket's unique_id."]], required: ["ticket_id"])),
        ToolDefinition(
            name: "fetch_ticket_data",
            description: "Tickets, newest first: one by id, or filtered by device, error code and status.",
            inputSchema: schema(
                [
                    "unique_id": ["type": "string"], "device_id": ["type": "string"], "error_code": ["type": "string"],
                    "status": ["type": "string", "enum": ["open", "acknowledged", "resolved"]],
                    "limit": ["type": "integer", "minimum": 1, "maximum": .int(Int64(maximumTickets))],
                ], required: [])),
        ToolDefinition(
            name: "fetch_telemetry_data",
            description: "A device's telemetry readings, newest first, optionally within a time range.",
            inputSchema: schema(
                [
                    "device_id": ["type": "string"],
                    "from": ["type": "string", "description": "RFC 3339 or seconds since 1970, inclusive."],
                    "to": ["type": "string", "description": "RFC 3339 or seconds since 1970, exclusive."],
                    "limit": ["type": "integer", "minimum": 1, "maximum": .int(Int64(maximumReadings))],
                ], required: ["device_id"])),
    ]

    static func schema(_ properties: JSONObject, required: [String]) -> JSONValue {
        [
            "type": "object", "properties": .object(properties),
            "required": .array(required.map(JSONValue.string)), "additionalProperties": false,
        ]
    }

    public func call(_ name: String, arguments: JSONObject) async throws -> JSONValue {
        counters.withLock { $0.calls += 1 }
        do {
            return try await perform(name, arguments: arguments)
        } catch let error as ToolCallError {
            counters.withLock { error.isCallerError ? ($0.refused += 1) : ($0.failed += 1) }
            throw error
        } catch {
            counters.withLock { $0.failed += 1 }
            throw error
        }
    }

    private func perform(_ name: String, arguments: JSONObject) async throws -> JSONValue {
        guard let definition = definitions.first(where: { $0.name == name }) else {
            throw ToolCallError("no tool named \(name); tools: \(definitions.map(\.name).joined(separator: ", "))")
        }
        let arguments = try ToolArguments(arguments, schema: definition.inputSchema)
        switch name {
        case "log_ticket":
            let event = ErrorEvent(
                id: UUIDText.random(), deviceID: try arguments.identifier("device_id"),
                errorCode: try arguments.identifier("error_code"), timestamp: clock(), receivedAt: clock(),
                source: .agent, details: try logDetails(arguments))
            let result = try await agent.triage(event, tools: [RunbookTool.logTicket.rawValue])
            return ["outcome": .string(Self.outcome(result)), "ticket": .object(result.ticket.json)]
        case "call_operator", "clear_fault":
            let id = try arguments.identifier("ticket_id")
            do {
                let ticket = try await tickets.addActions(ticketID: id, tools: [name], at: clock())
                dispatcher?.wake()
                return ["ticket": .object(ticket.json)]
            } catch let error as TicketStoreError {
                throw ToolCallError(error.description)
            }
        case "fetch_ticket_data":
            if let id = arguments.string("unique_id") {
                guard let ticket = try await tickets.ticket(id: id) else { throw ToolCallError("no ticket \(id)") }
                return ["tickets": [.object(ticket.json)]]
            }
            let list = try await tickets.tickets(
                TicketQuery(
                    status: arguments.string("status").flatMap(Ticket.Status.init(rawValue:)),
                    deviceID: arguments.string("device_id"), errorCode: arguments.string("error_code"),
                    limit: arguments.integer("limit") ?? 20))
            return ["tickets": .array(list.map { .object($0.json) })]
        default:
            let records = try await telemetry.readings(
                TelemetryQuery(
                    deviceID: try arguments.identifier("device_id"), from: try arguments.time("from"),
                    to: try arguments.time("to"), limit: arguments.integer("limit") ?? 20, newestFirst: true))
            return [
                "readings": .array(
                    records.map { record in
                        [
                            "timestamp": .string(CivilTime(epochSeconds: record.timestamp).rfc3339),
                            "payload": (try? JSONValue(parsing: record.payload))
                                ?? .string(String(decoding: record.payload, as: UTF8.self)),
                        ]
                    })
            ]
        }
    }

    private func logDetails(_ arguments: ToolArguments) throws -> JSONObject {
        var details = arguments.object("details") ?? JSONObject()
        if let start = try arguments.time("anomaly_start") { details["anomaly_start"] = .double(start) }
        if let end = try arguments.time("anomaly_end") { details["anomaly_end"] = .double(end) }
        return details
    }

    static func outcome(_ result: TicketOpeningResult) -> String {
        switch result {
        case .opened: return "opened"
        case .repeated: return "repeated"
        case .alreadyTriaged: return "already_logged"
        }
    }
}
