import NIOCore

/// One MQTT control packet, of either protocol version (§2.1.2).
public enum MQTTPacket: Sendable, Equatable {
    case connect(MQTTConnect)
    case connack(MQTTConnAck)
    case publish(MQTTPublish)
    case puback(MQTTAck)
    case pubrec(MQTTAck)
    case pubrel(MQTTAck)
    case pubcomp(MQTTAck)
    case subscribe(MQTTSubscribe)
    case suback(MQTTSubAck)
    case unsubscribe(MQTTUnsubscribe)
    case unsuback(MQTTUnsubAck)
    case pingreq
    case pingresp
    case disconnect(MQTTDisconnect)
    case auth(MQTTAuth)

    /// The control packet type number (1–15).
    public var typeNumber: UInt8 {
        switch self {
        case .connect: 1
        case .connack: 2
        case .publish: 3
        case .puback: 4
        case .pubrec: 5
        case .pubrel: 6
        case .pubcomp: 7
        case .subscribe: 8
        case .suback: 9
        case .unsubscribe: 10
        case .unsuback: 11
        case .pingreq: 12
        case .pingresp: 13
        case .disconnect: 14
        case .auth: 15
        }
    }

    /// A short name for logs and metrics.
    public var name: String {
        switch self {
        case .connect: "CONNECT"
        case .connack: "CONNACK"
        case .publish: "PUBLISH"
        case .puback: "PUBACK"
        case .pubrec: "PUBREC"
        case .pubrel: "PUBREL"
        case .pubcomp: "PUBCOMP"
        case .subscribe: "SUBSCRIBE"
        case .suback: "SUBACK"
        case .unsubscribe: "UNSUBSCRIBE"
        case .unsuback: "UNSUBACK"
        case .pingreq: "PINGREQ"
        case .pingresp: "PINGRESP"
        case .disconnect: "DISCONNECT"
        case .auth: "AUTH"
        }
    }
}

/// CONNECT (§3.1).
public struct MQTTConnect: Sendable, Equatable {
    public var protocolVersion: MQTTProtocolVersion
    public var clientIdentifier: String
    /// Clean Session (3.1.1) or Clean Start (5.0).
    public var cleanStart: Bool
    /// Keep alive in seconds; 0 turns it off.
    public var keepAlive: UInt16
    public var username: String?
    public var password: [UInt8]?
    public var will: MQTTWill?
    public var properties: MQTTProperties

    /// Creates a CONNECT packet.
    public init(
        protocolVersion: MQTTProtocolVersion = .v3_1_1, clientIdentifier: String, cleanStart: Bool = true,
        keepAlive: UInt16 = 60, username: String? = nil, password: [UInt8]? = nil, will: MQTTWill? = nil,
        properties: MQTTProperties = MQTTProperties()
    ) {
        self.protocolVersion = protocolVersion
        self.clientIdentifier = clientIdentifier
        self.cleanStart = cleanStart
        self.keepAlive = keepAlive
        self.username = username
        self.password = password
        self.will = will
        self.properties = properties
    }
}

/// The will message carried in CONNECT.
public struct MQTTWill: Sendable, Equatable {
    public var topic: String
    public var payload: ByteBuffer
    public var qos: MQTTQoS
    public var retain: Bool
    /// Will properties (5.0): will delay, message expiry, content type, ...
    public var properties: MQTTProperties

    /// Creates a will message.
    public init(
        topic: String, payload: ByteBuffer, qos: MQTTQoS = .atMostOnce, retain: Bool = false,
        properties: MQTTProperties = MQTTProperties()
    ) {
        self.topic = topic
        self.payload = payload
        self.qos = qos
        self.retain = retain
        self.properties = properties
    }
}

/// CONNACK (§3.2).
public struct MQTTConnAck: Sendable, Equatable {
    public var sessionPresent: Bool
    public var reasonCode: MQTTReasonCode
    public var properties: MQTTProperties

    /// Creates a CONNACK packet.
    public init(
        sessionPresent: Bool = false, reasonCode: MQTTReasonCode = .success,
        properties: MQTTProperties = MQTTProperties()
    ) {
        self.sessionPresent = sessionPresent
        self.reasonCode = reasonCode
        self.properties = properties
    }
}

/// PUBLISH (§3.3).
public struct MQTTPublish: Sendable, Equatable {
    /// The topic name; empty when a 5.0 topic alias stands for it.
    public var topic: String
    public var payload: ByteBuffer
    public var qos: MQTTQoS
    public var retain: Bool
    public var duplicate: Bool
    /// Present for QoS 1 and 2.
    public var packetIdentifier: UInt16?
    public var properties: MQTTProperties

    /// Creates a PUBLISH packet.
    public init(
        topic: String, payload: ByteBuffer, qos: MQTTQoS = .atMostOnce, retain: Bool = false,
        duplicate: Bool = false, packetIdentifier: UInt16? = nil, properties: MQTTProperties = MQTTProperties()
    ) {
        self.topic = topic
        self.payload = payload
        self.qos = qos
        self.retain = retain
        self.duplicate = duplicate
        self.packetIdentifier = packetIdentifier
        self.properties = properties
    }
}

/// PUBACK, PUBREC, PUBREL or PUBCOMP (§3.4–3.7).
public struct MQTTAck: Sendable, Equatable {
    public var packetIdentifier: UInt16
    public var reasonCode: MQTTReasonCode
    public var properties: MQTTProperties

    /// Creates an acknowledgement.
    public init(
        packetIdentifier: UInt16, reasonCode: MQTTReasonCode = .success, properties: MQTTProperties = MQTTProperties()
    ) {
        self.packetIdentifier = packetIdentifier
        self.reasonCode = reasonCode
        self.properties = properties
    }
}

/// What a subscriber asks of one subscription (§3.8.3.1).
public struct MQTTSubscriptionOptions: Sendable, Hashable {
    /// When retained messages are sent at subscribe time (5.0).
    public enum RetainHandling: UInt8, Sendable {
        /// Send retained messages at every subscribe.
        case sendOnSubscribe = 0
        /// Send them only if the subscription did not exist.
        case sendIfNew = 1
        /// Never send them.
        case doNotSend = 2
    }

    public var qos: MQTTQoS
    public var noLocal: Bool
    public var retainAsPublished: Bool
    public var retainHandling: RetainHandling

    /// Creates subscription options.
    public init(
        qos: MQTTQoS = .atMostOnce, noLocal: Bool = false, retainAsPublished: Bool = false,
        retainHandling: RetainHandling = .sendOnSubscribe
    ) {
        self.qos = qos
        self.noLocal = noLocal
        self.retainAsPublished = retainAsPublished
        self.retainHandling = retainHandling
    }
}

/// One topic filter in SUBSCRIBE.
public struct MQTTSubscription: Sendable, Equatable {
    public var topicFilter: String
    public var options: MQTTSubscriptionOptions

    /// Creates a subscription request.
    public init(topicFilter: String, options: MQTTSubscriptionOptions = MQTTSubscriptionOptions()) {
        self.topicFilter = topicFilter
        self.options = options
    }
}

/// SUBSCRIBE (§3.8).
public struct MQTTSubscribe: Sendable, Equatable {
    public var packetIdentifier: UInt16
    public var subscriptions: [MQTTSubscription]
    public var properties: MQTTProperties

    /// Creates a SUBSCRIBE packet.
    public init(
        packetIdentifier: UInt16, subscriptions: [MQTTSubscription], properties: MQTTProperties = MQTTProperties()
    ) {
        self.packetIdentifier = packetIdentifier
        self.subscriptions = subscriptions
        self.properties = properties
    }
}

/// SUBACK (§3.9).
public struct MQTTSubAck: Sendable, Equatable {
    public var packetIdentifier: UInt16
    /// One per requested filter: the granted QoS, or a failure.
    public var reasonCodes: [MQTTReasonCode]
    public var properties: MQTTProperties

    /// Creates a SUBACK packet.
    public init(
        packetIdentifier: UInt16, reasonCodes: [MQTTReasonCode], properties: MQTTProperties = MQTTProperties()
    ) {
        self.packetIdentifier = packetIdentifier
        self.reasonCodes = reasonCodes
        self.properties = properties
    }
}

/// UNSUBSCRIBE (§3.10).
public struct MQTTUnsubscribe: Sendable, Equatable {
    public var packetIdentifier: UInt16
    public var topicFilters: [String]
    public var properties: MQTTProperties

    /// Creates an UNSUBSCRIBE packet.
    public init(packetIdentifier: UInt16, topicFilters: [String], properties: MQTTProperties = MQTTProperties()) {
        self.packetIdentifier = packetIdentifier
        self.topicFilters = topicFilters
        self.properties = properties
    }
}

/// UNSUBACK (§3.11). 3.1.1 carries no reason codes.
public struct MQTTUnsubAck: Sendable, Equatable {
    public var packetIdentifier: UInt16
    public var reasonCodes: [MQTTReasonCode]
    public var properties: MQTTProperties

    /// Creates an UNSUBACK packet.
    public init(
        packetIdentifier: UInt16, reasonCodes: [MQTTReasonCode] = [], properties: MQTTProperties = MQTTProperties()
    ) {
        self.packetIdentifier = packetIdentifier
        self.reasonCodes = reasonCodes
        self.properties = properties
    }
}

/// DISCONNECT (§3.14).
public struct MQTTDisconnect: Sendable, Equatable {
    public var reasonCode: MQTTReasonCode
    public var properties: MQTTProperties

    /// Creates a DISCONNECT packet.
    public init(reasonCode: MQTTReasonCode = .normalDisconnection, properties: MQTTProperties = MQTTProperties()) {
        self.reasonCode = reasonCode
        self.properties = properties
    }
}

/// AUTH (§3.15, 5.0 only).
public struct MQTTAuth: Sendable, Equatable {
    public var reasonCode: MQTTReasonCode
    public var properties: MQTTProperties

    /// Creates an AUTH packet.
    public init(reasonCode: MQTTReasonCode = .success, properties: MQTTProperties = MQTTProperties()) {
        self.reasonCode = reasonCode
        self.properties = properties
    }
}
