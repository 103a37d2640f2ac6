import DequeModule
import NIOCore
import OneCallMQTT

/// The broker→client half of one session's QoS flow, as a value: a bounded queue of messages waiting
/// to be sent, and the window of QoS 1/2 messages sent but not yet acknowledged.
///
/// It performs no I/O. The connection asks it for the next packets to write, reports acknowledgements,
/// and on reconnect asks for everything that must be sent again.
struct OutboundFlow {
    /// A message waiting for a subscriber, with what its subscription decided.
    struct Pending {
        var message: BrokerMessage
        var qos: MQTTQoS
        var retain: Bool
        var identifiers: [Int]
    }

    /// What to send next.
    enum Outgoing {
        /// A PUBLISH; the packet identifier is set for QoS 1 and 2.
        case publish(Pending, packetIdentifier: UInt16?, duplicate: Bool)
        /// A PUBREL for a QoS 2 message whose PUBREC arrived before the connection was lost.
        case pubrel(UInt16)
    }

    /// What happened to an enqueued message.
    enum EnqueueResult: Equatable {
        case queued
        /// The queue was full and the message was dropped (the documented overflow policy).
        case dropped
    }

    private enum State {
        case awaitingAck  // PUBACK (QoS 1) or PUBREC (QoS 2)
        case awaitingComplete  // PUBCOMP after our PUBREL
    }

    private struct Inflight {
        var pending: Pending
        var state: State
    }

    private var inflight: [UInt16: Inflight] = [:]
    private var order = Deque<UInt16>()
    private var queue = Deque<Pending>()
    private var nextIdentifier: UInt16 = 1

    /// QoS 1/2 messages in flight at most (the server's window and the client's Receive Maximum).
    var window: Int
    /// Messages queued at most beyond the window.
    var maximumQueued: Int
    /// Payload and topic bytes queued at most beyond the window.
    var maximumQueuedBytes: Int
    /// Payload and topic bytes queued now.
    private(set) var queuedBytes = 0

    /// Creates an empty flow.
    init(window: Int, maximumQueued: Int, maximumQueuedBytes: Int = Int.max) {
        self.window = max(1, window)
        self.maximumQueued = maximumQueued
        self.maximumQueuedBytes = maximumQueuedBytes
    }

    private static func size(_ pending: Pending) -> Int {
        pending.message.payload.readableBytes + pending.message.topic.utf8.count
    }

    /// Messages waiting to be sent.
    var queuedCount: Int { queue.count }
    /// QoS 1/2 messages sent and not yet completed.
    var inflightCount: Int { inflight.count }

    /// Adds a message at the end of the queue, or drops it when the queue is full.
    mutating func enqueue(_ pending: Pending) -> EnqueueResult {
        let size = Self.size(pending)
        guard queue.count < maximumQueued, queuedBytes + size <= maximumQueuedBytes else { return .dropped }
        queue.append(pending)
        queuedBytes += size
        return .queued
    }

    private mutating func popFirst() -> Pending {
        let first = queue.removeFirst()
        queuedBytes -= Self.size(first)
        return first
    }

    /// The next packet to send, or `nil` when the queue is empty or the window is full for the QoS 1/2
    /// message at its head. Messages whose expiry has passed at `now` are dropped and counted in `expired`.
    mutating func next(now: Double, expired: inout Int) -> Outgoing? {
        while let head = queue.first {
            if let expiresAt = head.message.expiresAt, expiresAt <= now {
                _ = popFirst()
                expired += 1
                continue
            }
            if head.qos == .atMostOnce {
                _ = popFirst()
                return .publish(head, packetIdentifier: nil, duplicate: false)
            }
            guard inflight.count < window else { return nil }
            _ = popFirst()
            let id = allocateIdentifier()
            inflight[id] = Inflight(pending: head, state: .awaitingAck)
            order.append(id)
            return .publish(head, packetIdentifier: id, duplicate: false)
        }
        return nil
    }

    /// PUBACK for a QoS 1 message; returns whether it was in flight.
    mutating func acknowledge(_ id: UInt16) -> Bool {
        guard let entry = inflight[id], entry.state == .awaitingAck, entry.pending.qos == .atLeastOnce else {
            return false
        }
        inflight[id] = nil
        compactOrder()
        return true
    }

    /// PUBREC for a QoS 2 message; returns whether a PUBREL should be sent. A PUBREC with a failure
    /// reason ends the flow for that message.
    mutating func received(pubrec id: UInt16, failed: Bool) -> Bool {
        guard var entry = inflight[id], entry.pending.qos == .exactlyOnce else { return false }
        if failed {
            inflight[id] = nil
            compactOrder()
            return false
        }
        entry.state = .awaitingComplete
        inflight[id] = entry
        return true
    }

    /// PUBCOMP for a QoS 2 message; returns whether it was in flight.
    mutating func received(pubcomp id: UInt16) -> Bool {
        guard let entry = inflight[id], entry.state == .awaitingComplete else { return false }
        inflight[id] = nil
        compactOrder()
        return true
    }

    /// Forgets an in-flight message that could not be sent (too large for the client).
    mutating func discard(_ id: UInt16) {
        inflight[id] = nil
        compactOrder()
    }

    /// What must be sent again after a reconnect, in the original order (MQTT-4.4.0-1): unacknowledged
    /// PUBLISHes with DUP set, and PUBRELs.
    func resend() -> [Outgoing] {
        order.compactMap { id in
            guard let entry = inflight[id] else { return nil }
            switch entry.state {
            case .awaitingAck: return .publish(entry.pending, packetIdentifier: id, duplicate: true)
            case .awaitingComplete: return .pubrel(id)
            }
        }
    }

    /// Drops queued QoS 0 messages (when the client goes offline); returns how many.
    mutating func dropQueuedQoS0() -> Int {
        let before = queue.count
        queue = Deque(queue.filter { $0.qos != .atMostOnce })
        queuedBytes = queue.reduce(0) { $0 + Self.size($1) }
        return before - queue.count
    }

    private mutating func allocateIdentifier() -> UInt16 {
        while true {
            let id = nextIdentifier
            nextIdentifier = nextIdentifier == UInt16.max ? 1 : nextIdentifier + 1
            if inflight[id] == nil { return id }
        }
    }

    private mutating func compactOrder() {
        while let first = order.first, inflight[first] == nil { order.removeFirst() }
        if order.count > 4 * max(inflight.count, 16) {
            order = Deque(order.filter { inflight[$0] != nil })
        }
    }
}
