import Foundation
import OneCallCore
import OneCallKnowledge
import OneCallStorage

/// Where the chat reads what it answers from: the stores, the knowledge base and the time. The chat
/// only reads; it never changes a ticket, a device or a reading.
public struct ChatDataSource: Sendable {
    /// Tickets, their actions and their call requests.
    public var tickets: any TicketStore
    /// The device registry.
    public var devices: any DeviceStore
    /// Stored readings.
    public var telemetry: any TelemetryStore
    /// Call attempts, when the contact center's store is there.
    public var calls: (any CallStore)?
    /// The knowledge base as it is now (called once per question).
    public var knowledge: @Sendable () -> KnowledgeIndex
    /// The time now, in seconds since 1970.
    public var clock: @Sendable () -> Double

    /// A data source over the given stores; the clock defaults to the system's.
    public init(
        tickets: any TicketStore, devices: any DeviceStore, telemetry: any TelemetryStore,
        calls: (any CallStore)? = nil, knowledge: @escaping @Sendable () -> KnowledgeIndex,
        clock: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }
    ) {
        self.tickets = tickets
        self.devices = devices
        self.telemetry = telemetry
        self.calls = calls
        self.knowledge = knowledge
        self.clock = clock
    }
}
