import NIOCore

/// Carries one MQTT connection over a SwiftNIO channel: the transport of TLS and WebSocket
/// listeners (plain TCP listeners use the broker's own reactor, ``ReactorSocket``).
final class MQTTChannelHandler: ChannelInboundHandler, MQTTTransport, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let connection: MQTTServerConnection
    private let listener: MQTTListenerConfiguration
    private let registry: ConnectionRegistry?
    /// Added to a channel that is already active (after a WebSocket upgrade): starts at once.
    private let activatesOnAdd: Bool
    private var context: ChannelHandlerContext?
    private var deadlineTimer: Scheduled<Void>?

    init(
        broker: Broker, listener: MQTTListenerConfiguration, eventLoop: any EventLoop,
        registry: ConnectionRegistry? = nil, activatesOnAdd: Bool = false
    ) {
        self.connection = MQTTServerConnection(broker: broker, eventLoop: eventLoop)
        self.listener = listener
        self.registry = registry
        self.activatesOnAdd = activatesOnAdd
    }

    // MARK: Channel events

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if activatesOnAdd && context.channel.isActive { activate(context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        activate(context: context)
        context.fireChannelActive()
    }

    private func activate(context: ChannelHandlerContext) {
        guard connection.activate(self) else { return }
        registry?.add(connection)
        checkDeadlines(on: context.eventLoop)
    }

    /// Checks the connection's deadlines every half second while the channel is open.
    private func checkDeadlines(on eventLoop: any EventLoop) {
        deadlineTimer = eventLoop.scheduleTask(in: .milliseconds(500)) { [weak self] in
            guard let self, self.context != nil else { return }
            self.connection.checkDeadlines(now: .now())
            self.checkDeadlines(on: eventLoop)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        deadlineTimer?.cancel()
        deadlineTimer = nil
        registry?.remove(connection)
        connection.inactive()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadlineTimer?.cancel()
        self.context = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        connection.received(unwrapInboundIn(data))
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        connection.readComplete()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { connection.becameWritable() }
        context.fireChannelWritabilityChanged()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        connection.failed(error)
    }

    // MARK: MQTTTransport

    var isWritable: Bool { context?.channel.isWritable ?? false }

    var remoteAddressDescription: String { context?.remoteAddress.map { "\($0)" } ?? "?" }

    var certificateIdentity: String? { listener.certificateIdentity(of: context?.channel) }

    func write(_ buffer: ByteBuffer) {
        context?.write(wrapOutboundOut(buffer), promise: nil)
    }

    func flush() {
        context?.flush()
    }

    func close() {
        context?.close(promise: nil)
    }

    func closeGently() {
        guard let context else { return }
        let channel = context.channel
        let outputClosed = context.eventLoop.makePromise(of: Void.self)
        outputClosed.futureResult.whenFailure { _ in channel.close(promise: nil) }
        context.close(mode: .output, promise: outputClosed)
        context.eventLoop.scheduleTask(in: .seconds(1)) { channel.close(promise: nil) }
    }

    func setReadingPaused(_ paused: Bool) {
        guard let context, let options = context.channel.syncOptions else { return }
        try? options.setOption(.autoRead, value: !paused)
        if !paused { context.read() }
    }
}
