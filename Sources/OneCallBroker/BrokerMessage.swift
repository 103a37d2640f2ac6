import NIOCore
import OneCallMQTT

/// An application message as the broker routes it: what was published, by whom, and when it expires.
public struct BrokerMessage: Sendable, Equatable {
    /// The topic name it was published to.
    public var topic: String
    /// The payload bytes.
    public var payload: ByteBuffer
    /// The QoS it was published with.
    public var qos: MQTTQoS
    /// The RETAIN flag it was published with.
    public var retain: Bool
    /// The client that published it, or `nil` for an in-process publisher.
    public var publisherClientIdentifier: String?
    /// Payload format indicator, content type, response topic, correlation data and user properties.
    public var properties: MQTTProperties {
        get { boxedProperties?.value ?? MQTTProperties() }
        set { boxedProperties = newValue.isEmpty ? nil : PropertiesBox(newValue) }
    }
    /// When the message expires, in ``BrokerClock`` seconds, or `nil` for never.
    public var expiresAt: Double?

    /// The properties, shared between copies and absent when empty (most messages): a message is
    /// copied into every subscriber's queue, and the properties are larger than the rest of it.
    private var boxedProperties: PropertiesBox?

    private final class PropertiesBox: Sendable, Equatable {
        let value: MQTTProperties
        init(_ value: MQTTProperties) { self.value = value }
        static func == (a: PropertiesBox, b: PropertiesBox) -> Bool { a === b || a.value == b.value }
    }

    /// Creates a message.
    public init(
        topic: String, payload: ByteBuffer, qos: MQTTQoS = .atMostOnce, retain: Bool = false,
        publisherClientIdentifier: String? = nil, properties: MQTTProperties = MQTTProperties(),
        expiresAt: Double? = nil
    ) {
        self.topic = topic
        self.payload = payload
        self.qos = qos
        self.retain = retain
        self.publisherClientIdentifier = publisherClientIdentifier
        self.expiresAt = expiresAt
        self.properties = properties
    }

    /// The forwarding properties of an incoming PUBLISH: only those that travel to subscribers.
    static func forwardedProperties(of p: MQTTProperties) -> MQTTProperties {
        var out = MQTTProperties()
        out.payloadFormatIndicator = p.payloadFormatIndicator
        out.contentType = p.contentType
        out.responseTopic = p.responseTopic
        out.correlationData = p.correlationData
        out.userProperties = p.userProperties
        return out
    }
}

/// Monotonic seconds used for expiries and keep-alive (never goes back).
enum BrokerClock {
    static func now() -> Double { Double(NIODeadline.now().uptimeNanoseconds) / 1e9 }
}
