import OneCallCore

/// Where error events are kept as they arrive, before and after triage.
public protocol EventStore: Sendable {
    /// Stores events, all or none.
    func append(_ events: [ErrorEvent]) async throws

    /// The newest events first, optionally of one device, at most `limit`.
    func events(deviceID: String?, limit: Int) async throws -> [ErrorEvent]
}
