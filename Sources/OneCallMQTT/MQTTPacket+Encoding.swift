import NIOCore

extension MQTTPacket {
    /// Appends the packet, encoded for `version`, to `buffer`.
    public func write(to buffer: inout ByteBuffer, version: MQTTProtocolVersion) {
        let v5 = version == .v5
        let length = bodyLength(v5: v5)
        buffer.reserveCapacity(minimumWritableBytes: length + 5)
        buffer.writeInteger(typeNumber << 4 | headerFlags)
        buffer.writeMQTTVariableInteger(length)
        switch self {
        case .connect(let p):
            buffer.writeMQTTString(p.protocolVersion.protocolName)
            buffer.writeInteger(p.protocolVersion.rawValue)
            var flags: UInt8 = p.cleanStart ? 0x02 : 0
            if let will = p.will {
                flags |= 0x04 | will.qos.rawValue << 3 | (will.retain ? 0x20 : 0)
            }
            if p.password != nil { flags |= 0x40 }
            if p.username != nil { flags |= 0x80 }
            buffer.writeInteger(flags)
            buffer.writeInteger(p.keepAlive)
            if v5 { p.properties.write(to: &buffer) }
            buffer.writeMQTTString(p.clientIdentifier)
            if let will = p.will {
                if v5 { will.properties.write(to: &buffer) }
                buffer.writeMQTTString(will.topic)
                buffer.writeInteger(UInt16(truncatingIfNeeded: will.payload.readableBytes))
                buffer.writeImmutableBuffer(will.payload)
            }
            if let username = p.username { buffer.writeMQTTString(username) }
            if let password = p.password { buffer.writeMQTTBinary(password) }
        case .connack(let p):
            buffer.writeInteger(UInt8(p.sessionPresent ? 1 : 0))
            buffer.writeInteger(v5 ? p.reasonCode.rawValue : p.reasonCode.connectReturnCodeV3)
            if v5 { p.properties.write(to: &buffer) }
        case .publish(let p):
            buffer.writeMQTTString(p.topic)
            if p.qos != .atMostOnce { buffer.writeInteger(p.packetIdentifier ?? 0) }
            if v5 { p.properties.write(to: &buffer) }
            buffer.writeImmutableBuffer(p.payload)
        case .puback(let p), .pubrec(let p), .pubrel(let p), .pubcomp(let p):
            buffer.writeInteger(p.packetIdentifier)
            if v5 && (p.reasonCode != .success || !p.properties.isEmpty) {
                buffer.writeInteger(p.reasonCode.rawValue)
                if !p.properties.isEmpty { p.properties.write(to: &buffer) }
            }
        case .subscribe(let p):
            buffer.writeInteger(p.packetIdentifier)
            if v5 { p.properties.write(to: &buffer) }
            for s in p.subscriptions {
                buffer.writeMQTTString(s.topicFilter)
                var options = s.options.qos.rawValue
                if v5 {
                    if s.options.noLocal { options |= 0x04 }
                    if s.options.retainAsPublished { options |= 0x08 }
                    options |= s.options.retainHandling.rawValue << 4
                }
                buffer.writeInteger(options)
            }
        case .suback(let p):
            buffer.writeInteger(p.packetIdentifier)
            if v5 { p.properties.write(to: &buffer) }
            for code in p.reasonCodes {
                buffer.writeInteger(v5 || !code.isFailure ? code.rawValue : 0x80)
            }
        case .unsubscribe(let p):
            buffer.writeInteger(p.packetIdentifier)
            if v5 { p.properties.write(to: &buffer) }
            for f in p.topicFilters { buffer.writeMQTTString(f) }
        case .unsuback(let p):
            buffer.writeInteger(p.packetIdentifier)
            if v5 {
                p.properties.write(to: &buffer)
                for code in p.reasonCodes { buffer.writeInteger(code.rawValue) }
            }
        case .pingreq, .pingresp:
            break
        case .disconnect(let p):
            if v5 && (p.reasonCode != .success || !p.properties.isEmpty) {
                buffer.writeInteger(p.reasonCode.rawValue)
                if !p.properties.isEmpty { p.properties.write(to: &buffer) }
            }
        case .auth(let p):
            if p.reasonCode != .success || !p.properties.isEmpty {
                buffer.writeInteger(p.reasonCode.rawValue)
                if !p.properties.isEmpty { p.properties.write(to: &buffer) }
            }
        }
    }

    /// The size of the whole encoded packet, fixed header included.
    public func encodedSize(version: MQTTProtocolVersion) -> Int {
        let length = bodyLength(v5: version == .v5)
        return 1 + MQTTVariableInteger.size(of: length) + length
    }

    private var headerFlags: UInt8 {
        switch self {
        case .publish(let p):
            return (p.duplicate ? 0x08 : 0) | p.qos.rawValue << 1 | (p.retain ? 0x01 : 0)
        case .pubrel, .subscribe, .unsubscribe:
            return 0x02
        default:
            return 0
        }
    }

    private func bodyLength(v5: Bool) -> Int {
        func props(_ p: MQTTProperties) -> Int { v5 ? p.encodedLengthWithPrefix : 0 }
        func reasonAndProps(_ code: MQTTReasonCode, _ p: MQTTProperties) -> Int {
            guard v5, code != .success || !p.isEmpty else { return 0 }
            return p.isEmpty ? 1 : 1 + p.encodedLengthWithPrefix
        }
        switch self {
        case .connect(let p):
            var n = 2 + p.protocolVersion.protocolName.utf8.count + 1 + 1 + 2 + props(p.properties)
            n += 2 + p.clientIdentifier.utf8.count
            if let will = p.will {
                n += props(will.properties) + 2 + will.topic.utf8.count + 2 + will.payload.readableBytes
            }
            if let username = p.username { n += 2 + username.utf8.count }
            if let password = p.password { n += 2 + password.count }
            return n
        case .connack(let p):
            return 2 + props(p.properties)
        case .publish(let p):
            return 2 + p.topic.utf8.count + (p.qos == .atMostOnce ? 0 : 2) + props(p.properties)
                + p.payload.readableBytes
        case .puback(let p), .pubrec(let p), .pubrel(let p), .pubcomp(let p):
            return 2 + reasonAndProps(p.reasonCode, p.properties)
        case .subscribe(let p):
            return 2 + props(p.properties) + p.subscriptions.reduce(0) { $0 + 3 + $1.topicFilter.utf8.count }
        case .suback(let p):
            return 2 + props(p.properties) + p.reasonCodes.count
        case .unsubscribe(let p):
            return 2 + props(p.properties) + p.topicFilters.reduce(0) { $0 + 2 + $1.utf8.count }
        case .unsuback(let p):
            return 2 + (v5 ? props(p.properties) + p.reasonCodes.count : 0)
        case .pingreq, .pingresp:
            return 0
        case .disconnect(let p):
            return reasonAndProps(p.reasonCode, p.properties)
        case .auth(let p):
            guard p.reasonCode != .success || !p.properties.isEmpty else { return 0 }
            return p.properties.isEmpty ? 1 : 1 + p.properties.encodedLengthWithPrefix
        }
    }
}
