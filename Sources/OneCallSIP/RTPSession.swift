import NIOCore
import NIOPosix
import Synchronization

/// One call's media: a UDP socket that receives telephone events and sends G.711 audio paced at
/// one packet per 20 ms. The sending state lives on the socket's event loop.
final class RTPSession: Sendable {
    /// The local RTP port (written in the SDP offer).
    let localPort: Int
    /// The keys pressed on the call.
    let keypresses: KeypressQueue
    private let channel: any Channel
    private let sender: NIOLoopBoundBox<RTPSender>
    private let receiver: NIOLoopBound<RTPReceiveHandler>
    private let nextPlaybackID = Mutex<UInt64>(0)

    private init(
        channel: any Channel, localPort: Int, keypresses: KeypressQueue, sender: NIOLoopBoundBox<RTPSender>,
        receiver: NIOLoopBound<RTPReceiveHandler>
    ) {
        self.channel = channel
        self.localPort = localPort
        self.keypresses = keypresses
        self.sender = sender
        self.receiver = receiver
    }

    /// Binds a media socket on `host`: a port of `portRange` (even ports, from a random start), or
    /// one the system chooses.
    static func bind(
        host: String, portRange: ClosedRange<Int>?, group: any EventLoopGroup, counters: SIPCounters,
        offeredEventPayloadType: UInt8
    ) async throws(SIPError) -> RTPSession {
        let eventLoop = group.next()
        let keypresses = KeypressQueue(eventLoop: eventLoop)
        var candidates = [0]
        if let portRange {
            let even = stride(
                from: portRange.lowerBound + portRange.lowerBound % 2, through: portRange.upperBound, by: 2
            )
            .map { $0 }
            let start = even.isEmpty ? 0 : Int.random(in: 0..<even.count)
            candidates = Array((even[start...] + even[..<start]).prefix(64))
        }
        var lastError: (any Error)?
        for port in candidates {
            do {
                let bootstrap = DatagramBootstrap(group: eventLoop)
                    .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: 4_096))
                    .channelInitializer { channel in
                        channel.eventLoop.makeCompletedFuture {
                            try channel.pipeline.syncOperations.addHandler(
                                RTPReceiveHandler(
                                    keypresses: keypresses, counters: counters,
                                    offeredEventPayloadType: offeredEventPayloadType))
                        }
                    }
                let channel = try await bootstrap.bind(host: host, port: port).get()
                let localPort = channel.localAddress?.port ?? port
                let parts = try await eventLoop.submit {
                    let receiver = try channel.pipeline.syncOperations.handler(type: RTPReceiveHandler.self)
                    return (
                        NIOLoopBoundBox(
                            RTPSender(channel: channel, keypresses: keypresses, counters: counters),
                            eventLoop: eventLoop),
                        NIOLoopBound(receiver, eventLoop: eventLoop)
                    )
                }.get()
                return RTPSession(
                    channel: channel, localPort: localPort, keypresses: keypresses, sender: parts.0, receiver: parts.1)
            } catch {
                lastError = error
            }
        }
        throw SIPError(.transportFailed, "cannot bind an RTP port", detail: lastError.map { "\($0)" })
    }

    /// Starts sending toward the far end's address from the answer; a host name is resolved off the loop.
    func start(_ media: NegotiatedAudio) {
        let sender = self.sender
        let receiver = self.receiver
        let eventLoop = channel.eventLoop
        let begin: @Sendable (SocketAddress) -> Void = { address in
            receiver.value.acceptEvents(payloadType: media.telephoneEventPayloadType, from: address)
            sender.value.start(remote: address, codec: media.codec, payloadType: media.payloadType)
        }
        if let address = try? SocketAddress(ipAddress: media.remoteAddress, port: media.remotePort) {
            eventLoop.execute { begin(address) }
            return
        }
        NIOThreadPool.singleton.runIfActive(eventLoop: eventLoop) {
            try SocketAddress.makeAddressResolvingHost(media.remoteAddress, port: media.remotePort)
        }.whenComplete { result in
            switch result {
            case .success(let address): begin(address)
            // No media address: end the prompts now rather than let them wait for a clock that never starts.
            case .failure: sender.value.stop()
            }
        }
    }

    /// Plays samples (8 kHz linear) and returns when they have been sent, a key interrupted them
    /// (when `interruptible`), or the media stopped.
    func play(_ samples: [Int16], interruptible: Bool) async -> RTPSender.PlaybackEnd {
        let id = nextPlaybackID.withLock { value -> UInt64 in
            value += 1
            return value
        }
        let sender = self.sender
        let eventLoop = channel.eventLoop
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                eventLoop.execute {
                    sender.value.enqueue(samples, interruptible: interruptible, id: id, continuation: continuation)
                }
            }
        } onCancel: {
            eventLoop.execute { sender.value.cancel(id: id) }
        }
    }

    /// Stops sending, ends queued prompts and closes the socket.
    func stop() {
        let sender = self.sender
        channel.eventLoop.execute { sender.value.stop() }
        channel.close(promise: nil)
    }
}
