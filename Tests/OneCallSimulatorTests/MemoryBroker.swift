import OneCallCore
import OneCallSimulator
import Synchronization

/// A broker in memory for driving ``SimulatorRunner`` without sockets: it records what devices
/// publish and delivers messages to subscribed devices. It matches topics exactly (no wildcards).
final class MemoryBroker: Sendable {
    struct Publication: Sendable {
        var client: String
        var message: SimulatorMessage
    }

    private struct State {
        var publications: [Publication] = []
        var subscribers: [String: (filters: Set<String>, continuation: AsyncStream<(String, [UInt8])>.Continuation)] =
            [:]
        var connects: [String: Int] = [:]
        var disconnects: [String: Int] = [:]
        var refusedClients: Set<String> = []
        var refusedTopics: Set<String> = []
    }

    private let state = Mutex(State())

    /// Client identifiers whose connections are refused.
    func refuse(client: String) { state.withLock { _ = $0.refusedClients.insert(client) } }

    /// Accepts a refused client again.
    func accept(client: String) { state.withLock { _ = $0.refusedClients.remove(client) } }

    /// Topics on which publications fail.
    func refuse(topic: String) { state.withLock { _ = $0.refusedTopics.insert(topic) } }

    /// Everything published so far, in order.
    var publications: [Publication] { state.withLock { $0.publications } }

    /// Publications on a topic, in order.
    func messages(on topic: String) -> [SimulatorMessage] {
        publications.filter { $0.message.topic == topic }.map(\.message)
    }

    /// Successful connections per client.
    var connects: [String: Int] { state.withLock { $0.connects } }

    /// Disconnections per client.
    var disconnects: [String: Int] { state.withLock { $0.disconnects } }

    /// Clients connected now.
    var connectedClients: Set<String> { state.withLock { Set($0.subscribers.keys) } }

    /// Delivers a message to the client if it is connected and subscribed; returns whether it was.
    @discardableResult
    func deliver(to client: String, topic: String, _ text: String) -> Bool {
        state.withLock { state in
            guard let subscriber = state.subscribers[client], subscriber.filters.contains(topic) else { return false }
            subscriber.continuation.yield((topic, Array(text.utf8)))
            return true
        }
    }

    func connection(for client: String) -> any SimulatorConnection {
        MemoryConnection(broker: self, client: client)
    }

    fileprivate func connect(_ client: String, continuation: AsyncStream<(String, [UInt8])>.Continuation) throws {
        try state.withLock { state in
            guard !state.refusedClients.contains(client) else { throw MemoryBrokerError.refused }
            state.connects[client, default: 0] += 1
            state.subscribers[client] = ([], continuation)
        }
    }

    fileprivate func subscribe(_ client: String, _ filters: [String]) {
        state.withLock { state in state.subscribers[client]?.filters.formUnion(filters) }
    }

    fileprivate func publish(_ client: String, _ message: SimulatorMessage) throws {
        try state.withLock { state in
            guard state.subscribers[client] != nil else { throw MemoryBrokerError.notConnected }
            guard !state.refusedTopics.contains(message.topic) else { throw MemoryBrokerError.refused }
            state.publications.append(Publication(client: client, message: message))
        }
    }

    fileprivate func disconnect(_ client: String) {
        state.withLock { state in
            if let subscriber = state.subscribers.removeValue(forKey: client) {
                subscriber.continuation.finish()
                state.disconnects[client, default: 0] += 1
            }
        }
    }
}

enum MemoryBrokerError: Error {
    case refused, notConnected
}

/// One client's session with a ``MemoryBroker``.
final class MemoryConnection: SimulatorConnection {
    private let broker: MemoryBroker
    private let client: String
    private let stream: AsyncStream<(String, [UInt8])>
    private let continuation: AsyncStream<(String, [UInt8])>.Continuation
    private let open = Mutex(false)

    init(broker: MemoryBroker, client: String) {
        self.broker = broker
        self.client = client
        (stream, continuation) = AsyncStream.makeStream()
    }

    func connect() async throws {
        try broker.connect(client, continuation: continuation)
        open.withLock { $0 = true }
    }

    func subscribe(to filters: [String]) async throws {
        broker.subscribe(client, filters)
    }

    func publish(_ message: SimulatorMessage) async throws {
        guard open.withLock({ $0 }) else { throw MemoryBrokerError.notConnected }
        try broker.publish(client, message)
    }

    func receiveMessages(_ handle: @escaping @Sendable (String, [UInt8]) async -> Void) async {
        for await (topic, payload) in stream {
            await handle(topic, payload)
        }
    }

    func disconnect() async {
        let wasOpen = open.withLock { open in
            defer { open = false }
            return open
        }
        if wasOpen { broker.disconnect(client) }
        continuation.finish()
    }
}
