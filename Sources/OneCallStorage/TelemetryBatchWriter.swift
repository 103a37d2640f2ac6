import OneCallCore
import Synchronization

/// Collects readings and dead letters and writes them to a `TelemetryStore` in batches: a batch is
/// written when it reaches `batchSize`, or `flushInterval` after its first record arrived, whichever
/// comes first. The queue is bounded: `submit` waits while it is full, which slows the producer
/// (and, through the broker, the publishers) instead of losing readings or growing without bound.
///
/// A failed write is retried with back-off, keeping the batch; the writer gives up only when told
/// to finish and the store still fails, and counts what it could not write.
public final class TelemetryBatchWriter: Sendable {
    /// Batch size, linger time and queue bound.
    public struct Configuration: Sendable, Hashable {
        /// The most records written in one transaction.
        public var batchSize: Int
        /// The longest a record waits for others to join its batch, in seconds.
        public var flushInterval: Double
        /// The most records queued; `submit` waits beyond it.
        public var queueCapacity: Int

        public init(batchSize: Int = 2000, flushInterval: Double = 0.05, queueCapacity: Int = 20_000) {
            self.batchSize = max(1, batchSize)
            self.flushInterval = max(0, flushInterval)
            self.queueCapacity = max(self.batchSize, queueCapacity)
        }
    }

    /// What the writer has done so far.
    public struct Statistics: Sendable, Hashable {
        public var readingsWritten = 0
        public var deadLettersWritten = 0
        public var batchesWritten = 0
        public var writeFailures = 0
        /// Records given up at shutdown because the store kept failing.
        public var recordsLost = 0
        /// Records waiting to be written now.
        public var queued = 0
    }

    private struct State {
        var readings: [TelemetryRecord] = []
        var deadLetters: [DeadLetter] = []
        /// Producers waiting for room, by ticket (so that a cancelled one can be taken out).
        var producers: [Int: CheckedContinuation<Void, Never>] = [:]
        var nextTicket = 0
        var consumer: CheckedContinuation<Void, Never>?
        var finishing = false
        var statistics = Statistics()
        var count: Int { readings.count + deadLetters.count }
    }

    public let configuration: Configuration
    private let store: any TelemetryStore
    private let state = Mutex(State())
    private let onError: @Sendable (any Error) -> Void
    private let onWritten: @Sendable () -> Void

    /// Creates a writer for `store`; `onError` hears of each failed write (to log it), `onWritten`
    /// of each batch committed (to wake whoever reads new readings from the store).
    public init(
        store: any TelemetryStore, configuration: Configuration = Configuration(),
        onError: @escaping @Sendable (any Error) -> Void = { _ in }, onWritten: @escaping @Sendable () -> Void = {}
    ) {
        self.store = store
        self.configuration = configuration
        self.onError = onError
        self.onWritten = onWritten
    }

    /// The counters and the current queue length.
    public var statistics: Statistics {
        state.withLock { state in
            var statistics = state.statistics
            statistics.queued = state.count
            return statistics
        }
    }

    /// Queues a reading, waiting while the queue is full.
    public func submit(_ record: TelemetryRecord) async {
        await enqueue { $0.readings.append(record) }
    }

    /// Queues a dead letter, waiting while the queue is full.
    public func submit(_ letter: DeadLetter) async {
        await enqueue { $0.deadLetters.append(letter) }
    }

    private func enqueue(_ add: (inout State) -> Void) async {
        while true {
            let (added, consumer) = state.withLock { state -> (Bool, CheckedContinuation<Void, Never>?) in
                guard state.count < configuration.queueCapacity || state.finishing else { return (false, nil) }
                add(&state)
                defer { state.consumer = nil }
                return (true, state.consumer)
            }
            if added {
                consumer?.resume()
                return
            }
            let ticket = state.withLock { state -> Int in
                state.nextTicket += 1
                return state.nextTicket
            }
            await withTaskCancellationHandler {
                await withCheckedContinuation { continuation in
                    let full = state.withLock { state -> Bool in
                        guard state.count >= configuration.queueCapacity && !state.finishing && !Task.isCancelled
                        else { return false }
                        state.producers[ticket] = continuation
                        return true
                    }
                    if !full { continuation.resume() }
                }
            } onCancel: {
                let waiting = state.withLock { $0.producers.removeValue(forKey: ticket) }
                waiting?.resume()
            }
            if Task.isCancelled {
                // Given up at a forced shutdown: counted, never silently.
                state.withLock { $0.statistics.recordsLost += 1 }
                return
            }
        }
    }

    /// Writes batches until `finish()` is called and the queue is empty, or the task is cancelled
    /// (then it writes what is queued once more before returning).
    public func run() async {
        var failures = 0
        while true {
            await waitForWork()
            let lingering = state.withLock { $0.count < configuration.batchSize && !$0.finishing }
            if lingering && configuration.flushInterval > 0 && !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(Int64(configuration.flushInterval * 1000)))
            }
            let (readings, letters, finishing) = takeBatch()
            if readings.isEmpty && letters.isEmpty {
                if finishing || Task.isCancelled { return }
                continue
            }
            do {
                try await store.append(readings, deadLetters: letters)
                failures = 0
                let producers = state.withLock { state -> [CheckedContinuation<Void, Never>] in
                    state.statistics.readingsWritten += readings.count
                    state.statistics.deadLettersWritten += letters.count
                    state.statistics.batchesWritten += 1
                    defer { state.producers = [:] }
                    return Array(state.producers.values)
                }
                for producer in producers { producer.resume() }
                if !readings.isEmpty { onWritten() }
            } catch {
                failures += 1
                onError(error)
                let giveUp = (finishing || Task.isCancelled) && failures >= 3
                let producers = state.withLock { state -> [CheckedContinuation<Void, Never>] in
                    state.statistics.writeFailures += 1
                    if giveUp {
                        state.statistics.recordsLost += readings.count + letters.count
                        defer { state.producers = [:] }
                        return Array(state.producers.values)
                    }
                    // Put the batch back in front, in order.
                    state.readings.insert(contentsOf: readings, at: 0)
                    state.deadLetters.insert(contentsOf: letters, at: 0)
                    return []
                }
                for producer in producers { producer.resume() }
                if !giveUp {
                    let delay = min(5.0, 0.05 * Double(1 << min(failures, 7)))
                    try? await Task.sleep(for: .milliseconds(Int64(delay * 1000)))
                }
            }
        }
    }

    /// Asks `run()` to write what is queued and return; later submissions are still accepted and
    /// written if `run()` has not yet returned.
    public func finish() {
        let (consumer, producers) = state.withLock {
            state -> (CheckedContinuation<Void, Never>?, [CheckedContinuation<Void, Never>]) in
            state.finishing = true
            defer {
                state.consumer = nil
                state.producers = [:]
            }
            return (state.consumer, Array(state.producers.values))
        }
        consumer?.resume()
        for producer in producers { producer.resume() }
    }

    private func waitForWork() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let ready = state.withLock { state -> Bool in
                    if state.count > 0 || state.finishing || Task.isCancelled { return true }
                    state.consumer = continuation
                    return false
                }
                if ready { continuation.resume() }
            }
        } onCancel: {
            let consumer = state.withLock { state -> CheckedContinuation<Void, Never>? in
                defer { state.consumer = nil }
                return state.consumer
            }
            consumer?.resume()
        }
    }

    private func takeBatch() -> ([TelemetryRecord], [DeadLetter], Bool) {
        state.withLock { state in
            // Dead letters first (they are few), so a steady stream of readings cannot starve them.
            let letterCount = min(state.deadLetters.count, configuration.batchSize)
            let letters = Array(state.deadLetters.prefix(letterCount))
            state.deadLetters.removeFirst(letterCount)
            let readingCount = min(state.readings.count, configuration.batchSize - letterCount)
            let readings = Array(state.readings.prefix(readingCount))
            state.readings.removeFirst(readingCount)
            return (readings, letters, state.finishing && state.count == 0)
        }
    }
}
