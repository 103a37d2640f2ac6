import Hummingbird
import OneCallCore
import Synchronization

/// The REST API described in OpenAPI 3.1, served at `/openapi.json`. The paths come from the
/// router itself; each operation's words come from the table below. A route the table does not
/// describe is listed under `x-undocumented`, and a described operation with no route under
/// `x-unrouted`, so that the description cannot drift from the routes unnoticed (a test checks
/// that both lists are empty).
enum OpenAPIDocument {
    /// One operation's description.
    struct Operation {
        var summary: String
        var tag: String
        var query: [(name: String, description: String)] = []
        /// The request body's media type and what it holds, if any.
        var body: (type: String, description: String)?
        /// Status codes and what they mean, beside 200.
        var responses: [(code: String, description: String)] = []
        /// The success status (200 unless said).
        var success = "200"
        var successType = "application/json"
    }

    static let operations: [String: Operation] = [
        "GET /healthz": .init(summary: "Liveness: `ok`", tag: "operations", successType: "text/plain"),
        "GET /metrics": .init(
            summary: "Prometheus text exposition (version 0.0.4)", tag: "operations", successType: "text/plain"),
        "GET /openapi.json": .init(summary: "This description", tag: "operations"),
        "GET /": .init(summary: "The web console", tag: "operations", successType: "text/html"),
        "GET /console": .init(summary: "The web console", tag: "operations", successType: "text/html"),
        "POST /api/v1/devices/{id}/commands": .init(
            summary: "Publish a command to a device (QoS 1 on its command topic)", tag: "devices",
            body: (
                "application/json", #"a JSON object, e.g. {"action": "inject_fault", "fault_type": "low_pressure"}"#
            ),
            responses: [("404", "no such device"), ("400", "not a JSON object")], success: "202"),
        "POST /api/v1/login": .init(
            summary: "Sign an operator in: a bearer token for the API and the console", tag: "operators",
            body: ("application/json", #"{"username": "...", "password": "..."}"#),
            responses: [("401", "wrong user name or password"), ("404", "no operator accounts")]),
        "POST /api/v1/logout": .init(summary: "End the token's session", tag: "operators"),
        "GET /api/v1/devices": .init(summary: "The device registry", tag: "devices"),
        "POST /api/v1/devices": .init(
            summary: "Register a device", tag: "devices", body: ("application/json", "a device"),
            responses: [("409", "the device exists"), ("400", "invalid device")], success: "201"),
        "POST /api/v1/devices/import": .init(
            summary: "Import devices (all or nothing)", tag: "devices",
            body: ("application/json", #"{"devices": [...]} or CSV with a header row"#),
            responses: [("400", "an invalid row; nothing imported")]),
        "GET /api/v1/devices/{id}": .init(
            summary: "One device", tag: "devices", responses: [("404", "no such device")]),
        "PUT /api/v1/devices/{id}": .init(
            summary: "Replace a device", tag: "devices", body: ("application/json", "the device"),
            responses: [("404", "no such device")]),
        "PATCH /api/v1/devices/{id}": .init(
            summary: "Merge into a device (null clears)", tag: "devices", body: ("application/json", "members"),
            responses: [("404", "no such device")]),
        "DELETE /api/v1/devices/{id}": .init(
            summary: "Remove a device", tag: "devices", responses: [("404", "no such device")]),
        "GET /api/v1/devices/{id}/telemetry": .init(
            summary: "A device's readings", tag: "telemetry", query: telemetryQuery),
        "GET /api/v1/telemetry": .init(
            summary: "Readings", tag: "telemetry", query: [("device", "device id")] + telemetryQuery),
        "GET /api/v1/telemetry/dead-letters": .init(
            summary: "Refused messages, newest first", tag: "telemetry", query: [("limit", "at most this many")]),
        "POST /api/v1/events": .init(
            summary: "Raise error events", tag: "events",
            body: ("application/json", "an event, a list of them, or the reference's error message"),
            responses: [("400", "invalid event")], success: "202"),
        "POST /api/v1/events/alertmanager": .init(
            summary: "Prometheus Alertmanager webhook (v4)", tag: "events", body: ("application/json", "webhook"),
            responses: [("400", "invalid webhook")], success: "202"),
        "GET /api/v1/events": .init(
            summary: "Recent events, newest first", tag: "events",
            query: [("device", "device id"), ("limit", "at most this many")]),
        "GET /api/v1/rules": .init(summary: "The rules", tag: "rules"),
        "POST /api/v1/rules/test": .init(
            summary: "Try a rule on a message", tag: "rules", body: ("application/json", "rule or sql, topic, payload"),
            responses: [("400", "invalid rule or message")]),
        "GET /things/{thing}/shadow": .init(
            summary: "A device shadow (AWS IoT data plane)", tag: "shadows", query: [("name", "named shadow")],
            responses: [("404", "no shadow")]),
        "POST /things/{thing}/shadow": .init(
            summary: "Update a device shadow", tag: "shadows", query: [("name", "named shadow")],
            body: ("application/json", #"{"state": {"desired": ..., "reported": ...}}"#),
            responses: [("400", "invalid document"), ("409", "version conflict")]),
        "DELETE /things/{thing}/shadow": .init(
            summary: "Delete a device shadow", tag: "shadows", query: [("name", "named shadow")],
            responses: [("404", "no shadow")]),
        "PUT /things/{thing}/shadow": .init(
            summary: "Not allowed (AWS answers 405)", tag: "shadows", responses: [("405", "use POST")],
            success: "405"),
        "PATCH /things/{thing}/shadow": .init(
            summary: "Not allowed (AWS answers 405)", tag: "shadows", responses: [("405", "use POST")],
            success: "405"),
        "GET /api/things/shadow/ListNamedShadowsForThing/{thing}": .init(
            summary: "A device's named shadows", tag: "shadows"),
        "GET /api/v1/tickets": .init(
            summary: "Tickets, newest first", tag: "tickets",
            query: [
                ("status", "open, acknowledged or resolved"), ("device_id", "device id"),
                ("error_code", "error code"), ("limit", "at most this many"),
            ]),
        "GET /api/v1/tickets/{id}": .init(
            summary: "One ticket with its actions and calls (with their attempt logs)", tag: "tickets",
            responses: [("404", "no such ticket")]),
        "POST /api/v1/tickets/{id}/acknowledge": .init(
            summary: "Acknowledge a ticket", tag: "tickets", body: ("application/json", #"{"by", "note"}"#),
            responses: [("404", "no such ticket"), ("409", "resolved already")]),
        "POST /api/v1/tickets/{id}/resolve": .init(
            summary: "Resolve a ticket", tag: "tickets", body: ("application/json", #"{"by", "note"}"#),
            responses: [("404", "no such ticket")]),
        "GET /api/v1/calls": .init(
            summary: "Calls, newest first", tag: "calls",
            query: [("ticket_id", "one ticket's calls"), ("limit", "at most this many")]),
        "GET /api/v1/calls/{id}": .init(
            summary: "One call with its attempt log", tag: "calls", responses: [("404", "no such call")]),
        "GET /api/v1/contact-center": .init(
            summary: "Flows, hours, queues, rosters, the provider and call counters", tag: "calls",
            responses: [("404", "the contact center is off")]),
        "GET /api/v1/ws": .init(
            summary: "The console's websocket (?token=): pushes changed/tick, answers chat messages", tag: "chat",
            query: [("token", "the API or operator token, when the API requires one")],
            responses: [("400", "not a websocket upgrade")], success: "101", successType: "application/json"),
        "POST /api/v1/chat": .init(
            summary: "Ask a question: an answer in Markdown with the facts it used", tag: "chat",
            body: ("application/json", #"{"session": "...", "message": "..."}"#),
            responses: [("400", "message_too_long, empty_message or invalid_session")]),
        "GET /api/v1/knowledge": .init(summary: "The knowledge base's documents", tag: "knowledge"),
        "PUT /api/v1/knowledge/{name}": .init(
            summary: "Add or replace a document (Markdown, text, .docx, PDF)", tag: "knowledge",
            body: ("application/octet-stream", "the file's bytes"), responses: [("400", "cannot be converted")],
            success: "201"),
        "GET /api/v1/knowledge/{name}": .init(
            summary: "One document with its sections", tag: "knowledge", responses: [("404", "no such document")]),
        "DELETE /api/v1/knowledge/{name}": .init(
            summary: "Remove a document", tag: "knowledge", responses: [("404", "no such document")]),
        "GET /api/v1/knowledge/search": .init(
            summary: "Search the knowledge base", tag: "knowledge",
            query: [("q", "words"), ("limit", "at most this many")]),
        "GET /api/v1/knowledge/plan": .init(
            summary: "The runbook plan for an error code", tag: "knowledge", query: [("code", "error code")]),
        "GET /api/v1/tools": .init(summary: "The workflow tools with their JSON schemas", tag: "tools"),
        "POST /api/v1/tools/{name}": .init(
            summary: "Run a tool", tag: "tools", body: ("application/json", "the tool's arguments"),
            responses: [("400", "invalid arguments"), ("404", "no such tool")]),
        "POST /mcp": .init(
            summary: "MCP, Streamable HTTP (stateless)", tag: "mcp", body: ("application/json", "JSON-RPC")),
        "GET /mcp": .init(summary: "MCP: no server-sent stream (405)", tag: "mcp", success: "405"),
        "DELETE /mcp": .init(summary: "MCP: no sessions to end (405)", tag: "mcp", success: "405"),
        "PUT /mcp": .init(summary: "MCP: not allowed (405)", tag: "mcp", success: "405"),
        "PATCH /mcp": .init(summary: "MCP: not allowed (405)", tag: "mcp", success: "405"),
    ]

    /// The router's routes, set once the router is built.
    final class RouteList: Sendable {
        private let routes = Mutex<[(method: String, path: String)]>([])

        var value: [(method: String, path: String)] {
            get { routes.withLock { $0 } }
            set { routes.withLock { $0 = newValue } }
        }
    }

    static let telemetryQuery: [(name: String, description: String)] = [
        ("from", "epoch seconds or RFC 3339, inclusive"), ("to", "epoch seconds or RFC 3339, exclusive"),
        ("limit", "at most this many"), ("order", "asc or desc"), ("bucket", "seconds per bucket"),
        ("field", "the field to aggregate per bucket"),
    ]

    /// `GET /api/v1/devices/:id` → `GET /api/v1/devices/{id}`.
    static func key(method: String, path: String) -> String {
        let segments = path.split(separator: "/").map { segment -> String in
            segment.hasPrefix(":") ? "{\(segment.dropFirst())}" : String(segment)
        }
        return "\(method) /" + segments.joined(separator: "/")
    }

    /// The document for the routes `router` holds.
    static func document(routes: [(method: String, path: String)], version: String) -> JSONValue {
        var paths = JSONObject()
        var undocumented: [JSONValue] = []
        var routed: Set<String> = []
        for route in routes {
            let key = Self.key(method: route.method, path: route.path)
            routed.insert(key)
            let path = String(key.drop { $0 != " " }.dropFirst())
            var item = paths[path]?.objectValue ?? JSONObject()
            guard let operation = operations[key] else {
                undocumented.append(.string(key))
                item[route.method.lowercased()] = [
                    "summary": "undocumented", "responses": ["200": ["description": "?"]],
                ]
                paths[path] = .object(item)
                continue
            }
            item[route.method.lowercased()] = .object(Self.operation(operation, method: route.method, path: path))
            paths[path] = .object(item)
        }
        let unrouted = operations.keys.filter { !routed.contains($0) }.sorted().map(JSONValue.string)
        return [
            "openapi": "3.1.0",
            "info": [
                "title": "OneCall", "version": .string(version),
                "description": .string(
                    "Devices, telemetry, events, rules, shadows, tickets, calls, the knowledge base, the tools and "
                        + "the chat. Errors are {\"error\": {\"code\", \"message\"}} with the HTTP status."),
            ],
            "components": [
                "securitySchemes": ["bearer": ["type": "http", "scheme": "bearer"]],
                "schemas": [
                    "Error": [
                        "type": "object",
                        "properties": [
                            "error": [
                                "type": "object",
                                "properties": ["code": ["type": "string"], "message": ["type": "string"]],
                            ]
                        ],
                    ]
                ],
            ],
            "security": [["bearer": []]],
            "paths": .object(paths),
            "x-undocumented": .array(undocumented.sorted { ($0.stringValue ?? "") < ($1.stringValue ?? "") }),
            "x-unrouted": .array(unrouted),
        ]
    }

    static func operation(_ operation: Operation, method: String, path: String) -> JSONObject {
        var parameters: [JSONValue] = []
        for segment in path.split(separator: "/") where segment.hasPrefix("{") {
            parameters.append([
                "name": .string(String(segment.dropFirst().dropLast())), "in": "path", "required": true,
                "schema": ["type": "string"],
            ])
        }
        for parameter in operation.query {
            parameters.append([
                "name": .string(parameter.name), "in": "query", "required": false,
                "description": .string(parameter.description), "schema": ["type": "string"],
            ])
        }
        var responses: JSONObject = [
            operation.success: [
                "description": "success",
                "content": [
                    operation.successType: [
                        "schema": operation.successType == "application/json" ? ["type": "object"] : ["type": "string"]
                    ]
                ],
            ]
        ]
        for (code, description) in operation.responses where code != operation.success {
            responses[code] = [
                "description": .string(description),
                "content": ["application/json": ["schema": ["$ref": "#/components/schemas/Error"]]],
            ]
        }
        var object: JSONObject = [
            "summary": .string(operation.summary), "tags": [.string(operation.tag)],
            "operationId": .string(Self.operationID(method: method, path: path)),
            "responses": .object(responses),
        ]
        if !parameters.isEmpty { object["parameters"] = .array(parameters) }
        if let body = operation.body {
            object["requestBody"] = [
                "description": .string(body.description), "required": true,
                "content": [
                    body.type: [
                        "schema": body.type == "application/json"
                            ? ["type": "object"] : ["type": "string", "format": "binary"]
                    ]
                ],
            ]
        }
        if ["/healthz", "/metrics", "/", "/console", "/api/v1/login"].contains(path) { object["security"] = [] }
        return object
    }

    /// A unique id from the method and the path: `GET /api/v1/devices/{id}` → `getApiV1DevicesId`.
    static func operationID(method: String, path: String) -> String {
        let words = [method.lowercased()] + path.split(separator: "/").map { $0.filter { $0.isLetter || $0.isNumber } }
        return words.filter { !$0.isEmpty }.enumerated()
            .map { $0.offset == 0 ? $0.element : $0.element.prefix(1).uppercased() + $0.element.dropFirst() }
            .joined()
    }
}
