import NIOCore
import Synchronization

/// The keys pressed on one call, in order, and whether the call has ended. RTP handlers and the
/// agent push; one waiter at a time takes them, with a timeout.
final class KeypressQueue: Sendable {
    /// What a wait ended with.
    enum Wait: Sendable, Hashable {
        case key(Character)
        case timedOut
        case ended
    }

    private struct Waiter {
        var id: UInt64
        var continuation: CheckedContinuation<Wait, Never>
        var timeout: Scheduled<Void>?
    }

    private struct State {
        var keys: [Character] = []
        var ended = false
        var endedRemotely = false
        var waiter: Waiter?
        var nextWaiterID: UInt64 = 0
    }

    /// The most keys held before the oldest are dropped.
    static let capacity = 64

    private let state = Mutex(State())
    private let eventLoop: any EventLoop

    /// Creates a queue whose timeouts run on `eventLoop`.
    init(eventLoop: any EventLoop) { self.eventLoop = eventLoop }

    /// Adds a key, waking the waiter.
    func push(_ key: Character) {
        let waiter: Waiter? = state.withLock { state in
            if state.ended { return nil }
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            state.keys.append(key)
            if state.keys.count > Self.capacity { state.keys.removeFirst(state.keys.count - Self.capacity) }
            return nil
        }
        waiter?.timeout?.cancel()
        waiter?.continuation.resume(returning: .key(key))
    }

    /// Marks the call ended, waking the waiter.
    func end(remotely: Bool) {
        let waiter: Waiter? = state.withLock { state in
            if !state.ended {
                state.ended = true
                state.endedRemotely = remotely
            }
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.timeout?.cancel()
        waiter?.continuation.resume(returning: .ended)
    }

    /// Whether a key is waiting to be taken.
    var hasKeys: Bool { state.withLock { !$0.keys.isEmpty } }

    /// Whether the call has ended.
    var isEnded: Bool { state.withLock { $0.ended } }

    /// Whether the far end ended the call.
    var isEndedRemotely: Bool { state.withLock { $0.endedRemotely } }

    /// Drops the keys not taken yet.
    func clear() { state.withLock { $0.keys.removeAll() } }

    /// The next key: at once when one is waiting, else the first pressed within `timeout`.
    /// Keys already pressed are returned even after the call ended.
    func next(timeout: Duration) async -> Wait {
        let id: UInt64 = state.withLock { state in
            state.nextWaiterID += 1
            return state.nextWaiterID
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Wait, Never>) in
                let immediate: Wait? = state.withLock { state in
                    if !state.keys.isEmpty { return .key(state.keys.removeFirst()) }
                    if state.ended { return .ended }
                    if Task.isCancelled { return .timedOut }
                    // A second waiter replaces the first, which times out.
                    let previous = state.waiter
                    state.waiter = Waiter(id: id, continuation: continuation, timeout: nil)
                    if let previous {
                        previous.timeout?.cancel()
                        previous.continuation.resume(returning: .timedOut)
                    }
                    return nil
                }
                if let immediate {
                    continuation.resume(returning: immediate)
                    return
                }
                let scheduled = eventLoop.scheduleTask(in: TimeAmount(timeout)) { [self] in
                    self.expire(id)
                }
                let stillWaiting = state.withLock { state -> Bool in
                    guard state.waiter?.id == id else { return false }
                    state.waiter?.timeout = scheduled
                    return true
                }
                if !stillWaiting { scheduled.cancel() }
            }
        } onCancel: {
            self.expire(id)
        }
    }

    private func expire(_ id: UInt64) {
        let waiter: Waiter? = state.withLock { state in
            guard let waiter = state.waiter, waiter.id == id else { return nil }
            state.waiter = nil
            return waiter
        }
        waiter?.timeout?.cancel()
        waiter?.continuation.resume(returning: .timedOut)
    }
}
