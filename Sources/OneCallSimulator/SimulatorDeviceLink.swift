import OneCallCore
import Synchronization

/// The running side of one device: its ``SimulatedAircon`` and an ordered outbox behind one lock,
/// and the connection the outbox drains into.
///
/// Whatever the device says — readings from the ticker, answers to commands from the receiver — is
/// appended to the outbox in the order the device said it, under the same lock that changed the
/// device; one publisher sends the outbox in that order, so a stale shadow update can never
/// overtake a newer one. While the device is offline the outbox keeps up to its limit.
final class SimulatorDeviceLink: Sendable {
    private struct State {
        var device: SimulatedAircon
        var outbox: [SimulatorMessage] = []
        var outboxStart = 0
        var connection: (any SimulatorConnection)?
        var generation = 0
        var closed = false

        var pending: Int { outbox.count - outboxStart }
    }

    let name: String
    let subscriptions: [String]
    private let outboxLimit: Int
    private let state: Mutex<State>
    /// Wakes the publisher: something was queued or a connection came.
    private let wakeups: AsyncStream<Void>
    private let wakeupContinuation: AsyncStream<Void>.Continuation
    /// Wakes the ticker: the publisher made progress.
    private let progress: AsyncStream<Void>
    private let progressContinuation: AsyncStream<Void>.Continuation

    init(device: SimulatedAircon, outboxLimit: Int) {
        name = device.name
        subscriptions = device.subscriptions
        self.outboxLimit = outboxLimit
        state = Mutex(State(device: device))
        (wakeups, wakeupContinuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        (progress, progressContinuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// A copy of the device as it is now.
    var device: SimulatedAircon { state.withLock { $0.device } }

    /// Messages waiting to be published.
    var pendingCount: Int { state.withLock { $0.pending } }

    /// Whether a connection is attached.
    var isOnline: Bool { state.withLock { $0.connection != nil } }

    /// The device takes its next reading; the messages are queued.
    func takeReading() {
        change { device in device.takeReading() }
    }

    /// The device receives a message; what it answers is queued, and the reaction returned.
    func receive(topic: String, payload: [UInt8]) -> SimulatedAircon.Reaction {
        changeAndReturn { device in
            let reaction = device.receive(topic: topic, payload: payload)
            return (reaction.messages, reaction)
        }
    }

    /// Changes the device and queues what it says, in order, as one step.
    private func change(_ body: (inout SimulatedAircon) -> [SimulatorMessage]) {
        changeAndReturn { device in (body(&device), ()) }
    }

    private func changeAndReturn<Result>(
        overLimit: Bool = false, _ body: (inout SimulatedAircon) -> ([SimulatorMessage], Result)
    ) -> Result {
        let result = state.withLock { state in
            let (messages, result) = body(&state.device)
            for message in messages {
                if state.closed || (state.pending >= outboxLimit && !overLimit) {
                    state.device.dropped(message)
                } else {
                    state.outbox.append(message)
                }
            }
            return result
        }
        wakeupContinuation.yield()
        return result
    }

    /// Whether the link was closed.
    var isClosed: Bool { state.withLock { $0.closed } }

    /// Attaches a new connection: the device reports itself, and the outbox drains into it.
    /// Returns `false`, attaching nothing, when the link is closed.
    func attach(_ connection: any SimulatorConnection) -> Bool {
        let attached = state.withLock { state in
            guard !state.closed else { return false }
            state.connection = connection
            state.generation += 1
            return true
        }
        // What a device says on connecting describes it now: it is queued even over the limit.
        if attached { changeAndReturn(overLimit: true) { device in (device.connected(), ()) } }
        return attached
    }

    /// Detaches the connection (if it is still `connection`); what is queued waits for the next.
    /// Returns the connection that was detached.
    @discardableResult
    func detach() -> (any SimulatorConnection)? {
        let detached: (any SimulatorConnection)? = state.withLock { state in
            defer {
                state.connection = nil
                state.generation += 1
            }
            return state.connection
        }
        progressContinuation.yield()
        return detached
    }

    /// Stops the link: no more messages are queued, the publisher and ticker waits end. Returns
    /// the connection to disconnect.
    func close() -> (any SimulatorConnection)? {
        state.withLock { $0.closed = true }
        let connection = detach()
        wakeupContinuation.finish()
        progressContinuation.finish()
        return connection
    }

    /// Publishes the outbox in order for as long as the link is open. A message whose publication
    /// fails while the connection is being replaced stays first in line for the next connection; one
    /// refused by a live connection is counted and dropped.
    func runPublisher(onPublished: @Sendable (SimulatorMessage) -> Void) async {
        for await _ in wakeups {
            while let (message, connection, generation) = nextToSend() {
                do {
                    try await connection.publish(message)
                    state.withLock { state in
                        state.outboxStart += 1
                        state.device.published(message)
                        compact(&state)
                    }
                    onPublished(message)
                } catch {
                    let keep = state.withLock { state in
                        guard state.generation == generation, state.connection != nil else { return true }
                        state.outboxStart += 1
                        state.device.failedToPublish(message)
                        compact(&state)
                        return false
                    }
                    if keep { break }
                }
                progressContinuation.yield()
            }
            progressContinuation.yield()
        }
    }

    /// Waits until the publisher made progress or the connection changed.
    func waitForProgress(_ iterator: inout AsyncStream<Void>.Iterator) async {
        _ = await iterator.next()
    }

    /// An iterator over the publisher's progress signals, for one waiting task.
    func makeProgressIterator() -> AsyncStream<Void>.Iterator { progress.makeAsyncIterator() }

    private func nextToSend() -> (SimulatorMessage, any SimulatorConnection, Int)? {
        state.withLock { state in
            guard let connection = state.connection, state.pending > 0 else { return nil }
            return (state.outbox[state.outboxStart], connection, state.generation)
        }
    }

    private func compact(_ state: inout State) {
        if state.outboxStart == state.outbox.count {
            state.outbox.removeAll(keepingCapacity: true)
            state.outboxStart = 0
        } else if state.outboxStart >= 1024, state.outboxStart * 2 >= state.outbox.count {
            state.outbox.removeFirst(state.outboxStart)
            state.outboxStart = 0
        }
    }
}
