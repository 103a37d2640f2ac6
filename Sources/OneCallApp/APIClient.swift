import Foundation
import OneCallCore

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// A client of OneCall's REST API, for the operator commands (`onecall devices …`,
/// `onecall telemetry …`): JSON in, JSON out, errors with the server's message.
public struct APIClient: Sendable {
    /// What went wrong talking to the server.
    public struct Failure: Error, CustomStringConvertible, Sendable {
        public var status: Int?
        public var message: String
        public var description: String { status.map { "HTTP \($0): \(message)" } ?? message }
    }

    /// The server's base address, e.g. `http://127.0.0.1:8080`.
    public let baseURL: String

    /// The bearer token the server requires, if any.
    public let token: String?

    public init(baseURL: String, token: String? = nil) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.token = token
    }

    /// Sends a request and returns the status and the parsed JSON body (`null` when empty). Statuses
    /// of 400 and above throw, with the server's error message.
    public func send(
        _ method: String, _ path: String, query: [(String, String)] = [], body: [UInt8]? = nil,
        contentType: String = "application/json"
    ) async throws -> (status: Int, body: JSONValue) {
        var components = URLComponents(string: baseURL + path)
        if !query.isEmpty { components?.queryItems = query.map { URLQueryItem(name: $0.0, value: $0.1) } }
        guard let url = components?.url else { throw Failure(status: nil, message: "invalid URL \(baseURL)\(path)") }
        var request = URLRequest(url: url)
        request.httpMethod = method
        request.timeoutInterval = 30
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let body {
            request.httpBody = Data(body)
            request.setValue(contentType, forHTTPHeaderField: "Content-Type")
        }
        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await URLSession.shared.data(for: request)
        } catch {
            throw Failure(status: nil, message: "cannot reach \(baseURL): \(error.localizedDescription)")
        }
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        let value =
            data.isEmpty
            ? JSONValue.null
            : ((try? JSONValue(parsing: Array(data), limits: JSONParseLimits(maximumBytes: 1 << 30, maximumDepth: 128)))
                ?? .string(String(decoding: data, as: UTF8.self)))
        if status >= 400 {
            let message = value["error"]?["message"]?.stringValue ?? value["message"]?.stringValue ?? value.jsonString
            throw Failure(status: status, message: message)
        }
        return (status, value)
    }
}

extension JSONValue {
    /// The value as indented JSON text, for people to read.
    public var prettyText: String {
        var out = ""
        func write(_ value: JSONValue, indent: String) {
            switch value {
            case .array(let elements) where !elements.isEmpty:
                out += "[\n"
                for (index, element) in elements.enumerated() {
                    out += indent + "  "
                    write(element, indent: indent + "  ")
                    out += index == elements.count - 1 ? "\n" : ",\n"
                }
                out += indent + "]"
            case .object(let object) where !object.isEmpty:
                out += "{\n"
                for (index, member) in object.members.enumerated() {
                    out += indent + "  " + JSONValue.string(member.key).jsonString + ": "
                    write(member.value, indent: indent + "  ")
                    out += index == object.count - 1 ? "\n" : ",\n"
                }
                out += indent + "}"
            default:
                out += value.jsonString
            }
        }
        write(self, indent: "")
        return out
    }
}
