import Foundation
import Logging
import NIOCore
import NIOPosix
import OneCallCore

/// A small in-process SMTP server for demos and tests: it accepts any mail on loopback, keeps the
/// latest messages in memory, optionally writes each as an `.eml` file, and streams them to a
/// reader. It relays nothing and is no MTA; every input is bounded (``SMTPSinkConfiguration``).
public final class SMTPSink: @unchecked Sendable {
    /// The listening address and the bounds.
    public let configuration: SMTPSinkConfiguration
    /// Each accepted message, in order; a reader slower than ``SMTPSinkConfiguration/retainedMessageLimit``
    /// messages loses the oldest.
    public let messages: AsyncStream<SMTPSinkMessage>

    private let continuation: AsyncStream<SMTPSinkMessage>.Continuation
    private let group: any EventLoopGroup
    private let logger: Logger
    private let lock = NSLock()
    // Guarded by `lock`.
    private var channel: (any Channel)?
    private var retained: [SMTPSinkMessage] = []
    private var accepted = 0
    private var connections = 0

    /// Creates a sink; it listens after ``start()``.
    public init(
        configuration: SMTPSinkConfiguration = SMTPSinkConfiguration(),
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "onecall.mail.sink")
    ) {
        self.configuration = configuration
        self.group = eventLoopGroup
        self.logger = logger
        (messages, continuation) = AsyncStream.makeStream(
            of: SMTPSinkMessage.self, bufferingPolicy: .bufferingNewest(max(1, configuration.retainedMessageLimit)))
    }

    /// The port the sink listens on, once started.
    public var port: Int? {
        lock.withLock { channel?.localAddress?.port }
    }

    /// The latest messages received, oldest first (at most ``SMTPSinkConfiguration/retainedMessageLimit``).
    public var receivedMessages: [SMTPSinkMessage] {
        lock.withLock { retained }
    }

    /// How many messages the sink has accepted since it started.
    public var acceptedCount: Int {
        lock.withLock { accepted }
    }

    /// Starts listening and returns the bound port.
    @discardableResult
    public func start() async throws -> Int {
        if let directory = configuration.directory {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 64)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(
                        IdleStateHandler(readTimeout: self.configuration.idleTimeout))
                    try channel.pipeline.syncOperations.addHandler(SMTPSinkHandler(sink: self))
                }
            }
        let channel = try await bootstrap.bind(host: configuration.host, port: configuration.port).get()
        let port = channel.localAddress?.port ?? configuration.port
        lock.withLock { self.channel = channel }
        logger.debug("smtp sink listening", metadata: ["smtp.port": "\(port)"])
        return port
    }

    /// Stops listening; connections still open end on their own (idle timeout or QUIT).
    public func stop() async {
        let channel = lock.withLock {
            let channel = self.channel
            self.channel = nil
            return channel
        }
        try? await channel?.close()
        continuation.finish()
    }

    /// Starts, listens until the task is cancelled, then stops (for a service group).
    public func run() async throws {
        try await start()
        await withTaskCancellationHandler {
            let channel = lock.withLock { self.channel }
            try? await channel?.closeFuture.get()
        } onCancel: {
            let channel = lock.withLock { self.channel }
            channel?.close(promise: nil)
        }
        await stop()
    }

    // MARK: From the connections

    /// Counts a new connection; `false` when the limit is reached.
    func connectionOpened() -> Bool {
        lock.withLock {
            guard connections < configuration.maximumConnections else { return false }
            connections += 1
            return true
        }
    }

    /// Counts a closed connection.
    func connectionClosed() {
        lock.withLock { connections -= 1 }
    }

    /// Keeps a message (writing its file first, if configured) and returns its identifier.
    func store(
        sender: String, recipients: [String], clientName: String, data: [UInt8], eventLoop: any EventLoop
    ) -> EventLoopFuture<String> {
        let id = UUIDText.random()
        var message = SMTPSinkMessage(
            id: id, sender: sender, recipients: recipients, clientName: clientName, data: data, receivedAt: Date())
        guard let directory = configuration.directory else {
            keep(message)
            return eventLoop.makeSucceededFuture(id)
        }
        let path = (directory as NSString).appendingPathComponent("\(id).eml")
        message.filePath = path
        let finished = message
        return NIOThreadPool.singleton.runIfActive(eventLoop: eventLoop) {
            try Data(data).write(to: URL(fileURLWithPath: path), options: .atomic)
        }.map {
            self.keep(finished)
            return id
        }.flatMapErrorThrowing { error in
            self.logger.debug("smtp sink cannot write message", metadata: ["smtp.error": "\(error)"])
            throw error
        }
    }

    private func keep(_ message: SMTPSinkMessage) {
        lock.withLock {
            retained.append(message)
            if retained.count > max(1, configuration.retainedMessageLimit) { retained.removeFirst() }
            accepted += 1
        }
        continuation.yield(message)
        logger.debug(
            "smtp sink received message",
            metadata: ["smtp.message_id": "\(message.id)", "smtp.recipients": "\(message.recipients.count)"])
    }
}
