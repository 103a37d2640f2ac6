import Logging
import NIOCore
import OneCallMQTT

/// A simulated device's connection through OneCall's ``MQTTClient``: to OneCall's broker, Mosquitto
/// or any other MQTT 3.1.1/5.0 broker, over TCP or TLS, with the client's reconnection policy for
/// lost connections.
public final class MQTTSimulatorConnection: SimulatorConnection {
    /// The client.
    public let client: MQTTClient

    /// Creates a connection for one device from a template whose client identifier is replaced by
    /// the device name.
    public init(
        deviceName: String, template: MQTTClientConfiguration, eventLoopGroup: (any EventLoopGroup)? = nil,
        logger: Logger = Logger(label: "onecall.simulator")
    ) {
        var configuration = template
        configuration.clientIdentifier = deviceName
        if let eventLoopGroup {
            client = MQTTClient(configuration: configuration, eventLoopGroup: eventLoopGroup, logger: logger)
        } else {
            client = MQTTClient(configuration: configuration, logger: logger)
        }
    }

    /// Connects and waits for CONNACK; later connection losses are handled by the client's reconnection policy.
    public func connect() async throws {
        try await client.connect()
    }

    /// Subscribes at QoS 1; a filter the broker refuses (an ACL, say) throws.
    public func subscribe(to filters: [String]) async throws {
        let acknowledgement = try await client.subscribe(
            filters.map { MQTTSubscription(topicFilter: $0, options: MQTTSubscriptionOptions(qos: .atLeastOnce)) })
        if let refused = acknowledgement.reasonCodes.first(where: \.isFailure) {
            throw MQTTClientError(.protocolError, reasonCode: refused)
        }
    }

    /// Publishes at the message's QoS; QoS 1 waits for PUBACK, also across a reconnection.
    public func publish(_ message: SimulatorMessage) async throws {
        try await client.publish(topic: message.topic, payload: ByteBuffer(bytes: message.payload), qos: message.qos)
    }

    /// Hands on the client's messages until it disconnects or the task is cancelled.
    public func receiveMessages(_ handle: @escaping @Sendable (_ topic: String, _ payload: [UInt8]) async -> Void) async
    {
        for await message in client.messages {
            await handle(message.topic, Array(message.payload.readableBytesView))
        }
    }

    /// Sends DISCONNECT and closes; the client is not reused.
    public func disconnect() async {
        await client.disconnect()
    }
}
