import NIOCore
import NIOPosix
import NIOSSL

/// One TCP (or TLS) connection of an ``SMTPClient``: writes commands, awaits replies, and starts
/// TLS; the replies are framed by an ``SMTPClientHandler`` on the channel's event loop.
struct SMTPClientConnection: Sendable {
    let channel: any Channel
    private let handler: NIOLoopBoundBox<SMTPClientHandler>
    private let commandTimeout: TimeAmount

    /// Opens a connection; with `implicitTLS` the TLS handler is in place before the first byte.
    static func connect(
        configuration: SMTPConfiguration, group: any EventLoopGroup, implicitTLS: NIOSSLContext?
    ) async throws(SMTPError) -> SMTPClientConnection {
        let serverName = Self.serverName(configuration)
        // The handler is made here and bound to the loop the channel will use, so that it is
        // reachable even if the server's first bytes already made it close the channel.
        let eventLoop = group.next()
        let handler = NIOLoopBoundBox.makeBoxSendingValue(
            SMTPClientHandler(
                maximumLineLength: configuration.maximumReplyLineLength,
                maximumLines: configuration.maximumReplyLines, implicitTLS: implicitTLS != nil),
            eventLoop: eventLoop)
        let bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(configuration.connectTimeout)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let implicitTLS {
                        try channel.pipeline.syncOperations.addHandler(
                            try NIOSSLClientHandler(context: implicitTLS, serverHostname: serverName))
                    }
                    try channel.pipeline.syncOperations.addHandler(handler.value)
                }
            }
        do {
            let channel = try await bootstrap.connect(host: configuration.host, port: configuration.port).get()
            return SMTPClientConnection(
                channel: channel, handler: handler, commandTimeout: configuration.commandTimeout)
        } catch let error as ChannelError where error == .connectTimeout(configuration.connectTimeout) {
            throw SMTPError(.timeout, "connect timed out", detail: "\(configuration.host):\(configuration.port)")
        } catch {
            throw SMTPError(
                .connectFailed, "cannot connect", detail: "\(configuration.host):\(configuration.port): \(error)")
        }
    }

    /// The name for SNI and certificate checks: `nil` for an IP address (then the address is checked).
    static func serverName(_ configuration: SMTPConfiguration) -> String? {
        let name = configuration.tlsServerName ?? configuration.host
        return (try? SocketAddress(ipAddress: name, port: 0)) == nil ? name : nil
    }

    /// The server's next reply, within the command timeout.
    func nextReply() async throws(SMTPError) -> SMTPReply {
        let handler = self.handler
        let timeout = commandTimeout
        let loop = channel.eventLoop
        do {
            return try await loop.flatSubmit { handler.value.nextReply(timeout: timeout, on: loop) }.get()
        } catch {
            throw Self.smtpError(error)
        }
    }

    /// Writes bytes and flushes them. A failed write closes the connection; the reason (connection
    /// lost, TLS failure) is then what the next ``nextReply()`` throws.
    func write(_ bytes: [UInt8]) async {
        do {
            try await channel.writeAndFlush(channel.allocator.buffer(bytes: bytes))
        } catch {
            channel.close(promise: nil)
        }
    }

    /// Puts TLS under the connection (after the server's 220 to STARTTLS).
    func startTLS(context: NIOSSLContext, serverHostname: String?) async throws(SMTPError) {
        let handler = self.handler
        do {
            try await channel.eventLoop.submit {
                try handler.value.startTLS(context: context, serverHostname: serverHostname)
            }.get()
        } catch {
            let smtpError = Self.smtpError(error)
            try? await channel.eventLoop.submit { handler.value.fail(smtpError) }.get()
            throw smtpError
        }
    }

    /// Closes the connection.
    func close() async {
        try? await channel.close()
    }

    private static func smtpError(_ error: any Error) -> SMTPError {
        if let error = error as? SMTPError { return error }
        return SMTPError(.connectionClosed, "connection failed", detail: "\(error)")
    }
}
