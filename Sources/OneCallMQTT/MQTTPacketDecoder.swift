import NIOCore

/// Reads MQTT packets from a byte stream, one whole packet at a time, refusing any packet larger
/// than ``maximumPacketSize`` before buffering it.
///
/// A server-side decoder starts without a protocol version and accepts only CONNECT, whose level
/// then fixes the version for the rest of the connection.
public struct MQTTPacketDecoder: Sendable {
    /// The protocol version in use, or `nil` until CONNECT has been read.
    public var version: MQTTProtocolVersion?
    /// The largest whole packet (fixed header included) that is accepted.
    public var maximumPacketSize: Int

    /// Creates a decoder.
    public init(version: MQTTProtocolVersion? = nil, maximumPacketSize: Int = 1 << 20) {
        self.version = version
        self.maximumPacketSize = maximumPacketSize
    }

    /// Decodes the next packet if the buffer holds all of it; returns `nil` (and consumes nothing)
    /// when more bytes are needed.
    public mutating func decode(_ buffer: inout ByteBuffer) throws(MQTTCodecError) -> MQTTPacket? {
        guard buffer.readableBytes >= 2 else { return nil }
        let start = buffer.readerIndex
        let first = buffer.getInteger(at: start, as: UInt8.self)!
        var remaining = 0
        var multiplier = 1
        var headerLength = 1
        while true {
            guard headerLength <= 4 else {
                throw MQTTCodecError(.malformedPacket, "remaining length longer than 4 bytes")
            }
            guard let byte = buffer.getInteger(at: start + headerLength, as: UInt8.self) else { return nil }
            remaining += Int(byte & 0x7F) * multiplier
            multiplier *= 128
            headerLength += 1
            if byte & 0x80 == 0 { break }
        }
        let total = headerLength + remaining
        if total > maximumPacketSize {
            throw MQTTCodecError(.packetTooLarge, "packet of \(total) bytes exceeds maximum \(maximumPacketSize)")
        }
        guard buffer.readableBytes >= total else { return nil }
        buffer.moveReaderIndex(forwardBy: headerLength)
        var body = buffer.readSlice(length: remaining)!
        return try decodePacket(type: first >> 4, flags: first & 0x0F, body: &body)
    }

    private mutating func decodePacket(type: UInt8, flags: UInt8, body: inout ByteBuffer) throws(MQTTCodecError)
        -> MQTTPacket
    {
        guard let version else {
            guard type == 1 else { throw MQTTCodecError(.protocolError, "first packet is not CONNECT") }
            try Self.requireFlags(flags, 0, "CONNECT")
            let connect = try Self.decodeConnect(&body)
            self.version = connect.protocolVersion
            return .connect(connect)
        }
        let v5 = version == .v5
        let packet: MQTTPacket
        switch type {
        case 1:
            throw MQTTCodecError(.protocolError, "second CONNECT")
        case 2:
            try Self.requireFlags(flags, 0, "CONNACK")
            let ackFlags = try body.readMQTTByte()
            guard ackFlags & 0xFE == 0 else { throw MQTTCodecError(.malformedPacket, "CONNACK reserved flags set") }
            let code = try body.readMQTTByte()
            let reason = v5 ? MQTTReasonCode(rawValue: code) : MQTTReasonCode.fromConnectReturnCodeV3(code)
            let properties = v5 ? try MQTTProperties.read(from: &body, context: .connack) : MQTTProperties()
            packet = .connack(
                MQTTConnAck(sessionPresent: ackFlags & 1 == 1, reasonCode: reason, properties: properties))
        case 3:
            packet = .publish(try Self.decodePublish(flags: flags, body: &body, v5: v5))
        case 4, 5, 6, 7:
            try Self.requireFlags(flags, type == 6 ? 2 : 0, "acknowledgement")
            let ack = try Self.decodeAck(&body, v5: v5)
            switch type {
            case 4: packet = .puback(ack)
            case 5: packet = .pubrec(ack)
            case 6: packet = .pubrel(ack)
            default: packet = .pubcomp(ack)
            }
        case 8:
            try Self.requireFlags(flags, 2, "SUBSCRIBE")
            packet = .subscribe(try Self.decodeSubscribe(&body, v5: v5))
        case 9:
            try Self.requireFlags(flags, 0, "SUBACK")
            let id = try Self.packetIdentifier(&body)
            let properties = v5 ? try MQTTProperties.read(from: &body, context: .suback) : MQTTProperties()
            var codes: [MQTTReasonCode] = []
            while body.readableBytes > 0 { codes.append(MQTTReasonCode(rawValue: try body.readMQTTByte())) }
            packet = .suback(MQTTSubAck(packetIdentifier: id, reasonCodes: codes, properties: properties))
        case 10:
            try Self.requireFlags(flags, 2, "UNSUBSCRIBE")
            let id = try Self.packetIdentifier(&body)
            let properties = v5 ? try MQTTProperties.read(from: &body, context: .unsubscribe) : MQTTProperties()
            var filters: [String] = []
            while body.readableBytes > 0 { filters.append(try body.readMQTTString()) }
            guard !filters.isEmpty else { throw MQTTCodecError(.protocolError, "UNSUBSCRIBE without topic filters") }
            packet = .unsubscribe(MQTTUnsubscribe(packetIdentifier: id, topicFilters: filters, properties: properties))
        case 11:
            try Self.requireFlags(flags, 0, "UNSUBACK")
            let id = try Self.packetIdentifier(&body)
            var properties = MQTTProperties()
            var codes: [MQTTReasonCode] = []
            if v5 {
                properties = try MQTTProperties.read(from: &body, context: .unsuback)
                while body.readableBytes > 0 { codes.append(MQTTReasonCode(rawValue: try body.readMQTTByte())) }
            }
            packet = .unsuback(MQTTUnsubAck(packetIdentifier: id, reasonCodes: codes, properties: properties))
        case 12:
            try Self.requireFlags(flags, 0, "PINGREQ")
            packet = .pingreq
        case 13:
            try Self.requireFlags(flags, 0, "PINGRESP")
            packet = .pingresp
        case 14:
            try Self.requireFlags(flags, 0, "DISCONNECT")
            var disconnect = MQTTDisconnect()
            if v5 && body.readableBytes > 0 {
                disconnect.reasonCode = MQTTReasonCode(rawValue: try body.readMQTTByte())
                if body.readableBytes > 0 {
                    disconnect.properties = try MQTTProperties.read(from: &body, context: .disconnect)
                }
            }
            packet = .disconnect(disconnect)
        case 15:
            guard v5 else { throw MQTTCodecError(.malformedPacket, "AUTH is not an MQTT 3 packet") }
            try Self.requireFlags(flags, 0, "AUTH")
            var auth = MQTTAuth()
            if body.readableBytes > 0 {
                auth.reasonCode = MQTTReasonCode(rawValue: try body.readMQTTByte())
                if body.readableBytes > 0 { auth.properties = try MQTTProperties.read(from: &body, context: .auth) }
            }
            packet = .auth(auth)
        default:
            throw MQTTCodecError(.malformedPacket, "reserved packet type 0")
        }
        guard body.readableBytes == 0 else {
            throw MQTTCodecError(.malformedPacket, "\(packet.name) has \(body.readableBytes) trailing bytes")
        }
        return packet
    }

    private static func requireFlags(_ flags: UInt8, _ expected: UInt8, _ name: String) throws(MQTTCodecError) {
        guard flags == expected else { throw MQTTCodecError(.malformedPacket, "\(name) has invalid header flags") }
    }

    private static func packetIdentifier(_ body: inout ByteBuffer) throws(MQTTCodecError) -> UInt16 {
        let id = try body.readMQTTUInt16()
        guard id != 0 else { throw MQTTCodecError(.protocolError, "packet identifier 0") }
        return id
    }

    static func decodeConnect(_ body: inout ByteBuffer) throws(MQTTCodecError) -> MQTTConnect {
        let name = try body.readMQTTString()
        let level = try body.readMQTTByte()
        guard name == "MQTT" || name == "MQIsdp" else {
            throw MQTTCodecError(.unsupportedProtocolVersion, "unknown protocol name")
        }
        guard let version = MQTTProtocolVersion(rawValue: level & 0x7F),
            (version == .v3_1) == (name == "MQIsdp")
        else {
            throw MQTTCodecError(.unsupportedProtocolVersion, "unsupported protocol level \(level)")
        }
        let flags = try body.readMQTTByte()
        guard flags & 0x01 == 0 else { throw MQTTCodecError(.malformedPacket, "CONNECT reserved flag set") }
        let keepAlive = try body.readMQTTUInt16()
        let properties = version == .v5 ? try MQTTProperties.read(from: &body, context: .connect) : MQTTProperties()
        let clientIdentifier = try body.readMQTTString()
        let willFlag = flags & 0x04 != 0
        let willQoSBits = (flags >> 3) & 0x03
        let willRetain = flags & 0x20 != 0
        var will: MQTTWill?
        if willFlag {
            guard let qos = MQTTQoS(rawValue: willQoSBits) else {
                throw MQTTCodecError(.malformedPacket, "will QoS 3")
            }
            let willProperties =
                version == .v5 ? try MQTTProperties.read(from: &body, context: .will) : MQTTProperties()
            let topic = try body.readMQTTString()
            let length = Int(try body.readMQTTUInt16())
            guard let payload = body.readSlice(length: length) else {
                throw MQTTCodecError(.malformedPacket, "will payload exceeds packet")
            }
            will = MQTTWill(topic: topic, payload: payload, qos: qos, retain: willRetain, properties: willProperties)
        } else if willQoSBits != 0 || willRetain {
            throw MQTTCodecError(.malformedPacket, "will QoS or retain set without will flag")
        }
        let usernameFlag = flags & 0x80 != 0
        let passwordFlag = flags & 0x40 != 0
        if passwordFlag && !usernameFlag && version != .v5 {
            throw MQTTCodecError(.malformedPacket, "password without user name")
        }
        let username = usernameFlag ? try body.readMQTTString() : nil
        let password = passwordFlag ? try body.readMQTTBinary() : nil
        return MQTTConnect(
            protocolVersion: version, clientIdentifier: clientIdentifier, cleanStart: flags & 0x02 != 0,
            keepAlive: keepAlive, username: username, password: password, will: will, properties: properties)
    }

    static func decodePublish(flags: UInt8, body: inout ByteBuffer, v5: Bool) throws(MQTTCodecError) -> MQTTPublish {
        guard let qos = MQTTQoS(rawValue: (flags >> 1) & 0x03) else {
            throw MQTTCodecError(.malformedPacket, "PUBLISH QoS 3")
        }
        let duplicate = flags & 0x08 != 0
        if duplicate && qos == .atMostOnce { throw MQTTCodecError(.malformedPacket, "DUP set on QoS 0 PUBLISH") }
        let topic = try body.readMQTTString()
        let id = qos == .atMostOnce ? nil : try packetIdentifier(&body)
        let properties = v5 ? try MQTTProperties.read(from: &body, context: .publish) : MQTTProperties()
        let payload = body.readSlice(length: body.readableBytes)!
        return MQTTPublish(
            topic: topic, payload: payload, qos: qos, retain: flags & 0x01 != 0, duplicate: duplicate,
            packetIdentifier: id, properties: properties)
    }

    static func decodeAck(_ body: inout ByteBuffer, v5: Bool) throws(MQTTCodecError) -> MQTTAck {
        let id = try packetIdentifier(&body)
        var ack = MQTTAck(packetIdentifier: id)
        if v5 && body.readableBytes > 0 {
            ack.reasonCode = MQTTReasonCode(rawValue: try body.readMQTTByte())
            if body.readableBytes > 0 { ack.properties = try MQTTProperties.read(from: &body, context: .ack) }
        }
        return ack
    }

    static func decodeSubscribe(_ body: inout ByteBuffer, v5: Bool) throws(MQTTCodecError) -> MQTTSubscribe {
        let id = try packetIdentifier(&body)
        let properties = v5 ? try MQTTProperties.read(from: &body, context: .subscribe) : MQTTProperties()
        var subscriptions: [MQTTSubscription] = []
        while body.readableBytes > 0 {
            let filter = try body.readMQTTString()
            let raw = try body.readMQTTByte()
            guard let qos = MQTTQoS(rawValue: raw & 0x03) else {
                throw MQTTCodecError(.malformedPacket, "subscription QoS 3")
            }
            var options = MQTTSubscriptionOptions(qos: qos)
            if v5 {
                guard raw & 0xC0 == 0 else { throw MQTTCodecError(.malformedPacket, "subscription reserved bits set") }
                guard let handling = MQTTSubscriptionOptions.RetainHandling(rawValue: (raw >> 4) & 0x03) else {
                    throw MQTTCodecError(.protocolError, "retain handling 3")
                }
                options.noLocal = raw & 0x04 != 0
                options.retainAsPublished = raw & 0x08 != 0
                options.retainHandling = handling
            } else {
                guard raw & 0xFC == 0 else { throw MQTTCodecError(.malformedPacket, "subscription reserved bits set") }
            }
            subscriptions.append(MQTTSubscription(topicFilter: filter, options: options))
        }
        guard !subscriptions.isEmpty else { throw MQTTCodecError(.protocolError, "SUBSCRIBE without topic filters") }
        return MQTTSubscribe(packetIdentifier: id, subscriptions: subscriptions, properties: properties)
    }
}
