import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdWebSocket
import OneCallChat
import OneCallCore
import OneCallStorage

/// The console's websocket at `/api/v1/ws` (the token, when the API needs one, in `?token=`, since
/// a browser cannot set headers on a websocket). The server pushes `{"type": "changed"}` when
/// tickets or calls change and `{"type": "tick"}` every few seconds; the page sends
/// `{"type": "chat", "id": N, "session": "…", "message": "…"}` and gets
/// `{"type": "answer", "id": N, "answer": "…", "facts": […], "intent": "…"}` or
/// `{"type": "error", "id": N, "code": "…", "message": "…"}`. Messages over 64 KiB close the socket.
enum ConsoleWebSocket {
    static let path = "/api/v1/ws"
    static let maximumMessageSize = 64 * 1024
    /// How often the tickets and calls are looked at for changes, and how often a tick goes out.
    static let lookInterval: Duration = .seconds(1)
    static let ticksEvery = 3

    /// Whether a request may be upgraded: the path, and the token when the API requires one.
    static func accepts(_ request: HTTPRequest, services: APIServices) -> Bool {
        guard let target = request.path, target == path || target.hasPrefix(path + "?") else { return false }
        guard let middleware = BearerTokenMiddleware(services: services) else { return true }
        let query = target.split(separator: "?", maxSplits: 1).dropFirst().first ?? ""
        let token = query.split(separator: "&").compactMap { pair -> String? in
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, parts[0] == "token" else { return nil }
            return String(parts[1]).removingPercentEncoding
        }.first
        guard let token, token.utf8.count <= 256 else { return false }
        return middleware.accepts(token: token)
    }

    /// Serves one socket until the page goes away.
    static func serve(
        inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter, services: APIServices
    ) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await push(outbound: outbound, services: services) }
            group.addTask {
                for try await message in inbound.messages(maxSize: maximumMessageSize) {
                    guard case .text(let text) = message else { continue }
                    try await outbound.write(.text(await reply(to: text, services: services).jsonString))
                }
            }
            // The page closed: stop pushing.
            try await group.next()
            group.cancelAll()
        }
    }

    /// Tells the page when tickets or calls changed, and ticks for the devices' readings.
    static func push(outbound: WebSocketOutboundWriter, services: APIServices) async throws {
        var last: Int?
        var looks = 0
        while !Task.isCancelled {
            if let workflow = services.workflow {
                var hasher = Hasher()
                for ticket in try await workflow.tickets.tickets(TicketQuery(limit: 50)) {
                    hasher.combine(ticket.uniqueID)
                    hasher.combine(ticket.status)
                    hasher.combine(ticket.occurrences)
                    hasher.combine(ticket.updatedAt)
                    for action in ticket.actions { hasher.combine(action.status) }
                }
                for call in try await workflow.tickets.calls(ticketID: nil, limit: 50) {
                    hasher.combine(call.id)
                    hasher.combine(call.status)
                    hasher.combine(call.attempts)
                }
                let fingerprint = hasher.finalize()
                if last != nil && last != fingerprint { try await outbound.write(.text(#"{"type":"changed"}"#)) }
                last = fingerprint
            }
            looks += 1
            if looks % ticksEvery == 0 { try await outbound.write(.text(#"{"type":"tick"}"#)) }
            try await Task.sleep(for: lookInterval)
        }
    }

    /// The answer to one message from the page.
    static func reply(to text: String, services: APIServices) async -> JSONValue {
        guard let message = try? JSONValue(parsing: Array(text.utf8)), let object = message.objectValue else {
            return ["type": "error", "code": "invalid_json", "message": "a message is a JSON object"]
        }
        let id = object["id"] ?? .null
        guard object["type"]?.stringValue == "chat" else {
            return ["type": "error", "id": id, "code": "unknown_type", "message": "expected type chat"]
        }
        guard let chat = services.workflow?.chat else {
            return ["type": "error", "id": id, "code": "not_found", "message": "the chat is not enabled"]
        }
        guard let question = object["message"]?.stringValue else {
            return ["type": "error", "id": id, "code": "invalid_message", "message": "message must be a string"]
        }
        do {
            let answer = try await chat.answer(question, session: object["session"]?.stringValue ?? "default")
            guard case .object(var reply) = answer.jsonValue else { return answer.jsonValue }
            reply["type"] = "answer"
            reply["id"] = id
            return .object(reply)
        } catch let error as ChatError {
            return [
                "type": "error", "id": id, "code": .string(error.code.rawValue), "message": .string(error.description),
            ]
        } catch {
            return ["type": "error", "id": id, "code": "internal", "message": "the chat failed"]
        }
    }
}
