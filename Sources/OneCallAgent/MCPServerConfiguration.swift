/// Limits and checks for the MCP endpoints (stdio and Streamable HTTP) of an `MCPToolServer`.
public struct MCPServerConfiguration: Sendable, Hashable {
    /// The largest JSON-RPC message accepted, in bytes: one stdio line or one HTTP request body.
    /// Larger input is refused (HTTP 413; on stdio a JSON-RPC error) without being buffered whole.
    /// Default 1 MiB.
    public var maximumMessageBytes: Int
    /// The deepest nesting of objects and arrays accepted in a message. Default 64.
    public var maximumDepth: Int
    /// `Host` header values the HTTP endpoint accepts, as `host:port` with `*` for any port, or
    /// `nil` to accept any host. Default: loopback names only, against DNS rebinding.
    public var allowedHosts: [String]?
    /// `Origin` header values the HTTP endpoint accepts (checked only when a client sends one), with
    /// `*` for any port, or `nil` to accept any origin. Default: loopback origins only.
    public var allowedOrigins: [String]?

    /// The defaults: 1 MiB messages, depth 64, loopback hosts and origins only.
    public init(
        maximumMessageBytes: Int = 1 << 20,
        maximumDepth: Int = 64,
        allowedHosts: [String]? = ["127.0.0.1", "127.0.0.1:*", "localhost", "localhost:*", "[::1]", "[::1]:*"],
        allowedOrigins: [String]? = [
            "http://127.0.0.1", "http://127.0.0.1:*", "http://localhost", "http://localhost:*", "http://[::1]",
            "http://[::1]:*",
        ]
    ) {
        self.maximumMessageBytes = maximumMessageBytes
        self.maximumDepth = maximumDepth
        self.allowedHosts = allowedHosts
        self.allowedOrigins = allowedOrigins
    }
}
