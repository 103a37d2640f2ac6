import OneCallCore

/// The Device Shadow service as pure functions over a stored ``ShadowRecord``: each request, with
/// the current record and the time, gives a ``ShadowResult`` — what to store and what to publish or
/// answer. Nothing here does I/O or reads a clock, so the app wires it to the broker, the store and
/// HTTP in a few lines:
///
/// ```swift
/// guard let request = try? ShadowRequest(topic: topic) else { return }
/// let result = service.handle(request, payload: payload, record: store.load(request.id), now: now)
/// if case .store(let record) = result.change { store.save(request.id, record) }
/// for message in result.messages() { broker.publish(message) }
/// ```
///
/// Requests to one shadow must be handled one at a time (the app serialises them per shadow), so that
/// each sees the record the previous one stored.
public struct ShadowService: Sendable {
    /// The bounds requests and documents stay within.
    public var limits: ShadowLimits

    /// A service with `limits`, AWS's quotas by default.
    public init(limits: ShadowLimits = .default) {
        self.limits = limits
    }

    /// Answers `request` with its payload (the request document for an update; for get and delete
    /// only a `clientToken` is read from it, and anything else is ignored).
    public func handle(
        _ request: ShadowRequest, payload: some Collection<UInt8>, record: ShadowRecord?, now: Int64
    ) -> ShadowResult {
        switch request.operation {
        case .get: return get(request.id, payload: payload, record: record, now: now)
        case .update: return update(request.id, payload: payload, record: record, now: now)
        case .delete: return delete(request.id, payload: payload, record: record, now: now)
        }
    }

    /// GET: the whole document with its delta, or 404 when the shadow does not exist or was deleted.
    public func get(
        _ id: ShadowID, payload: some Collection<UInt8> = [UInt8](), record: ShadowRecord?, now: Int64
    ) -> ShadowResult {
        let request = ShadowRequest(id: id, operation: .get)
        let clientToken = optionalClientToken(in: payload)
        guard let document = record?.document else {
            return ShadowResult(
                request: request, reply: .rejected(.noShadow(named: id.displayName).echoing(clientToken)),
                timestamp: now)
        }
        return ShadowResult(
            request: request, reply: .accepted(document.getResponse(timestamp: now, clientToken: clientToken)),
            timestamp: now)
    }

    /// DELETE: removes the shadow, remembering its version; 404 when it does not exist.
    public func delete(
        _ id: ShadowID, payload: some Collection<UInt8> = [UInt8](), record: ShadowRecord?, now: Int64
    ) -> ShadowResult {
        let request = ShadowRequest(id: id, operation: .delete)
        let clientToken = optionalClientToken(in: payload)
        guard let document = record?.document else {
            return ShadowResult(
                request: request, reply: .rejected(.noShadow(named: id.displayName).echoing(clientToken)),
                timestamp: now)
        }
        var accepted = JSONObject()
        accepted["version"] = .int(document.version)
        accepted["timestamp"] = .int(now)
        if let clientToken { accepted["clientToken"] = .string(clientToken) }
        return ShadowResult(
            request: request, change: .store(.deleted(version: document.version, deletedAt: now)),
            reply: .accepted(.object(accepted)), timestamp: now)
    }

    /// UPDATE from a request payload: validates it, then as ``update(_:request:record:now:)``.
    public func update(
        _ id: ShadowID, payload: some Collection<UInt8>, record: ShadowRecord?, now: Int64
    ) -> ShadowResult {
        do {
            let parsed = try ShadowUpdateRequest(parsing: payload, limits: limits)
            return update(id, request: parsed, record: record, now: now)
        } catch {
            return ShadowResult(
                request: ShadowRequest(id: id, operation: .update), reply: .rejected(error), timestamp: now)
        }
    }

    /// UPDATE: checks the version, merges the request into the document (creating it if needed),
    /// checks the size and gives the new document with its `/accepted`, `/delta` and `/documents`
    /// messages. The version goes up by one on every accepted update, whether or not a value changed.
    public func update(
        _ id: ShadowID, request update: ShadowUpdateRequest, record: ShadowRecord?, now: Int64
    ) -> ShadowResult {
        let request = ShadowRequest(id: id, operation: .update)
        let token = update.clientToken
        func rejected(_ error: ShadowError) -> ShadowResult {
            ShadowResult(request: request, reply: .rejected(error.echoing(token)), timestamp: now)
        }

        let previous = record?.document
        // A new shadow, or one deleted longer ago than the retention, is at version 0; one deleted
        // recently continues from the version it had.
        var currentVersion: Int64 = 0
        if let record, !record.isExpired(now: now, limits: limits) { currentVersion = record.version }
        do {
            try update.validate(limits: limits)
        } catch {
            // A token that is itself invalid is not echoed.
            let reply = error == .invalidClientToken ? error : error.echoing(token)
            return ShadowResult(request: request, reply: .rejected(reply), timestamp: now)
        }
        if let expected = update.version, expected != currentVersion { return rejected(.versionConflict) }

        var document = previous ?? .empty(version: currentVersion, timestamp: now)
        if let desired = update.desired { document.applyDesired(desired, now: now) }
        if let reported = update.reported { document.applyReported(reported, now: now) }
        document.version = currentVersion + 1
        document.timestamp = now
        guard document.stateByteCount <= limits.maximumStateBytes else { return rejected(.payloadTooLarge) }

        var acceptedState = JSONObject()
        var acceptedMetadata = JSONObject()
        if let desired = update.desired {
            acceptedState["desired"] = desired
            acceptedMetadata["desired"] = ShadowDocument.requestMetadata(desired, now: now)
        }
        if let reported = update.reported {
            acceptedState["reported"] = reported
            acceptedMetadata["reported"] = ShadowDocument.requestMetadata(reported, now: now)
        }
        var accepted = JSONObject()
        accepted["state"] = .object(acceptedState)
        accepted["metadata"] = .object(acceptedMetadata)
        accepted["version"] = .int(document.version)
        accepted["timestamp"] = .int(now)
        if let token { accepted["clientToken"] = .string(token) }

        var documents = JSONObject()
        if let previous { documents["previous"] = previous.snapshot }
        documents["current"] = document.snapshot
        documents["timestamp"] = .int(now)
        if let token { documents["clientToken"] = .string(token) }

        return ShadowResult(
            request: request, change: .store(.live(document)), reply: .accepted(.object(accepted)),
            delta: document.deltaResponse(timestamp: now, clientToken: token), documents: .object(documents),
            timestamp: now)
    }

    /// The `clientToken` of a get or delete payload, which is otherwise ignored: a valid token is
    /// echoed, anything else (an empty payload, text that is not JSON, a bad token) is passed over.
    func optionalClientToken(in payload: some Collection<UInt8>) -> String? {
        let parseLimits = JSONParseLimits(
            maximumBytes: limits.maximumRequestBytes, maximumDepth: limits.maximumStateDepth + 2)
        guard !payload.isEmpty, payload.count <= limits.maximumRequestBytes,
            let document = try? JSONValue(parsing: payload, limits: parseLimits)
        else { return nil }
        return try? ShadowUpdateRequest.clientToken(document["clientToken"], limits: limits)
    }
}
