import NIOCore

/// Frames RTP datagrams on a call's media socket and turns telephone events into key presses.
/// Audio from the far end is counted and dropped: the agent only speaks.
final class RTPReceiveHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>

    private let keypresses: KeypressQueue
    private let counters: SIPCounters
    private var detector = TelephoneEventDetector()
    /// The payload types that carry telephone events: the offer's, and the answer's when it differs.
    private var eventPayloadTypes: Set<UInt8>

    init(keypresses: KeypressQueue, counters: SIPCounters, offeredEventPayloadType: UInt8) {
        self.keypresses = keypresses
        self.counters = counters
        self.eventPayloadTypes = [offeredEventPayloadType]
    }

    /// The far end's address from the answer: events count only once the call is answered, and
    /// only from that host (RTP from anyone else who reaches the port is dropped).
    private var remoteHost: String?

    /// Accepts events from the answer's host, also with the payload type the answer gave them.
    func acceptEvents(payloadType: UInt8?, from remote: SocketAddress) {
        if let payloadType { eventPayloadTypes.insert(payloadType) }
        remoteHost = remote.ipAddress
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        guard envelope.data.readableBytes <= RTPPacket.maximumSize,
            let packet = try? RTPPacket(decoding: envelope.data.readableBytesView)
        else {
            counters.update { $0.rtpPacketsDropped += 1 }
            return
        }
        guard let remoteHost, envelope.remoteAddress.ipAddress == remoteHost else {
            counters.update { $0.rtpPacketsDropped += 1 }
            return
        }
        counters.update { $0.rtpPacketsReceived += 1 }
        guard eventPayloadTypes.contains(packet.payloadType), let key = detector.process(packet) else { return }
        counters.update { $0.keypressesReceived += 1 }
        keypresses.push(key)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // ICMP errors on an unconnected UDP socket are not fatal: the far end may not listen yet.
    }
}
