import NIOCore

/// The sending half of a call's media, confined to its event loop: one packet every 20 ms, from
/// the prompts queued or silence, with continuous sequence numbers and timestamps (RFC 3550 §5.1).
final class RTPSender {
    /// How a queued prompt ended.
    enum PlaybackEnd: Sendable, Hashable {
        /// Every packet was sent.
        case completed
        /// A key was pressed and the prompt was interruptible.
        case interrupted
        /// The media stopped (the call ended).
        case stopped
    }

    private struct Item {
        var frames: [[UInt8]]
        var index = 0
        var interruptible: Bool
        var continuation: CheckedContinuation<PlaybackEnd, Never>
        var id: UInt64
    }

    /// Samples per 20 ms packet at 8 kHz.
    static let samplesPerPacket = 160
    /// The packet interval.
    static let interval = TimeAmount.milliseconds(20)

    private let channel: any Channel
    private let keypresses: KeypressQueue
    private let counters: SIPCounters
    private var remote: SocketAddress?
    private var codec = G711Codec.pcmu
    private var payloadType: UInt8 = 0
    private var ssrc: UInt32
    private var sequenceNumber: UInt16
    private var timestamp: UInt32
    private var firstPacket = true
    private var queue: [Item] = []
    private var nextDeadline: NIODeadline?
    private var scheduled: Scheduled<Void>?
    private var stopped = false

    init(channel: any Channel, keypresses: KeypressQueue, counters: SIPCounters) {
        self.channel = channel
        self.keypresses = keypresses
        self.counters = counters
        var random = SystemRandomNumberGenerator()
        ssrc = random.next()
        sequenceNumber = random.next()
        timestamp = random.next()
    }

    /// Starts the packet clock toward the far end.
    func start(remote: SocketAddress, codec: G711Codec, payloadType: UInt8) {
        guard !stopped else { return }
        self.remote = remote
        self.codec = codec
        self.payloadType = payloadType
        if nextDeadline == nil {
            nextDeadline = .now()
            tick()
        }
    }

    /// Queues linear samples; the continuation learns how the prompt ended.
    func enqueue(
        _ samples: [Int16], interruptible: Bool, id: UInt64, continuation: CheckedContinuation<PlaybackEnd, Never>
    ) {
        guard !stopped else {
            continuation.resume(returning: .stopped)
            return
        }
        if interruptible, keypresses.hasKeys {
            continuation.resume(returning: .interrupted)
            return
        }
        var frames: [[UInt8]] = []
        var start = 0
        while start < samples.count {
            let end = min(start + Self.samplesPerPacket, samples.count)
            var frame = codec.encode(samples[start..<end])
            if frame.count < Self.samplesPerPacket {
                frame += [UInt8](repeating: codec.silence, count: Self.samplesPerPacket - frame.count)
            }
            frames.append(frame)
            start = end
        }
        if frames.isEmpty {
            continuation.resume(returning: .completed)
            return
        }
        queue.append(Item(frames: frames, interruptible: interruptible, continuation: continuation, id: id))
    }

    /// Ends the prompt with this id (its task was cancelled).
    func cancel(id: UInt64) {
        guard let index = queue.firstIndex(where: { $0.id == id }) else { return }
        let item = queue.remove(at: index)
        item.continuation.resume(returning: .stopped)
    }

    /// Stops the clock and ends every queued prompt.
    func stop() {
        stopped = true
        scheduled?.cancel()
        scheduled = nil
        let items = queue
        queue.removeAll()
        for item in items { item.continuation.resume(returning: .stopped) }
    }

    private func tick() {
        guard !stopped, var deadline = nextDeadline else { return }
        sendNextPacket()
        deadline = deadline + Self.interval
        let now = NIODeadline.now()
        // After a stall, resynchronize rather than send a burst.
        if deadline + .milliseconds(200) < now { deadline = now + Self.interval }
        nextDeadline = deadline
        scheduled = channel.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) { [self] in self.tick() }
    }

    private func sendNextPacket() {
        var payload = [UInt8](repeating: codec.silence, count: Self.samplesPerPacket)
        if !queue.isEmpty {
            if queue[0].interruptible, keypresses.hasKeys {
                let item = queue.removeFirst()
                item.continuation.resume(returning: .interrupted)
            } else {
                payload = queue[0].frames[queue[0].index]
                queue[0].index += 1
            }
        }
        if let remote {
            let packet = RTPPacket(
                marker: firstPacket, payloadType: payloadType, sequenceNumber: sequenceNumber, timestamp: timestamp,
                ssrc: ssrc, payload: payload)
            firstPacket = false
            let buffer = channel.allocator.buffer(bytes: packet.encoded())
            channel.writeAndFlush(AddressedEnvelope(remoteAddress: remote, data: buffer), promise: nil)
            counters.update { $0.rtpPacketsSent += 1 }
        }
        sequenceNumber &+= 1
        timestamp &+= UInt32(Self.samplesPerPacket)
        if let first = queue.first, first.index == first.frames.count {
            queue.removeFirst()
            first.continuation.resume(returning: .completed)
        }
    }
}
