import NIOCore

/// Frames one sink connection into lines for its ``SMTPSinkSession`` and writes the replies;
/// storing a message is left to the ``SMTPSink``. Lines that arrive while a message is being stored
/// wait, so that replies keep their order.
final class SMTPSinkHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// Bytes buffered while a message is being stored, at most.
    static let maximumPendingBytes = 1 << 16

    private let sink: SMTPSink
    private var framer: SMTPLineFramer
    private var session: SMTPSinkSession
    private var storing = false
    private var closing = false
    private var counted = false

    init(sink: SMTPSink) {
        self.sink = sink
        framer = SMTPLineFramer(maximumLineLength: sink.configuration.maximumLineLength)
        session = SMTPSinkSession(configuration: sink.configuration)
    }

    func channelActive(context: ChannelHandlerContext) {
        if sink.connectionOpened() {
            counted = true
            write(.reply(session.greeting), context: context)
        } else {
            for output in session.busy { perform(output, context: context) }
        }
        context.flush()
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        if counted { sink.connectionClosed() }
        counted = false
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !closing else { return }
        framer.append(unwrapInboundIn(data))
        if storing && framer.bufferedByteCount > Self.maximumPendingBytes {
            closing = true
            context.close(promise: nil)
            return
        }
        processLines(context: context)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent, !closing {
            for output in session.idleTimedOut() { perform(output, context: context) }
            context.flush()
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        closing = true
        context.close(promise: nil)
    }

    private func processLines(context: ChannelHandlerContext) {
        while !storing && !closing, let line = framer.next() {
            for output in session.receive(line) { perform(output, context: context) }
        }
        context.flush()
    }

    private func perform(_ output: SMTPSinkSession.Output, context: ChannelHandlerContext) {
        switch output {
        case .reply:
            write(output, context: context)
        case .close:
            closing = true
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(channel.allocator.buffer(capacity: 0))).whenComplete { _ in
                channel.close(promise: nil)
            }
        case .deliver(let sender, let recipients, let clientName, let data):
            storing = true
            let loopBound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            sink.store(
                sender: sender, recipients: recipients, clientName: clientName, data: data, eventLoop: context.eventLoop
            ).whenComplete { result in
                let (handler, context) = loopBound.value
                handler.storing = false
                switch result {
                case .success(let id):
                    handler.write(.reply(SMTPReply(250, "OK queued as \(id)")), context: context)
                case .failure:
                    handler.write(.reply(SMTPReply(451, "Local error in processing")), context: context)
                }
                guard !handler.closing else { return }
                handler.processLines(context: context)
            }
        }
    }

    private func write(_ output: SMTPSinkSession.Output, context: ChannelHandlerContext) {
        guard case .reply(let reply) = output, context.channel.isActive else { return }
        context.write(wrapOutboundOut(context.channel.allocator.buffer(string: reply.wireFormat)), promise: nil)
    }
}
