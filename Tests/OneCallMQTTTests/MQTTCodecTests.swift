import NIOCore
import OneCallMQTT
import Testing

/// Every packet type, both protocol versions: encode, decode, compare; byte-exact checks against
/// encodings written out from the specification; input split at every byte.
@Suite struct MQTTCodecTests {
    static func fullProperties() -> MQTTProperties {
        var p = MQTTProperties()
        p.payloadFormatIndicator = 1
        p.messageExpiryInterval = 3600
        p.contentType = "application/json"
        p.responseTopic = "replies/unit"
        p.correlationData = [1, 2, 3]
        p.userProperties = [.init(name: "site", value: "north"), .init(name: "site", value: "south")]
        return p
    }

    static func samplePackets(_ version: MQTTProtocolVersion) -> [MQTTPacket] {
        let v5 = version == .v5
        var connectProps = MQTTProperties()
        var willProps = MQTTProperties()
        var connackProps = MQTTProperties()
        var publishProps = MQTTProperties()
        var ackProps = MQTTProperties()
        var subscribeProps = MQTTProperties()
        var disconnectProps = MQTTProperties()
        if v5 {
            connectProps.sessionExpiryInterval = 120
            connectProps.receiveMaximum = 10
            connectProps.maximumPacketSize = 4096
            connectProps.topicAliasMaximum = 5
            connectProps.requestProblemInformation = 1
            connectProps.userProperties = [.init(name: "a", value: "b")]
            willProps = fullProperties()
            willProps.willDelayInterval = 30
            connackProps.assignedClientIdentifier = "assigned"
            connackProps.serverKeepAlive = 30
            connackProps.receiveMaximum = 100
            connackProps.maximumQoS = 1
            connackProps.retainAvailable = 0
            connackProps.topicAliasMaximum = 64
            connackProps.wildcardSubscriptionAvailable = 1
            connackProps.subscriptionIdentifiersAvailable = 1
            connackProps.sharedSubscriptionAvailable = 1
            connackProps.reasonString = "welcome"
            publishProps = fullProperties()
            publishProps.topicAlias = 3
            publishProps.subscriptionIdentifiers = [1, 268_435_455]
            ackProps.reasonString = "because"
            subscribeProps.subscriptionIdentifiers = [77]
            disconnectProps.sessionExpiryInterval = 0
            disconnectProps.serverReference = "other"
        }
        let will = MQTTWill(
            topic: "units/1/status", payload: ByteBuffer(string: "gone"), qos: .atLeastOnce, retain: true,
            properties: willProps)
        var packets: [MQTTPacket] = [
            .connect(
                MQTTConnect(
                    protocolVersion: version, clientIdentifier: "unit-1", cleanStart: false, keepAlive: 42,
                    username: "user", password: [0, 1, 2], will: will, properties: connectProps)),
            .connect(MQTTConnect(protocolVersion: version, clientIdentifier: "", cleanStart: true, keepAlive: 0)),
            .connack(MQTTConnAck(sessionPresent: true, reasonCode: .success, properties: connackProps)),
            .publish(MQTTPublish(topic: "a/b", payload: ByteBuffer(string: "{}"), qos: .atMostOnce)),
            .publish(
                MQTTPublish(
                    topic: "aircon/telemetry", payload: ByteBuffer(repeating: 7, count: 300), qos: .exactlyOnce,
                    retain: true, duplicate: true, packetIdentifier: 65535, properties: publishProps)),
            .publish(MQTTPublish(topic: "empty", payload: ByteBuffer(), qos: .atLeastOnce, packetIdentifier: 1)),
            .puback(MQTTAck(packetIdentifier: 1)),
            .pubrec(MQTTAck(packetIdentifier: 2)),
            .pubrel(MQTTAck(packetIdentifier: 3)),
            .pubcomp(MQTTAck(packetIdentifier: 4)),
            .subscribe(
                MQTTSubscribe(
                    packetIdentifier: 10,
                    subscriptions: [
                        MQTTSubscription(topicFilter: "a/+", options: .init(qos: .atLeastOnce)),
                        MQTTSubscription(
                            topicFilter: "$share/g/b/#",
                            options: v5
                                ? .init(
                                    qos: .exactlyOnce, noLocal: false, retainAsPublished: true,
                                    retainHandling: .doNotSend)
                                : .init(qos: .exactlyOnce)),
                    ], properties: subscribeProps)),
            .suback(MQTTSubAck(packetIdentifier: 10, reasonCodes: [.grantedQoS1, .grantedQoS2, .unspecifiedError])),
            .unsubscribe(MQTTUnsubscribe(packetIdentifier: 11, topicFilters: ["a/+", "b"])),
            .pingreq,
            .pingresp,
            .disconnect(MQTTDisconnect()),
        ]
        if v5 {
            packets += [
                .puback(MQTTAck(packetIdentifier: 5, reasonCode: .noMatchingSubscribers)),
                .pubrec(MQTTAck(packetIdentifier: 6, reasonCode: .notAuthorized, properties: ackProps)),
                .pubrel(MQTTAck(packetIdentifier: 7, reasonCode: .packetIdentifierNotFound)),
                .pubcomp(MQTTAck(packetIdentifier: 8, reasonCode: .success, properties: ackProps)),
                .unsuback(MQTTUnsubAck(packetIdentifier: 11, reasonCodes: [.success, .noSubscriptionExisted])),
                .connack(MQTTConnAck(sessionPresent: false, reasonCode: .notAuthorized)),
                .disconnect(MQTTDisconnect(reasonCode: .serverShuttingDown, properties: disconnectProps)),
                .disconnect(MQTTDisconnect(reasonCode: .disconnectWithWill)),
                .auth(MQTTAuth()),
                .auth(
                    MQTTAuth(
                        reasonCode: .continueAuthentication,
                        properties: {
                            var p = MQTTProperties()
                            p.authenticationMethod = "SCRAM-SHA-1"
                            p.authenticationData = [9, 9]
                            return p
                        }())),
            ]
        } else {
            packets += [
                .unsuback(MQTTUnsubAck(packetIdentifier: 11)),
                .connack(MQTTConnAck(sessionPresent: false, reasonCode: .badUserNameOrPassword)),
            ]
        }
        return packets
    }

    /// A decoder that has already seen CONNECT (for packets after the first).
    static func decoder(_ version: MQTTProtocolVersion) -> MQTTPacketDecoder {
        MQTTPacketDecoder(version: version)
    }

    static func decodeAll(_ bytes: ByteBuffer, _ version: MQTTProtocolVersion, isConnect: Bool) throws -> MQTTPacket? {
        var decoder = isConnect ? MQTTPacketDecoder() : MQTTPacketDecoder(version: version)
        var buffer = bytes
        let packet = try decoder.decode(&buffer)
        #expect(buffer.readableBytes == 0)
        return packet
    }

    @Test(arguments: [MQTTProtocolVersion.v3_1_1, .v5, .v3_1])
    func roundTrips(version: MQTTProtocolVersion) throws {
        for packet in Self.samplePackets(version) {
            var buffer = ByteBuffer()
            packet.write(to: &buffer, version: version)
            #expect(buffer.readableBytes == packet.encodedSize(version: version), "\(packet.name)")
            if case .auth = packet, version != .v5 { continue }
            let isConnect = if case .connect = packet { true } else { false }
            let decoded = try Self.decodeAll(buffer, version, isConnect: isConnect)
            #expect(decoded == packet, "\(packet.name) \(version)")
        }
    }

    @Test(arguments: [MQTTProtocolVersion.v3_1_1, .v5])
    func fragmentedInputDecodesAtEveryBoundary(version: MQTTProtocolVersion) throws {
        var stream = ByteBuffer()
        let packets = Self.samplePackets(version).filter {
            if case .connect = $0 { return false }
            return true
        }
        for p in packets { p.write(to: &stream, version: version) }
        let bytes = Array(stream.readableBytesView)
        for chunk in [1, 2, 3, 7, 64] {
            var decoder = MQTTPacketDecoder(version: version)
            var pending = ByteBuffer()
            var decoded: [MQTTPacket] = []
            var offset = 0
            while offset < bytes.count {
                let end = min(bytes.count, offset + chunk)
                pending.writeBytes(bytes[offset..<end])
                offset = end
                while let p = try decoder.decode(&pending) { decoded.append(p) }
            }
            #expect(decoded == packets, "chunk \(chunk)")
            #expect(pending.readableBytes == 0)
        }
    }

    @Test func connect311IsByteExact() throws {
        // CONNECT, MQTT 3.1.1, clean session, keep alive 60, client id "ab" (MQTT 3.1.1 §3.1).
        let expected: [UInt8] = [
            0x10, 14, 0x00, 0x04, 0x4D, 0x51, 0x54, 0x54, 0x04, 0x02, 0x00, 0x3C, 0x00, 0x02, 0x61, 0x62,
        ]
        var buffer = ByteBuffer()
        MQTTPacket.connect(MQTTConnect(protocolVersion: .v3_1_1, clientIdentifier: "ab", keepAlive: 60))
            .write(to: &buffer, version: .v3_1_1)
        #expect(Array(buffer.readableBytesView) == expected)
    }

    @Test func publish5IsByteExact() throws {
        // PUBLISH QoS 1, retain, topic "t", id 10, one property (topic alias 2), payload "x".
        let expected: [UInt8] = [0x33, 10, 0x00, 0x01, 0x74, 0x00, 0x0A, 0x03, 0x23, 0x00, 0x02, 0x78]
        var props = MQTTProperties()
        props.topicAlias = 2
        var buffer = ByteBuffer()
        MQTTPacket.publish(
            MQTTPublish(
                topic: "t", payload: ByteBuffer(string: "x"), qos: .atLeastOnce, retain: true, packetIdentifier: 10,
                properties: props)
        ).write(to: &buffer, version: .v5)
        #expect(Array(buffer.readableBytesView) == expected)
    }

    @Test func v5AckShortFormsDecode() throws {
        var decoder = MQTTPacketDecoder(version: .v5)
        var buffer = ByteBuffer(bytes: [0x40, 0x02, 0x00, 0x05, 0x40, 0x03, 0x00, 0x06, 0x10, 0xE0, 0x00])
        #expect(try decoder.decode(&buffer) == .puback(MQTTAck(packetIdentifier: 5)))
        #expect(
            try decoder.decode(&buffer) == .puback(MQTTAck(packetIdentifier: 6, reasonCode: .noMatchingSubscribers)))
        #expect(try decoder.decode(&buffer) == .disconnect(MQTTDisconnect()))
    }

    @Test func largeRemainingLengthsEncodeInFourBytes() throws {
        let payload = ByteBuffer(repeating: 1, count: 2_100_000)
        let packet = MQTTPacket.publish(MQTTPublish(topic: "big", payload: payload))
        var buffer = ByteBuffer()
        packet.write(to: &buffer, version: .v3_1_1)
        #expect(buffer.getInteger(at: 4, as: UInt8.self)! & 0x80 == 0)  // 4-byte length ends at index 4
        var decoder = MQTTPacketDecoder(version: .v3_1_1, maximumPacketSize: 4 << 20)
        #expect(try decoder.decode(&buffer) == packet)
    }

    // MARK: Invalid input

    static func decodeError(_ bytes: [UInt8], version: MQTTProtocolVersion? = .v3_1_1, maximum: Int = 1 << 20)
        -> MQTTCodecError?
    {
        var decoder = MQTTPacketDecoder(version: version, maximumPacketSize: maximum)
        var buffer = ByteBuffer(bytes: bytes)
        do {
            while try decoder.decode(&buffer) != nil {}
            return nil
        } catch {
            return error
        }
    }

    @Test func remainingLengthOfFiveBytesIsMalformed() {
        #expect(Self.decodeError([0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x01])?.reasonCode == .malformedPacket)
    }

    @Test func oversizedPacketIsRefusedBeforeItArrives() {
        // Declares 1,000,000 bytes but sends 3: refused from the header alone.
        let error = Self.decodeError([0x30, 0xC0, 0x84, 0x3D, 0, 1, 0x61], maximum: 1000)
        #expect(error?.reasonCode == .packetTooLarge)
    }

    @Test func reservedTypeAndBadFlagsAreMalformed() {
        #expect(Self.decodeError([0x00, 0x00])?.reasonCode == .malformedPacket)
        #expect(Self.decodeError([0x82, 0x05, 0x00, 0x01, 0x00, 0x01, 0x61])?.reasonCode == .malformedPacket)
        #expect(Self.decodeError([0x36, 0x05, 0x00, 0x01, 0x61, 0x00, 0x01])?.reasonCode == .malformedPacket)  // QoS 3
        #expect(Self.decodeError([0x38, 0x03, 0x00, 0x01, 0x61])?.reasonCode == .malformedPacket)  // DUP on QoS 0
    }

    @Test func firstPacketMustBeConnect() {
        #expect(Self.decodeError([0xC0, 0x00], version: nil)?.reasonCode == .protocolError)
    }

    @Test func unknownProtocolLevelIsReported() {
        let bytes: [UInt8] = [0x10, 0x0C, 0x00, 0x04, 0x4D, 0x51, 0x54, 0x54, 0x09, 0x02, 0x00, 0x3C, 0x00, 0x00]
        #expect(Self.decodeError(bytes, version: nil)?.reasonCode == .unsupportedProtocolVersion)
    }

    @Test func invalidUTF8AndNullInStringsAreMalformed() {
        #expect(Self.decodeError([0x30, 0x04, 0x00, 0x02, 0xC3, 0x28])?.reasonCode == .malformedPacket)
        #expect(Self.decodeError([0x30, 0x04, 0x00, 0x02, 0x61, 0x00])?.reasonCode == .malformedPacket)
    }

    @Test func packetIdentifierZeroAndEmptySubscribeAreProtocolErrors() {
        #expect(Self.decodeError([0x40, 0x02, 0x00, 0x00])?.reasonCode == .protocolError)
        #expect(Self.decodeError([0x82, 0x02, 0x00, 0x01])?.reasonCode == .protocolError)
    }

    @Test func duplicatePropertyIsProtocolError() {
        // PUBLISH v5 with Message Expiry Interval twice.
        let bytes: [UInt8] = [0x30, 0x0E, 0x00, 0x01, 0x74, 0x0A, 0x02, 0, 0, 0, 1, 0x02, 0, 0, 0, 2]
        #expect(Self.decodeError(bytes, version: .v5)?.reasonCode == .protocolError)
    }

    @Test func propertyInTheWrongPacketIsProtocolError() {
        // SUBSCRIBE v5 carrying a Topic Alias.
        let bytes: [UInt8] = [0x82, 0x09, 0x00, 0x01, 0x03, 0x23, 0x00, 0x01, 0x00, 0x01, 0x61, 0x00]
        #expect(Self.decodeError(bytes, version: .v5)?.reasonCode != nil)
    }

    @Test func trailingBytesAreMalformed() {
        #expect(Self.decodeError([0xC0, 0x01, 0x00])?.reasonCode == .malformedPacket)
        #expect(Self.decodeError([0x40, 0x03, 0x00, 0x01, 0x00])?.reasonCode == .malformedPacket)
    }
}
