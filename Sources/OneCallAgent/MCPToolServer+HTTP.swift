import Foundation
import MCP
import OneCallCore

extension MCPToolServer {
    /// Answers one request to the Streamable HTTP endpoint (mount it at `/mcp`), in stateless mode:
    /// no session, each POST answered with one JSON body, GET and DELETE 405.
    ///
    /// Checks, in order: the method (405 but POST), `Host` and `Origin` against the configuration
    /// (421, 403), the body size (413), that the body is one JSON object (400 with a JSON-RPC parse
    /// error or invalid request; batches are refused), then the SDK's `Accept` (406),
    /// `Content-Type` (415) and `MCP-Protocol-Version` (400) checks. A request gets 200 and its
    /// JSON-RPC response; a notification or response 202.
    public func respond(to request: MCPHTTPRequest) async -> MCPHTTPResponse {
        guard request.method.uppercased() == "POST" else {
            return .error(
                status: 405, code: -32600, message: "Method Not Allowed: this endpoint is stateless; use POST",
                headers: ["Allow": "POST"])
        }
        if let allowedHosts = configuration.allowedHosts, let host = request.header("Host"),
            !allowedHosts.contains(where: { Self.matches(host, pattern: $0) })
        {
            return .error(status: 421, code: -32600, message: "Misdirected Request: Host header not allowed")
        }
        if let allowedOrigins = configuration.allowedOrigins, let origin = request.header("Origin"),
            !allowedOrigins.contains(where: { Self.matches(origin, pattern: $0) })
        {
            return .error(status: 403, code: -32600, message: "Forbidden: Origin not allowed")
        }
        guard request.body.count <= configuration.maximumMessageBytes else {
            return .error(
                status: 413, code: -32600,
                message: "Request body exceeds \(configuration.maximumMessageBytes) bytes")
        }
        let message: JSONValue
        do {
            message = try JSONValue(
                parsing: request.body,
                limits: JSONParseLimits(
                    maximumBytes: configuration.maximumMessageBytes, maximumDepth: configuration.maximumDepth))
        } catch {
            return .error(status: 400, code: -32700, message: "Parse error: \(error)")
        }
        switch message {
        case .object: break
        case .array:
            return .error(status: 400, code: -32600, message: "Invalid Request: JSON-RPC batches are not supported")
        default:
            return .error(status: 400, code: -32600, message: "Invalid Request: expected a JSON-RPC object")
        }
        return await respondStatelessly(to: request)
    }

    /// Hands a checked POST to a fresh SDK server on a `StatelessHTTPServerTransport`. A server per
    /// request keeps concurrent clients apart (their request ids may collide) and lets every
    /// client `initialize`, which the SDK allows once per server.
    private func respondStatelessly(to request: MCPHTTPRequest) async -> MCPHTTPResponse {
        let transport = StatelessHTTPServerTransport(
            validationPipeline: StandardValidationPipeline(validators: [
                AcceptHeaderValidator(mode: .jsonOnly),
                ContentTypeValidator(),
                ProtocolVersionValidator(),
            ]),
            logger: logger
        )
        let server = await makeServer()
        do {
            try await server.start(transport: transport)
        } catch {
            logger.debug("MCP HTTP server did not start", metadata: ["error": "\(error)"])
            return .error(status: 500, code: -32603, message: "Internal error")
        }
        let response = await transport.handleRequest(
            HTTPRequest(method: "POST", headers: request.headers, body: Data(request.body)))
        await server.stop()
        switch response {
        case .stream:
            // The stateless transport never streams; refuse rather than hold a stream open.
            return .error(status: 500, code: -32603, message: "Internal error: unexpected stream")
        default:
            return MCPHTTPResponse(
                status: response.statusCode, headers: response.headers, body: response.bodyData.map(Array.init) ?? [])
        }
    }

    /// Whether a `Host` or `Origin` value matches a pattern, where a trailing `:*` stands for any
    /// port.
    static func matches(_ value: String, pattern: String) -> Bool {
        guard pattern.hasSuffix(":*") else { return value.lowercased() == pattern.lowercased() }
        let prefix = pattern.dropLast(2).lowercased() + ":"
        let lowered = value.lowercased()
        guard lowered.hasPrefix(prefix) else { return false }
        let port = lowered.dropFirst(prefix.count)
        return !port.isEmpty && port.allSatisfy(\.isASCII) && port.allSatisfy(\.isNumber)
    }
}
