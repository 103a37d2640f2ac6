import OneCallCore
import OneCallShadow
import Testing

/// Parses JSON text written in a test.
func json(_ text: String) throws -> JSONValue {
    try JSONValue(parsing: text)
}

/// One shadow and its stored record, driven the way the app drives the service: each request sees
/// the record the previous one stored.
struct ShadowHarness {
    var service: ShadowService
    var record: ShadowRecord?
    let id: ShadowID

    init(thing: String = "lamp", shadow: String? = nil, limits: ShadowLimits = .default) throws {
        id = try ShadowID(thingName: thing, shadowName: shadow)
        service = ShadowService(limits: limits)
    }

    /// Sends a request payload and stores what the result says to store.
    @discardableResult
    mutating func send(_ operation: ShadowOperation, _ payload: [UInt8], at now: Int64) -> ShadowResult {
        let result = service.handle(
            ShadowRequest(id: id, operation: operation), payload: payload, record: record, now: now)
        if case .store(let newRecord) = result.change { record = newRecord }
        return result
    }

    @discardableResult
    mutating func send(_ operation: ShadowOperation, _ payload: String = "", at now: Int64) -> ShadowResult {
        send(operation, Array(payload.utf8), at: now)
    }

    @discardableResult
    mutating func update(_ payload: String, at now: Int64) -> ShadowResult {
        send(.update, payload, at: now)
    }

    /// The `state` of a GET response now (with its delta), or `nil` when there is no shadow.
    func currentState(at now: Int64 = 0) -> JSONValue? {
        guard let document = record?.document else { return nil }
        return document.getResponse(timestamp: now, clientToken: nil)["state"]
    }
}

extension ShadowResult {
    /// The parsed payload published on the reply topic `reply`, if any.
    func published(_ reply: ShadowTopic.Reply, via transport: Transport = .mqtt) throws -> JSONValue? {
        let topic = ShadowTopic.reply(reply, to: request.operation, for: request.id)
        guard let message = messages(via: transport).first(where: { $0.topic == topic }) else { return nil }
        return try JSONValue(parsing: message.payload)
    }
}
