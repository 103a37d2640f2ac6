import OneCallCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

extension MCPToolServer {
    /// Serves the tools on standard input and output until standard input closes (`onecall mcp`).
    /// Standard output then carries only JSON-RPC: log to standard error.
    ///
    /// Ignores `SIGPIPE` for the whole process, so that a client that goes away ends the write
    /// with an error instead of killing the process.
    public func runStdio() async throws {
        signal(SIGPIPE, SIG_IGN)
        let transport = MCPStdioTransport(
            limits: JSONParseLimits(
                maximumBytes: configuration.maximumMessageBytes, maximumDepth: configuration.maximumDepth),
            logger: logger
        )
        try await run(transport: transport)
    }
}
