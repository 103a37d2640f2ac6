import OneCallCore

/// A JSON-RPC error response that no request id could be read for (`"id": null`): the answer to
/// input that is too large or not JSON.
struct MCPErrorMessage: Sendable, Hashable {
    /// The JSON-RPC error code (-32700 parse error, -32600 invalid request).
    var code: Int64
    /// A short, safe message.
    var message: String

    /// The compact JSON text of the response.
    var jsonBytes: [UInt8] {
        let response: JSONValue = [
            "jsonrpc": "2.0",
            "id": nil,
            "error": ["code": .int(code), "message": .string(message)],
        ]
        return response.jsonBytes
    }
}
