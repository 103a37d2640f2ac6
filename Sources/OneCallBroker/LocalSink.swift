import Atomics
import OneCallCore

/// The receiving end of an in-process subscription: a buffer bounded in messages and in bytes that
/// tells the broker when it is long, so that publishers pause until the in-process consumer catches
/// up. Beyond either bound a new message is dropped (and counted), never buffered.
final class LocalSink: Sendable {
    private let continuation: AsyncStream<BrokerMessage>.Continuation
    private let statistics: BrokerStatistics
    /// Messages yielded and not yet taken by the consumer, and their payload bytes.
    private let pending = ManagedAtomic(0)
    private let pendingBytes = ManagedAtomic(0)
    /// The buffered count at which publishers pause (0: never).
    let congestionThreshold: Int
    /// The most messages and payload bytes buffered.
    let messageLimit: Int
    let byteLimit: Int
    /// Set when a publisher was paused for this sink; cleared when they are resumed.
    let hasPausedPublishers = ManagedAtomic(false)

    init(
        continuation: AsyncStream<BrokerMessage>.Continuation, statistics: BrokerStatistics, congestionThreshold: Int,
        messageLimit: Int, byteLimit: Int
    ) {
        self.continuation = continuation
        self.statistics = statistics
        self.congestionThreshold = congestionThreshold
        self.messageLimit = messageLimit
        self.byteLimit = byteLimit
    }

    /// Buffers a message; returns whether the buffer is long enough that the publisher should pause.
    func deliver(_ message: BrokerMessage) -> Bool {
        let size = message.payload.readableBytes
        // The bounds are checked before buffering; concurrent publishers may overshoot them by at
        // most one message each.
        if pending.load(ordering: .relaxed) >= messageLimit
            || pendingBytes.load(ordering: .relaxed) + size > byteLimit
        {
            statistics.add(.messagesDropped)
            return true
        }
        switch continuation.yield(message) {
        case .enqueued:
            pendingBytes.wrappingIncrement(by: size, ordering: .relaxed)
            let count = pending.wrappingIncrementThenLoad(ordering: .relaxed)
            return congestionThreshold > 0 && count >= congestionThreshold
        case .dropped:
            statistics.add(.messagesDropped)
            return true
        case .terminated:
            return false
        @unknown default:
            return false
        }
    }

    /// Records that the consumer took a message of `size` payload bytes; returns whether paused
    /// publishers may resume.
    func consumed(size: Int) -> Bool {
        pendingBytes.wrappingDecrement(by: size, ordering: .relaxed)
        let count = pending.wrappingDecrementThenLoad(ordering: .relaxed)
        guard count <= congestionThreshold / 2, hasPausedPublishers.load(ordering: .acquiring) else { return false }
        return hasPausedPublishers.compareExchange(expected: true, desired: false, ordering: .acquiringAndReleasing)
            .exchanged
    }

    /// After a publisher was recorded as paused: whether the buffer is already short again (the
    /// consumer drained it meanwhile), in which case the flag is cleared and the caller resumes.
    func drainedWhilePausing() -> Bool {
        guard pending.load(ordering: .relaxed) <= congestionThreshold / 2 else { return false }
        return hasPausedPublishers.compareExchange(expected: true, desired: false, ordering: .acquiringAndReleasing)
            .exchanged
    }
}
