import NIOCore

/// Frames the SIP socket's datagrams: each one within the size bound is handed, with its source,
/// to the agent's input stream; nothing else happens on the event loop.
final class SIPDatagramHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>

    private let input: AsyncStream<SIPUserAgent.Input>.Continuation
    private let maximumSize: Int
    private let counters: SIPCounters

    init(input: AsyncStream<SIPUserAgent.Input>.Continuation, maximumSize: Int, counters: SIPCounters) {
        self.input = input
        self.maximumSize = maximumSize
        self.counters = counters
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        counters.update { $0.datagramsReceived += 1 }
        guard envelope.data.readableBytes <= maximumSize else {
            counters.update { $0.messagesDropped += 1 }
            return
        }
        let bytes = Array(envelope.data.readableBytesView)
        if case .dropped = input.yield(.datagram(bytes, envelope.remoteAddress)) {
            counters.update { $0.messagesDropped += 1 }
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // ICMP port-unreachable and similar errors on UDP are not fatal; timers notice a dead peer.
    }
}
