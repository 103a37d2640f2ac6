import OneCallCore
import Synchronization

/// Where every error event enters OneCall, whatever its source (a device's error topic, a rule, the
/// HTTP API, an Alertmanager webhook, anomaly detection): the event is stored first, then handed to
/// each listener (triage), so that nothing a listener misses is lost.
public final class EventPipeline: Sendable {
    /// Events accepted, set aside as "no error", and refused as malformed, so far.
    public struct Statistics: Sendable, Hashable {
        public var accepted = 0
        public var ignored = 0
        public var rejected = 0
    }

    private let store: any EventStore
    private let state = Mutex(
        (listeners: [Int: AsyncStream<ErrorEvent>.Continuation](), next: 0, statistics: Statistics()))

    public init(store: any EventStore) {
        self.store = store
    }

    public var statistics: Statistics { state.withLock { $0.statistics } }

    /// Stores the events in one transaction (all or none, so a retried submission is not stored
    /// twice in part), then hands them to the listeners.
    public func submit(_ events: [ErrorEvent]) async throws {
        guard !events.isEmpty else { return }
        try await store.append(events)
        let listeners = state.withLock { state in
            state.statistics.accepted += events.count
            return Array(state.listeners.values)
        }
        for event in events { for listener in listeners { listener.yield(event) } }
    }

    /// Counts entries that were set aside or refused before reaching `submit`.
    public func count(ignored: Int = 0, rejected: Int = 0) {
        state.withLock { state in
            state.statistics.ignored += ignored
            state.statistics.rejected += rejected
        }
    }

    /// Events submitted from now on; at most `bufferLimit` wait for a slow listener (they remain in
    /// the store either way).
    public func events(bufferLimit: Int = 10_000) -> AsyncStream<ErrorEvent> {
        let (stream, continuation) = AsyncStream.makeStream(
            of: ErrorEvent.self, bufferingPolicy: .bufferingOldest(bufferLimit))
        let id = state.withLock { state -> Int in
            state.next += 1
            state.listeners[state.next] = continuation
            return state.next
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { $0.listeners.removeValue(forKey: id) }
        }
        return stream
    }

    /// Recent events, newest first.
    public func recent(deviceID: String?, limit: Int) async throws -> [ErrorEvent] {
        try await store.events(deviceID: deviceID, limit: limit)
    }
}
