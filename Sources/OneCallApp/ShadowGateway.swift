import Logging
import NIOCore
import OneCallBroker
import OneCallCore
import OneCallHTTP
import OneCallShadow
import OneCallStorage
import ServiceLifecycle
import Synchronization

/// Device shadows on the broker and over REST: requests on `$aws/things/…/shadow/…` and REST calls
/// go through one queue, so that each request to a shadow sees what the previous one stored; each
/// is answered by the shadow service, stored, and its replies published.
final class ShadowGateway: Service, ShadowEndpoint {
    /// One request waiting its turn.
    private struct Job: Sendable {
        var request: ShadowRequest
        var payload: [UInt8]
        var transport: ShadowResult.Transport
        var reply: (@Sendable (ShadowResult) -> Void)?
    }

    /// Requests answered, refused, and messages on shadow topics that were not requests.
    struct Statistics: Sendable {
        var accepted = 0
        var rejected = 0
        var invalidTopics = 0
        var storeFailures = 0
        /// Requests refused because the queue was full.
        var dropped = 0
    }

    private let broker: Broker
    private let store: any ShadowStore
    private let service: ShadowService
    private let clock: @Sendable () -> Double
    private let logger: Logger
    private let subscriptions: [BrokerSubscription]
    private let jobs: AsyncStream<Job>
    private let submit: AsyncStream<Job>.Continuation
    private let counters = Mutex(Statistics())

    /// Subscribes to the shadow request topics at once, so that no request published after the
    /// server starts is missed.
    init(broker: Broker, store: any ShadowStore, clock: @escaping @Sendable () -> Double, logger: Logger) throws {
        self.broker = broker
        self.store = store
        self.service = ShadowService()
        self.clock = clock
        self.logger = logger
        self.subscriptions = try ShadowTopic.subscriptionFilters.map { try broker.subscribe(filter: $0) }
        (jobs, submit) = AsyncStream.makeStream(of: Job.self, bufferingPolicy: .bufferingOldest(10_000))
    }

    var statistics: Statistics { counters.withLock { $0 } }

    func run() async throws {
        await withDiscardingTaskGroup { group in
            group.addTask { [self] in
                for await job in jobs { await process(job) }
            }
            // The request loops end once their subscriptions are cancelled and drained; only then
            // is the job queue closed, so that no request already routed here is lost.
            await withDiscardingTaskGroup { readers in
                for subscription in subscriptions {
                    readers.addTask { [self] in await forwardRequests(from: subscription) }
                }
                // Returns at graceful shutdown (or cancellation).
                try? await gracefulShutdown()
                for subscription in subscriptions { subscription.cancel() }
            }
            submit.finish()
        }
    }

    private func forwardRequests(from subscription: BrokerSubscription) async {
        for await message in subscription.messages {
            let request: ShadowRequest?
            do {
                request = try ShadowRequest(topic: message.topic)
            } catch {
                request = nil
            }
            guard let request else {
                counters.withLock { $0.invalidTopics += 1 }
                continue
            }
            let job = Job(request: request, payload: Array(message.payload.readableBytesView), transport: .mqtt)
            switch submit.yield(job) {
            case .enqueued: break
            default: counters.withLock { $0.dropped += 1 }
            }
        }
    }

    private func process(_ job: Job) async {
        let id = job.request.id
        let key = id.shadowName ?? ""
        let now = Int64(clock())
        var record: ShadowRecord?
        do {
            if let stored = try await store.shadow(thingName: id.thingName, shadowName: key) {
                record = try ShadowRecord(stored: JSONValue(parsing: stored.document))
            }
        } catch {
            // Never answer from a shadow that could not be read: an update would start it over.
            logger.error("cannot read a shadow", metadata: ["shadow": "\(id)", "error": "\(error)"])
            counters.withLock { $0.storeFailures += 1 }
            let failure = ShadowResult(
                request: job.request, reply: .rejected(.internalFailure(detail: "the stored shadow cannot be read")),
                timestamp: now)
            for message in failure.messages(via: job.transport) { publish(message) }
            job.reply?(failure)
            return
        }
        let result = service.handle(job.request, payload: job.payload, record: record, now: now)
        if case .store(let newRecord) = result.change {
            do {
                try await store.save(
                    StoredShadow(
                        thingName: id.thingName, shadowName: key, version: newRecord.version,
                        document: newRecord.storedJSON.jsonBytes))
            } catch {
                logger.error("cannot store a shadow", metadata: ["shadow": "\(id)", "error": "\(error)"])
                counters.withLock { $0.storeFailures += 1 }
                let failure = ShadowResult(
                    request: job.request, reply: .rejected(.internalFailure(detail: "storage failed")), timestamp: now)
                for message in failure.messages(via: job.transport) { publish(message) }
                job.reply?(failure)
                return
            }
        }
        counters.withLock { result.isAccepted ? ($0.accepted += 1) : ($0.rejected += 1) }
        for message in result.messages(via: job.transport) { publish(message) }
        job.reply?(result)
    }

    private func publish(_ message: ShadowMessage) {
        var payload = ByteBuffer()
        payload.writeBytes(message.payload)
        _ = try? broker.publish(topic: message.topic, payload: payload, qos: .atLeastOnce)
    }

    // MARK: REST

    func handle(thingName: String, shadowName: String?, operation: ShadowHTTPOperation, body: [UInt8]) async -> (
        status: Int, body: [UInt8]
    ) {
        let method = ["get": "GET", "update": "POST", "delete": "DELETE"][operation.rawValue]!
        let request: ShadowRequest
        do {
            request = try ShadowRequest(httpMethod: method, thingName: thingName, shadowName: shadowName)
        } catch {
            return (error.httpStatus, error.payload(timestamp: Int64(clock())).jsonBytes)
        }
        let result: ShadowResult = await withCheckedContinuation { continuation in
            let job = Job(request: request, payload: body, transport: .http) { continuation.resume(returning: $0) }
            switch submit.yield(job) {
            case .enqueued: break
            case .dropped, .terminated:
                counters.withLock { $0.dropped += 1 }
                continuation.resume(
                    returning: ShadowResult(
                        request: request, reply: .rejected(.internalFailure(detail: "the shadow queue is full")),
                        timestamp: Int64(clock())))
            @unknown default: break
            }
        }
        return (result.httpStatus, result.body)
    }

    /// The thing's named shadows that exist (a deleted one is kept only to remember its version).
    func namedShadows(thingName: String) async throws -> [String] {
        var names: [String] = []
        for name in try await store.shadowNames(thingName: thingName) {
            guard let stored = try await store.shadow(thingName: thingName, shadowName: name),
                let record = try? ShadowRecord(stored: JSONValue(parsing: stored.document)), record.document != nil
            else { continue }
            names.append(name)
        }
        return names
    }
}
