import NIOCore

/// The properties of an MQTT 5.0 packet (§2.2.2). Absent properties are `nil`.
public struct MQTTProperties: Sendable, Equatable {
    public var payloadFormatIndicator: UInt8?
    public var messageExpiryInterval: UInt32?
    public var contentType: String?
    public var responseTopic: String?
    public var correlationData: [UInt8]?
    /// Subscription identifiers: one in SUBSCRIBE, any number in PUBLISH.
    public var subscriptionIdentifiers: [Int] = []
    public var sessionExpiryInterval: UInt32?
    public var assignedClientIdentifier: String?
    public var serverKeepAlive: UInt16?
    public var authenticationMethod: String?
    public var authenticationData: [UInt8]?
    public var requestProblemInformation: UInt8?
    public var willDelayInterval: UInt32?
    public var requestResponseInformation: UInt8?
    public var responseInformation: String?
    public var serverReference: String?
    public var reasonString: String?
    public var receiveMaximum: UInt16?
    public var topicAliasMaximum: UInt16?
    public var topicAlias: UInt16?
    public var maximumQoS: UInt8?
    public var retainAvailable: UInt8?
    public var userProperties: [MQTTUserProperty] = []
    public var maximumPacketSize: UInt32?
    public var wildcardSubscriptionAvailable: UInt8?
    public var subscriptionIdentifiersAvailable: UInt8?
    public var sharedSubscriptionAvailable: UInt8?

    /// No properties.
    public init() {}

    /// Whether no property is set.
    public var isEmpty: Bool { self == MQTTProperties() }
}

/// A name–value pair carried as a User Property.
public struct MQTTUserProperty: Sendable, Hashable {
    public var name: String
    public var value: String

    /// Creates a user property.
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// Property identifiers and the packets in which each may appear.
enum MQTTPropertyID: UInt8 {
    case payloadFormatIndicator = 0x01
    case messageExpiryInterval = 0x02
    case contentType = 0x03
    case responseTopic = 0x08
    case correlationData = 0x09
    case subscriptionIdentifier = 0x0B
    case sessionExpiryInterval = 0x11
    case assignedClientIdentifier = 0x12
    case serverKeepAlive = 0x13
    case authenticationMethod = 0x15
    case authenticationData = 0x16
    case requestProblemInformation = 0x17
    case willDelayInterval = 0x18
    case requestResponseInformation = 0x19
    case responseInformation = 0x1A
    case serverReference = 0x1C
    case reasonString = 0x1F
    case receiveMaximum = 0x21
    case topicAliasMaximum = 0x22
    case topicAlias = 0x23
    case maximumQoS = 0x24
    case retainAvailable = 0x25
    case userProperty = 0x26
    case maximumPacketSize = 0x27
    case wildcardSubscriptionAvailable = 0x28
    case subscriptionIdentifiersAvailable = 0x29
    case sharedSubscriptionAvailable = 0x2A

    /// Where the property may appear (§2.2.2.2).
    func isAllowed(in context: MQTTPropertyContext) -> Bool {
        switch self {
        case .payloadFormatIndicator, .messageExpiryInterval, .contentType, .responseTopic, .correlationData:
            return context == .publish || context == .will
        case .subscriptionIdentifier: return context == .publish || context == .subscribe
        case .sessionExpiryInterval: return context == .connect || context == .connack || context == .disconnect
        case .assignedClientIdentifier, .serverKeepAlive, .responseInformation, .maximumQoS, .retainAvailable,
            .wildcardSubscriptionAvailable, .subscriptionIdentifiersAvailable, .sharedSubscriptionAvailable:
            return context == .connack
        case .authenticationMethod, .authenticationData:
            return context == .connect || context == .connack || context == .auth
        case .requestProblemInformation, .requestResponseInformation: return context == .connect
        case .willDelayInterval: return context == .will
        case .serverReference: return context == .connack || context == .disconnect
        case .reasonString:
            return context != .connect && context != .will && context != .publish && context != .subscribe
                && context != .unsubscribe
        case .receiveMaximum, .topicAliasMaximum, .maximumPacketSize:
            return context == .connect || context == .connack
        case .topicAlias: return context == .publish
        case .userProperty: return true
        }
    }
}

/// The place a property block is read from, which decides the properties allowed in it.
enum MQTTPropertyContext: Sendable {
    case connect, will, connack, publish, ack, subscribe, suback, unsubscribe, unsuback, disconnect, auth
}

extension MQTTProperties {
    /// Reads a property block (length prefix and properties), checking each against `context`.
    static func read(from buffer: inout ByteBuffer, context: MQTTPropertyContext) throws(MQTTCodecError) -> Self {
        let length = try buffer.readMQTTVariableInteger()
        guard var block = buffer.readSlice(length: length) else {
            throw MQTTCodecError(.malformedPacket, "property length exceeds packet")
        }
        var properties = MQTTProperties()
        var seen: UInt64 = 0
        while block.readableBytes > 0 {
            let rawID = try block.readMQTTVariableInteger()
            guard rawID <= 0x7F, let id = MQTTPropertyID(rawValue: UInt8(rawID)) else {
                throw MQTTCodecError(.malformedPacket, "unknown property identifier \(rawID)")
            }
            guard id.isAllowed(in: context) else {
                throw MQTTCodecError(.protocolError, "property 0x\(String(id.rawValue, radix: 16)) not allowed here")
            }
            if id != .userProperty && id != .subscriptionIdentifier {
                let bit: UInt64 = 1 << UInt64(id.rawValue)
                if seen & bit != 0 {
                    throw MQTTCodecError(.protocolError, "property 0x\(String(id.rawValue, radix: 16)) repeated")
                }
                seen |= bit
            }
            try properties.readValue(id, from: &block)
        }
        if context == .subscribe && properties.subscriptionIdentifiers.count > 1 {
            throw MQTTCodecError(.protocolError, "more than one subscription identifier in SUBSCRIBE")
        }
        return properties
    }

    private mutating func readValue(_ id: MQTTPropertyID, from b: inout ByteBuffer) throws(MQTTCodecError) {
        switch id {
        case .payloadFormatIndicator:
            let v = try b.readMQTTByte()
            guard v <= 1 else { throw MQTTCodecError(.protocolError, "payload format indicator must be 0 or 1") }
            payloadFormatIndicator = v
        case .messageExpiryInterval: messageExpiryInterval = try b.readMQTTUInt32()
        case .contentType: contentType = try b.readMQTTString()
        case .responseTopic:
            let topic = try b.readMQTTString()
            if topic.isEmpty || topic.utf8.contains(UInt8(ascii: "+")) || topic.utf8.contains(UInt8(ascii: "#")) {
                throw MQTTCodecError(.protocolError, "response topic must be a topic name")
            }
            responseTopic = topic
        case .correlationData: correlationData = try b.readMQTTBinary()
        case .subscriptionIdentifier:
            let v = try b.readMQTTVariableInteger()
            guard v > 0 else { throw MQTTCodecError(.protocolError, "subscription identifier 0") }
            subscriptionIdentifiers.append(v)
        case .sessionExpiryInterval: sessionExpiryInterval = try b.readMQTTUInt32()
        case .assignedClientIdentifier: assignedClientIdentifier = try b.readMQTTString()
        case .serverKeepAlive: serverKeepAlive = try b.readMQTTUInt16()
        case .authenticationMethod: authenticationMethod = try b.readMQTTString()
        case .authenticationData: authenticationData = try b.readMQTTBinary()
        case .requestProblemInformation:
            let v = try b.readMQTTByte()
            guard v <= 1 else { throw MQTTCodecError(.protocolError, "request problem information must be 0 or 1") }
            requestProblemInformation = v
        case .willDelayInterval: willDelayInterval = try b.readMQTTUInt32()
        case .requestResponseInformation:
            let v = try b.readMQTTByte()
            guard v <= 1 else { throw MQTTCodecError(.protocolError, "request response information must be 0 or 1") }
            requestResponseInformation = v
        case .responseInformation: responseInformation = try b.readMQTTString()
        case .serverReference: serverReference = try b.readMQTTString()
        case .reasonString: reasonString = try b.readMQTTString()
        case .receiveMaximum:
            let v = try b.readMQTTUInt16()
            guard v > 0 else { throw MQTTCodecError(.protocolError, "receive maximum 0") }
            receiveMaximum = v
        case .topicAliasMaximum: topicAliasMaximum = try b.readMQTTUInt16()
        case .topicAlias:
            let v = try b.readMQTTUInt16()
            guard v > 0 else { throw MQTTCodecError(.topicAliasInvalid, "topic alias 0") }
            topicAlias = v
        case .maximumQoS:
            let v = try b.readMQTTByte()
            guard v <= 1 else { throw MQTTCodecError(.protocolError, "maximum QoS must be 0 or 1") }
            maximumQoS = v
        case .retainAvailable: retainAvailable = try b.readMQTTBooleanByte()
        case .userProperty:
            let name = try b.readMQTTString()
            let value = try b.readMQTTString()
            userProperties.append(MQTTUserProperty(name: name, value: value))
        case .maximumPacketSize:
            let v = try b.readMQTTUInt32()
            guard v > 0 else { throw MQTTCodecError(.protocolError, "maximum packet size 0") }
            maximumPacketSize = v
        case .wildcardSubscriptionAvailable: wildcardSubscriptionAvailable = try b.readMQTTBooleanByte()
        case .subscriptionIdentifiersAvailable: subscriptionIdentifiersAvailable = try b.readMQTTBooleanByte()
        case .sharedSubscriptionAvailable: sharedSubscriptionAvailable = try b.readMQTTBooleanByte()
        }
    }

    /// The encoded size of the properties, without the length prefix.
    var encodedLength: Int {
        var n = 0
        if payloadFormatIndicator != nil { n += 2 }
        if messageExpiryInterval != nil { n += 5 }
        if let contentType { n += 3 + contentType.utf8.count }
        if let responseTopic { n += 3 + responseTopic.utf8.count }
        if let correlationData { n += 3 + correlationData.count }
        for id in subscriptionIdentifiers { n += 1 + MQTTVariableInteger.size(of: id) }
        if sessionExpiryInterval != nil { n += 5 }
        if let assignedClientIdentifier { n += 3 + assignedClientIdentifier.utf8.count }
        if serverKeepAlive != nil { n += 3 }
        if let authenticationMethod { n += 3 + authenticationMethod.utf8.count }
        if let authenticationData { n += 3 + authenticationData.count }
        if requestProblemInformation != nil { n += 2 }
        if willDelayInterval != nil { n += 5 }
        if requestResponseInformation != nil { n += 2 }
        if let responseInformation { n += 3 + responseInformation.utf8.count }
        if let serverReference { n += 3 + serverReference.utf8.count }
        if let reasonString { n += 3 + reasonString.utf8.count }
        if receiveMaximum != nil { n += 3 }
        if topicAliasMaximum != nil { n += 3 }
        if topicAlias != nil { n += 3 }
        if maximumQoS != nil { n += 2 }
        if retainAvailable != nil { n += 2 }
        for p in userProperties { n += 5 + p.name.utf8.count + p.value.utf8.count }
        if maximumPacketSize != nil { n += 5 }
        if wildcardSubscriptionAvailable != nil { n += 2 }
        if subscriptionIdentifiersAvailable != nil { n += 2 }
        if sharedSubscriptionAvailable != nil { n += 2 }
        return n
    }

    /// The encoded size including the length prefix.
    var encodedLengthWithPrefix: Int {
        let n = encodedLength
        return MQTTVariableInteger.size(of: n) + n
    }

    /// Writes the length prefix and the properties.
    func write(to b: inout ByteBuffer) {
        b.writeMQTTVariableInteger(encodedLength)
        func id(_ i: MQTTPropertyID) { b.writeInteger(i.rawValue) }
        if let v = payloadFormatIndicator { id(.payloadFormatIndicator); b.writeInteger(v) }
        if let v = messageExpiryInterval { id(.messageExpiryInterval); b.writeInteger(v) }
        if let v = contentType { id(.contentType); b.writeMQTTString(v) }
        if let v = responseTopic { id(.responseTopic); b.writeMQTTString(v) }
        if let v = correlationData { id(.correlationData); b.writeMQTTBinary(v) }
        for v in subscriptionIdentifiers { id(.subscriptionIdentifier); b.writeMQTTVariableInteger(v) }
        if let v = sessionExpiryInterval { id(.sessionExpiryInterval); b.writeInteger(v) }
        if let v = assignedClientIdentifier { id(.assignedClientIdentifier); b.writeMQTTString(v) }
        if let v = serverKeepAlive { id(.serverKeepAlive); b.writeInteger(v) }
        if let v = authenticationMethod { id(.authenticationMethod); b.writeMQTTString(v) }
        if let v = authenticationData { id(.authenticationData); b.writeMQTTBinary(v) }
        if let v = requestProblemInformation { id(.requestProblemInformation); b.writeInteger(v) }
        if let v = willDelayInterval { id(.willDelayInterval); b.writeInteger(v) }
        if let v = requestResponseInformation { id(.requestResponseInformation); b.writeInteger(v) }
        if let v = responseInformation { id(.responseInformation); b.writeMQTTString(v) }
        if let v = serverReference { id(.serverReference); b.writeMQTTString(v) }
        if let v = reasonString { id(.reasonString); b.writeMQTTString(v) }
        if let v = receiveMaximum { id(.receiveMaximum); b.writeInteger(v) }
        if let v = topicAliasMaximum { id(.topicAliasMaximum); b.writeInteger(v) }
        if let v = topicAlias { id(.topicAlias); b.writeInteger(v) }
        if let v = maximumQoS { id(.maximumQoS); b.writeInteger(v) }
        if let v = retainAvailable { id(.retainAvailable); b.writeInteger(v) }
        for p in userProperties {
            id(.userProperty)
            b.writeMQTTString(p.name)
            b.writeMQTTString(p.value)
        }
        if let v = maximumPacketSize { id(.maximumPacketSize); b.writeInteger(v) }
        if let v = wildcardSubscriptionAvailable { id(.wildcardSubscriptionAvailable); b.writeInteger(v) }
        if let v = subscriptionIdentifiersAvailable { id(.subscriptionIdentifiersAvailable); b.writeInteger(v) }
        if let v = sharedSubscriptionAvailable { id(.sharedSubscriptionAvailable); b.writeInteger(v) }
    }
}
