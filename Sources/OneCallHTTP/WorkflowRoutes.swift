import Foundation
import Hummingbird
import NIOCore
import OneCallAgent
import OneCallChat
import OneCallCore
import OneCallKnowledge
import OneCallStorage

/// Tickets, calls, the knowledge base and the tools under `/api/v1`, and MCP at `/mcp`.
struct WorkflowRoutes: Sendable {
    let workflow: WorkflowAPI
    let maximumBodySize: Int
    let clock: @Sendable () -> Double

    func register(api: RouterGroup<BasicRequestContext>, mcp: RouterGroup<BasicRequestContext>) {
        registerTickets(on: api)
        registerKnowledge(on: api)
        registerTools(on: api)
        registerMCP(on: mcp)
    }

    // MARK: Tickets

    func registerTickets(on api: RouterGroup<BasicRequestContext>) {
        let workflow = self.workflow
        let clock = self.clock
        let limit = maximumBodySize
        api.get("tickets") { request, _ -> Response in
            let query = request.uri.queryParameters
            var status: Ticket.Status?
            if let text = query.get("status") {
                guard let value = Ticket.Status(rawValue: text) else {
                    throw APIError.badRequest("status must be open, acknowledged or resolved")
                }
                status = value
            }
            let tickets = try await workflow.tickets.tickets(
                TicketQuery(
                    status: status, deviceID: query.get("device_id") ?? query.get("device"),
                    errorCode: query.get("error_code") ?? query.get("code"),
                    limit: try APIRoutes.integer(request, "limit", default: 100, range: 1...10_000)))
            return JSONResponse.make(
                ["tickets": .array(tickets.map { .object($0.json) }), "count": .int(Int64(tickets.count))])
        }
        api.get("tickets/:id") { _, context -> Response in
            let id = try context.parameters.require("id")
            guard let ticket = try await workflow.tickets.ticket(id: id) else {
                throw APIError.notFound("no ticket \(id)")
            }
            var object = ticket.json
            var calls: [JSONValue] = []
            for call in try await workflow.tickets.calls(ticketID: id, limit: 100) {
                calls.append(.object(try await Self.callJSON(call, store: workflow.calls)))
            }
            object["calls"] = .array(calls)
            return JSONResponse.make(.object(object))
        }
        for (path, status) in [("acknowledge", Ticket.Status.acknowledged), ("resolve", .resolved)] {
            api.post("tickets/:id/\(path)") { request, context -> Response in
                let id = try context.parameters.require("id")
                let bytes = try await JSONResponse.body(of: request, limit: limit)
                var body = JSONObject()
                if !bytes.isEmpty {
                    guard let object = try? JSONValue(parsing: bytes).objectValue else {
                        throw APIError.badRequest("the body must be a JSON object", code: "invalid_json")
                    }
                    body = object
                }
                for key in body.keys where key != "by" && key != "note" {
                    throw APIError.badRequest("unknown member \(key); members: by, note")
                }
                let by = try Self.text(body["by"], name: "by")
                let note = try Self.text(body["note"], name: "note")
                do {
                    let ticket = try await workflow.tickets.setStatus(
                        ticketID: id, to: status, by: by, note: note, at: clock())
                    return JSONResponse.make(.object(ticket.json))
                } catch let error as TicketStoreError {
                    switch error.code {
                    case .notFound: throw APIError.notFound(error.description)
                    case .invalidTransition: throw APIError(.conflict, code: "invalid_transition", error.description)
                    }
                }
            }
        }
        api.get("calls") { request, _ -> Response in
            let calls = try await workflow.tickets.calls(
                ticketID: request.uri.queryParameters.get("ticket_id"),
                limit: try APIRoutes.integer(request, "limit", default: 100, range: 1...10_000))
            return JSONResponse.make(["calls": .array(calls.map { .object($0.json) })])
        }
        api.get("calls/:id") { _, context -> Response in
            let id = try context.parameters.require("id")
            guard let store = workflow.calls, let call = try await store.call(id: id) else {
                throw APIError.notFound("no call \(id)")
            }
            return JSONResponse.make(.object(try await Self.callJSON(call, store: store)))
        }
        // Reached only when the request was not upgraded (see ConsoleWebSocket).
        api.get("ws") { _, _ -> Response in
            throw APIError.badRequest("a websocket upgrade is required", code: "upgrade_required")
        }
        api.post("chat") { request, _ -> Response in
            guard let chat = workflow.chat else { throw APIError.notFound("the chat is not enabled") }
            let bytes = try await JSONResponse.body(of: request, limit: limit)
            guard let body = try? JSONValue(parsing: bytes).objectValue else {
                throw APIError.badRequest("the body must be a JSON object", code: "invalid_json")
            }
            for key in body.keys where key != "session" && key != "message" {
                throw APIError.badRequest("unknown member \(key); members: session, message")
            }
            guard let message = body["message"]?.stringValue else {
                throw APIError.badRequest("message must be a string", code: "invalid_message")
            }
            var session = "default"
            if let value = body["session"], !value.isNull {
                guard let text = value.stringValue else {
                    throw APIError.badRequest("session must be a string", code: "invalid_session")
                }
                session = text
            }
            do {
                return JSONResponse.make(try await chat.answer(message, session: session).jsonValue)
            } catch let error as ChatError {
                throw APIError.badRequest(error.description, code: error.code.rawValue)
            }
        }
        api.get("contact-center") { _, _ -> Response in
            guard let overview = workflow.contactCenter else {
                throw APIError.notFound("the contact center is not enabled (contact_center.enabled)")
            }
            return JSONResponse.make(.object(overview()))
        }
    }

    /// A call with its attempts: who was called, when, what happened, which keys were pressed.
    static func callJSON(_ call: CallRequest, store: (any CallStore)?) async throws -> JSONObject {
        var object = call.json
        if let store {
            object["attempt_log"] = .array(try await store.callAttempts(callID: call.id).map { .object($0.json) })
        }
        return object
    }

    static func text(_ value: JSONValue?, name: String) throws -> String? {
        guard let value, !value.isNull else { return nil }
        guard let text = value.stringValue, text.utf8.count <= 4096 else {
            throw APIError.badRequest("\(name) must be a string of at most 4096 bytes")
        }
        return text
    }

    // MARK: Knowledge

    func registerKnowledge(on api: RouterGroup<BasicRequestContext>) {
        let workflow = self.workflow
        let library = workflow.library
        api.get("knowledge") { _, _ -> Response in
            let index = library.index
            var list: [JSONValue] = index.documents.map { document in
                [
                    "name": .string(document.name), "format": .string(document.format.rawValue),
                    "characters": .int(Int64(document.text.count)),
                    "sections": .int(Int64(index.sections(inDocument: document.name).count)),
                ]
            }
            for (name, reason) in library.failures.sorted(by: { $0.key < $1.key }) {
                list.append(["name": .string(name), "error": .string(reason)])
            }
            return JSONResponse.make(["documents": .array(list)])
        }
        api.put("knowledge/:name") { request, context -> Response in
            let name = try context.parameters.require("name")
            let bytes = try await JSONResponse.body(
                of: request, limit: library.converter.limits.maximumDocumentBytes)
            do {
                let document = try await Self.blocking { try library.add(bytes, named: name) }
                return JSONResponse.make(
                    [
                        "name": .string(document.name), "format": .string(document.format.rawValue),
                        "sections": .int(Int64(library.index.sections(inDocument: document.name).count)),
                    ], status: .created)
            } catch let error as KnowledgeError {
                throw APIError(
                    error.code == .tooLarge ? .contentTooLarge : .badRequest, code: error.code.rawValue,
                    error.description)
            }
        }
        api.get("knowledge/:name") { _, context -> Response in
            let name = try context.parameters.require("name")
            let index = library.index
            guard let document = index.document(named: name) else { throw APIError.notFound("no document \(name)") }
            return JSONResponse.make(
                [
                    "name": .string(document.name), "format": .string(document.format.rawValue),
                    "sections": .array(index.sections(inDocument: name).map { .object(Self.json($0)) }),
                    "text": .string(document.text),
                ])
        }
        api.delete("knowledge/:name") { _, context -> Response in
            let name = try context.parameters.require("name")
            guard library.remove(named: name) else { throw APIError.notFound("no document \(name)") }
            return Response(status: .noContent)
        }
        api.get("knowledge/search") { request, _ -> Response in
            guard let query = request.uri.queryParameters.get("q"), !query.isEmpty, query.utf8.count <= 4096 else {
                throw APIError.badRequest("q is required (at most 4096 bytes)")
            }
            let limit = try APIRoutes.integer(request, "limit", default: 10, range: 1...100)
            let hits = await workflow.search(query, limit)
            return JSONResponse.make(
                [
                    "hits": .array(
                        hits.map { hit in
                            [
                                "document": .string(hit.documentName), "section": .string(hit.sectionTitle),
                                "text": .string(hit.text), "score": .double(hit.score),
                            ]
                        })
                ])
        }
        api.get("knowledge/plan") { request, _ -> Response in
            guard let code = request.uri.queryParameters.get("code"), !code.isEmpty, code.utf8.count <= 128 else {
                throw APIError.badRequest("code is required (at most 128 bytes)")
            }
            return JSONResponse.make(workflow.planner.plan(code: code, in: library.index).json)
        }
    }

    static func json(_ section: KnowledgeSection) -> JSONObject {
        [
            "title": .string(section.title), "level": .int(Int64(section.level)),
            "fields": .array(
                section.fields.map { field in
                    [
                        "name": .string(field.name), "value": .string(field.value),
                        "items": .array(field.items.map(JSONValue.string)),
                    ]
                }),
        ]
    }

    /// Runs a blocking conversion (a .docx or PDF converter process) off the concurrency pool.
    static func blocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try body() }) }
        }
    }

    // MARK: Tools

    func registerTools(on api: RouterGroup<BasicRequestContext>) {
        let tools = workflow.tools
        let limit = maximumBodySize
        api.get("tools") { _, _ -> Response in
            JSONResponse.make(
                [
                    "tools": .array(
                        tools.definitions.map { definition in
                            [
                                "name": .string(definition.name), "description": .string(definition.description),
                                "input_schema": definition.inputSchema,
                            ]
                        })
                ])
        }
        api.post("tools/:name") { request, context -> Response in
            let name = try context.parameters.require("name")
            let bytes = try await JSONResponse.body(of: request, limit: limit)
            var arguments = JSONObject()
            if !bytes.isEmpty {
                guard let object = try? JSONValue(parsing: bytes).objectValue else {
                    throw APIError.badRequest("the arguments must be a JSON object", code: "invalid_json")
                }
                arguments = object
            }
            do {
                return JSONResponse.make(try await tools.call(name, arguments: arguments))
            } catch let error as ToolCallError {
                guard tools.definitions.contains(where: { $0.name == name }) else {
                    throw APIError.notFound(error.message)
                }
                throw APIError(
                    error.isCallerError ? .badRequest : .internalServerError, code: "tool_error", error.message)
            }
        }
    }

    // MARK: MCP

    func registerMCP(on group: RouterGroup<BasicRequestContext>) {
        let server = workflow.mcp
        let limit = maximumBodySize
        for method in [HTTPRequest.Method.post, .get, .delete, .put, .patch] {
            group.on("", method: method) { request, _ -> Response in
                var body: [UInt8] = []
                if method == .post {
                    do {
                        body = Array(try await request.body.collect(upTo: limit).readableBytesView)
                    } catch is NIOTooManyBytesError {
                        let error: JSONValue = [
                            "jsonrpc": "2.0", "id": nil,
                            "error": ["code": -32600, "message": .string("the message exceeds \(limit) bytes")],
                        ]
                        return JSONResponse.make(error, status: .contentTooLarge)
                    }
                }
                let headers = request.headers.map { (name: $0.name.canonicalName, value: $0.value) }
                let reply = await server.respond(
                    to: MCPHTTPRequest(method: method.rawValue, headers: headers, body: body))
                var fields = HTTPFields()
                for (name, value) in reply.headers {
                    if let field = HTTPFields.Element.Name(name) { fields[field] = value }
                }
                var buffer = ByteBuffer()
                buffer.writeBytes(reply.body)
                return Response(
                    status: HTTPResponse.Status(code: reply.status), headers: fields,
                    body: ResponseBody(byteBuffer: buffer))
            }
        }
    }
}
