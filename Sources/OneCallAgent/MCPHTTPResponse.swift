/// The MCP endpoint's answer to an `MCPHTTPRequest`, in plain Swift types.
public struct MCPHTTPResponse: Sendable, Hashable {
    /// The status code.
    public var status: Int
    /// The header fields to send, such as `Content-Type` and `Allow`.
    public var headers: [String: String]
    /// The body: a JSON-RPC response, or empty (202 Accepted).
    public var body: [UInt8]

    /// A response with `status`, `headers` and `body`.
    public init(status: Int, headers: [String: String] = [:], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A JSON-RPC error response with `"id": null` and HTTP status `status`.
    static func error(
        status: Int, code: Int64, message: String, headers: [String: String] = [:]
    ) -> MCPHTTPResponse {
        var fields = headers
        fields["Content-Type"] = "application/json"
        return MCPHTTPResponse(
            status: status, headers: fields, body: MCPErrorMessage(code: code, message: message).jsonBytes)
    }
}
