import Atomics
import OneCallCore

/// The receiving end of an in-process subscription: a bounded buffer that tells the broker when it
/// is long, so that publishers pause until the in-process consumer catches up.
final class LocalSink: Sendable {
    private let continuation: AsyncStream<BrokerMessage>.Continuation
    private let statistics: BrokerStatistics
    /// Messages yielded and not yet taken by the consumer.
    private let pending = ManagedAtomic(0)
    /// The buffered count at which publishers pause (0: never).
    let congestionThreshold: Int
    /// Set when a publisher was paused for this sink; cleared when they are resumed.
    let hasPausedPublishers = ManagedAtomic(false)

    init(
        continuation: AsyncStream<BrokerMessage>.Continuation, statistics: BrokerStatistics, congestionThreshold: Int
    ) {
        self.continuation = continuation
        self.statistics = statistics
        self.congestionThreshold = congestionThreshold
    }

    /// Buffers a message; returns whether the buffer is long enough that the publisher should pause.
    func deliver(_ message: BrokerMessage) -> Bool {
        switch continuation.yield(message) {
        case .enqueued:
            let count = pending.wrappingIncrementThenLoad(ordering: .relaxed)
            return congestionThreshold > 0 && count >= congestionThreshold
        case .dropped:
            // The oldest buffered message made room for this one: the count is unchanged.
            statistics.add(.messagesDropped)
            return congestionThreshold > 0
        case .terminated:
            return false
        @unknown default:
            return false
        }
    }

    /// After a publisher was recorded as paused: whether the buffer is already short again (the
    /// consumer drained it meanwhile), in which case the flag is cleared and the caller resumes.
    func drainedWhilePausing() -> Bool {
        guard pending.load(ordering: .relaxed) <= congestionThreshold / 2 else { return false }
        return hasPausedPublishers.compareExchange(expected: true, desired: false, ordering: .acquiringAndReleasing)
            .exchanged
    }

    /// Records that the consumer took a message; returns whether paused publishers may resume.
    func consumed() -> Bool {
        let count = pending.wrappingDecrementThenLoad(ordering: .relaxed)
        guard count <= congestionThreshold / 2, hasPausedPublishers.load(ordering: .acquiring) else { return false }
        return hasPausedPublishers.compareExchange(expected: true, desired: false, ordering: .acquiringAndReleasing)
            .exchanged
    }
}
