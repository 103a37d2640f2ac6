/// A device's link to a broker, as the driver uses it. ``MQTTSimulatorConnection`` is the real
/// one; tests put an in-memory broker behind it.
///
/// One connection is one session: after ``disconnect()`` the driver makes a new one.
public protocol SimulatorConnection: Sendable {
    /// Connects; throws when the broker cannot be reached or refuses.
    func connect() async throws
    /// Subscribes to topic filters.
    func subscribe(to filters: [String]) async throws
    /// Publishes; returns when the broker has acknowledged the message (QoS 1 and 2) or it was
    /// written (QoS 0).
    func publish(_ message: SimulatorMessage) async throws
    /// Hands each received message to `handle`, one at a time, until the connection is
    /// disconnected or the task is cancelled.
    func receiveMessages(_ handle: @escaping @Sendable (_ topic: String, _ payload: [UInt8]) async -> Void) async
    /// Disconnects; received messages stop and pending publications fail.
    func disconnect() async
}
