import OneCallCore

/// Where error events are kept as they arrive, before and after triage.
public protocol EventStore: Sendable {
    /// Stores an event.
    func append(_ event: ErrorEvent) async throws

    /// The newest events first, optionally of one device, at most `limit`.
    func events(deviceID: String?, limit: Int) async throws -> [ErrorEvent]
}
