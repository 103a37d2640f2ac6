/// An HTTP request to the MCP endpoint, in plain Swift types so that any HTTP server can mount
/// `MCPToolServer.respond(to:)`.
public struct MCPHTTPRequest: Sendable, Hashable {
    /// The method, such as `POST`.
    public var method: String
    /// The header fields by lowercased name; repeated fields are joined with `", "`.
    public var headers: [String: String]
    /// The body. Collect at most `MCPServerConfiguration.maximumMessageBytes` + 1 bytes of it: more
    /// is answered with 413 anyway.
    public var body: [UInt8]

    /// A request with header fields given in order as name–value pairs.
    public init(method: String, headers: [(name: String, value: String)] = [], body: [UInt8] = []) {
        self.method = method
        var fields: [String: String] = [:]
        for field in headers {
            let name = field.name.lowercased()
            if let earlier = fields[name] {
                fields[name] = earlier + ", " + field.value
            } else {
                fields[name] = field.value
            }
        }
        self.headers = fields
        self.body = body
    }

    /// The value of the header field `name`, matched without regard to case.
    public func header(_ name: String) -> String? {
        headers[name.lowercased()]
    }
}
