import Foundation
import NIOCore
import NIOEmbedded
import OneCallCore
import OneCallMQTT
import Testing

@testable import OneCallBroker

/// The broker's connection and session rules driven through `EmbeddedChannel`s: no sockets, and a
/// timer loop whose clock the test moves.
final class BrokerHarness {
    let timers = EmbeddedEventLoop()
    let broker: Broker
    private var channels: [EmbeddedChannel] = []

    init(configuration: BrokerConfiguration = BrokerConfiguration(), security: BrokerSecurity = BrokerSecurity()) {
        broker = Broker(configuration: configuration, security: security, timers: timers)
    }

    /// A channel with a connection handler, TCP-connected but not yet MQTT-connected.
    func open() throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        let handler = MQTTChannelHandler(
            broker: broker, listener: MQTTListenerConfiguration(port: 0), eventLoop: channel.eventLoop)
        try channel.pipeline.syncOperations.addHandler(handler)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 9)).wait()
        channels.append(channel)
        return channel
    }

    func send(_ channel: EmbeddedChannel, _ packet: MQTTPacket, _ version: MQTTProtocolVersion) throws {
        var buffer = ByteBuffer()
        packet.write(to: &buffer, version: version)
        try channel.writeInbound(buffer)
        settle()
    }

    /// Runs every open channel's loop until nothing is pending (closed channels are forgotten).
    func settle() {
        for _ in 0..<3 { for c in channels { c.embeddedEventLoop.run() } }
        channels.removeAll { !$0.isActive }
    }

    func received(_ channel: EmbeddedChannel, _ version: MQTTProtocolVersion) throws -> [MQTTPacket] {
        settle()
        var decoder = MQTTPacketDecoder(version: version, maximumPacketSize: 1 << 24)
        var all = ByteBuffer()
        while var b = try channel.readOutbound(as: ByteBuffer.self) { all.writeBuffer(&b) }
        var packets: [MQTTPacket] = []
        while let p = try decoder.decode(&all) { packets.append(p) }
        return packets
    }

    /// Opens a channel and completes CONNECT; returns the channel, its CONNACK and any packets
    /// that followed it (messages resent to a resumed session).
    func connectWithFollowers(_ connect: MQTTConnect) throws -> (EmbeddedChannel, MQTTConnAck, [MQTTPacket]) {
        let channel = try open()
        try send(channel, .connect(connect), connect.protocolVersion)
        let packets = try received(channel, connect.protocolVersion)
        guard case .connack(let ack)? = packets.first else {
            throw MQTTCodecError(.protocolError, "no CONNACK: \(packets)")
        }
        return (channel, ack, Array(packets.dropFirst()))
    }

    /// Opens a channel and completes CONNECT; returns the channel and its CONNACK.
    func connect(_ connect: MQTTConnect) throws -> (EmbeddedChannel, MQTTConnAck) {
        let (channel, ack, _) = try connectWithFollowers(connect)
        return (channel, ack)
    }
}

@Suite struct BrokerConnectionTests {
    func publishes(_ packets: [MQTTPacket]) -> [MQTTPublish] {
        packets.compactMap {
            if case .publish(let p) = $0 { return p }
            return nil
        }
    }

    @Test func connackAdvertisesLimitsAndAssignsIdentifiers() throws {
        var configuration = BrokerConfiguration()
        configuration.receiveMaximum = 20
        configuration.maximumPacketSize = 65536
        configuration.topicAliasMaximum = 10
        configuration.maximumKeepAlive = 120
        let h = BrokerHarness(configuration: configuration)
        let (_, ack) = try h.connect(MQTTConnect(protocolVersion: .v5, clientIdentifier: "", keepAlive: 300))
        #expect(ack.reasonCode == .success)
        #expect(ack.properties.receiveMaximum == 20)
        #expect(ack.properties.maximumPacketSize == 65536)
        #expect(ack.properties.topicAliasMaximum == 10)
        #expect(ack.properties.serverKeepAlive == 120)
        #expect(ack.properties.assignedClientIdentifier?.isEmpty == false)
    }

    @Test func emptyClientIdentifierNeedsCleanSessionIn311() throws {
        let h = BrokerHarness()
        let (channel, ack) = try h.connect(
            MQTTConnect(protocolVersion: .v3_1_1, clientIdentifier: "", cleanStart: false))
        #expect(ack.reasonCode == .clientIdentifierNotValid)
        #expect(!channel.isActive)
    }

    @Test func qos1RoundTripAndDowngrade() throws {
        let h = BrokerHarness()
        let (sub, _) = try h.connect(MQTTConnect(protocolVersion: .v3_1_1, clientIdentifier: "sub"))
        try h.send(
            sub,
            .subscribe(
                MQTTSubscribe(
                    packetIdentifier: 1,
                    subscriptions: [MQTTSubscription(topicFilter: "a/#", options: .init(qos: .atLeastOnce))])),
            .v3_1_1)
        #expect(try h.received(sub, .v3_1_1) == [.suback(MQTTSubAck(packetIdentifier: 1, reasonCodes: [.grantedQoS1]))])
        let (pub, _) = try h.connect(MQTTConnect(protocolVersion: .v5, clientIdentifier: "pub"))
        try h.send(
            pub,
            .publish(
                MQTTPublish(topic: "a/b", payload: ByteBuffer(string: "x"), qos: .exactlyOnce, packetIdentifier: 7)),
            .v5)
        #expect(try h.received(pub, .v5) == [.pubrec(MQTTAck(packetIdentifier: 7))])
        let delivered = publishes(try h.received(sub, .v3_1_1))
        #expect(delivered.count == 1)
        #expect(delivered.first?.qos == .atLeastOnce)
        #expect(delivered.first?.packetIdentifier != nil)
        try h.send(pub, .pubrel(MQTTAck(packetIdentifier: 7)), .v5)
        #expect(try h.received(pub, .v5) == [.pubcomp(MQTTAck(packetIdentifier: 7))])
    }

    @Test func exceedingReceiveMaximumDisconnectsWith0x93() throws {
        var configuration = BrokerConfiguration()
        configuration.receiveMaximum = 3
        let h = BrokerHarness(configuration: configuration)
        let (c, _) = try h.connect(MQTTConnect(protocolVersion: .v5, clientIdentifier: "flood"))
        for id in UInt16(1)...4 {
            try h.send(
                c, .publish(MQTTPublish(topic: "t", payload: ByteBuffer(), qos: .exactlyOnce, packetIdentifier: id)),
                .v5)
        }
        let packets = try h.received(c, .v5)
        #expect(
            packets.contains {
                if case .disconnect(let d) = $0 { d.reasonCode == .receiveMaximumExceeded } else { false }
            })
        #expect(!c.isActive)
        #expect(h.broker.statistics.value(.clientsConnected) == 0)
    }

    @Test func outboundTopicAliasesAndAllSubscriptionIdentifiers() throws {
        let h = BrokerHarness()
        var props = MQTTProperties()
        props.topicAliasMaximum = 5
        let (sub, _) = try h.connect(MQTTConnect(protocolVersion: .v5, clientIdentifier: "s", properties: props))
        for (id, filter) in [(11, "x/+"), (12, "x/#")] {
            var p = MQTTProperties()
            p.subscriptionIdentifiers = [id]
            try h.send(
                sub,
                .subscribe(
                    MQTTSubscribe(
                        packetIdentifier: UInt16(id), subscriptions: [MQTTSubscription(topicFilter: filter)],
                        properties: p)),
                .v5)
        }
        _ = try h.received(sub, .v5)
        for _ in 0..<2 { try h.broker.publish(topic: "x/y", payload: ByteBuffer(string: "v")) }
        let delivered = publishes(try h.received(sub, .v5))
        #expect(delivered.count == 2)
        guard delivered.count == 2 else { return }
        #expect(delivered[0].topic == "x/y")
        #expect(Set(delivered[0].properties.subscriptionIdentifiers) == [11, 12])
        #expect(delivered[0].properties.topicAlias != nil)
        #expect(delivered[1].topic == "")
        #expect(delivered[1].properties.topicAlias == delivered[0].properties.topicAlias)
    }

    @Test func persistentSessionQueuesAndRedeliversWithDup() throws {
        let h = BrokerHarness()
        let connect = MQTTConnect(protocolVersion: .v3_1_1, clientIdentifier: "p", cleanStart: false)
        let (c1, ack1) = try h.connect(connect)
        #expect(!ack1.sessionPresent)
        try h.send(
            c1,
            .subscribe(
                MQTTSubscribe(
                    packetIdentifier: 1,
                    subscriptions: [MQTTSubscription(topicFilter: "q", options: .init(qos: .atLeastOnce))])),
            .v3_1_1)
        try h.broker.publish(topic: "q", payload: ByteBuffer(string: "1"), qos: .atLeastOnce)
        let first = publishes(try h.received(c1, .v3_1_1))
        #expect(first.count == 1)
        try c1.close().wait()
        h.settle()
        try h.broker.publish(topic: "q", payload: ByteBuffer(string: "2"), qos: .atLeastOnce)
        let (_, ack2, followers) = try h.connectWithFollowers(connect)
        #expect(ack2.sessionPresent)
        let again = publishes(followers)
        #expect(again.map { String(buffer: $0.payload) } == ["1", "2"])
        guard again.count == 2 else { return }
        #expect(again[0].duplicate)
        #expect(again[0].packetIdentifier == first[0].packetIdentifier)
        #expect(!again[1].duplicate)
    }

    @Test func takeoverClosesTheOldConnectionWith0x8E() throws {
        let h = BrokerHarness()
        let (old, _) = try h.connect(MQTTConnect(protocolVersion: .v5, clientIdentifier: "same"))
        let (_, _) = try h.connect(MQTTConnect(protocolVersion: .v5, clientIdentifier: "same"))
        let packets = try h.received(old, .v5)
        #expect(
            packets.contains { if case .disconnect(let d) = $0 { d.reasonCode == .sessionTakenOver } else { false } })
        #expect(!old.isActive)
    }

    @Test func willDelayIsCutShortBySessionExpiry() throws {
        let h = BrokerHarness()
        let watcher = try h.broker.subscribe(filter: "wills/#")
        var willProps = MQTTProperties()
        willProps.willDelayInterval = 60
        var connectProps = MQTTProperties()
        connectProps.sessionExpiryInterval = 5
        let will = MQTTWill(topic: "wills/a", payload: ByteBuffer(string: "gone"), properties: willProps)
        let (c, _) = try h.connect(
            MQTTConnect(protocolVersion: .v5, clientIdentifier: "w", will: will, properties: connectProps))
        try c.close().wait()
        h.settle()
        #expect(h.broker.statistics.value(.willsPublished) == 0)
        h.timers.advanceTime(by: .seconds(4))
        #expect(h.broker.statistics.value(.willsPublished) == 0)
        h.timers.advanceTime(by: .seconds(1))
        #expect(h.broker.statistics.value(.willsPublished) == 1)
        #expect(h.broker.sessionCount == 0)
        watcher.cancel()
    }

    @Test func reconnectWithinWillDelaySuppressesTheWill() throws {
        let h = BrokerHarness()
        var willProps = MQTTProperties()
        willProps.willDelayInterval = 10
        var connectProps = MQTTProperties()
        connectProps.sessionExpiryInterval = 100
        let will = MQTTWill(topic: "wills/b", payload: ByteBuffer(string: "gone"), properties: willProps)
        let connect = MQTTConnect(
            protocolVersion: .v5, clientIdentifier: "w2", cleanStart: false, will: will, properties: connectProps)
        let (c, _) = try h.connect(connect)
        try c.close().wait()
        h.settle()
        h.timers.advanceTime(by: .seconds(5))
        let (_, ack) = try h.connect(connect)
        #expect(ack.sessionPresent)
        h.timers.advanceTime(by: .seconds(20))
        #expect(h.broker.statistics.value(.willsPublished) == 0)
    }

    @Test func aclDenialsUseEachVersionsFailureCode() throws {
        let acl = try AccessControlList(parsing: "topic readwrite #\ntopic deny test/nosubscribe")
        let h = BrokerHarness(security: BrokerSecurity(accessControl: acl))
        for version in [MQTTProtocolVersion.v3_1_1, .v5] {
            let (c, _) = try h.connect(
                MQTTConnect(protocolVersion: version, clientIdentifier: "acl\(version.rawValue)"))
            try h.send(
                c,
                .subscribe(
                    MQTTSubscribe(
                        packetIdentifier: 3, subscriptions: [MQTTSubscription(topicFilter: "test/nosubscribe")])),
                version)
            let expected: MQTTReasonCode = version == .v5 ? .notAuthorized : .unspecifiedError
            #expect(try h.received(c, version) == [.suback(MQTTSubAck(packetIdentifier: 3, reasonCodes: [expected]))])
        }
    }

    @Test func malformedInputClosesOnlyThatConnection() throws {
        let h = BrokerHarness()
        let (good, _) = try h.connect(MQTTConnect(protocolVersion: .v3_1_1, clientIdentifier: "good"))
        let (bad, _) = try h.connect(MQTTConnect(protocolVersion: .v5, clientIdentifier: "bad"))
        try bad.writeInbound(ByteBuffer(bytes: [0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]))
        let packets = try h.received(bad, .v5)
        #expect(
            packets.contains { if case .disconnect(let d) = $0 { d.reasonCode == .malformedPacket } else { false } })
        #expect(!bad.isActive)
        #expect(good.isActive)
        try h.send(good, .pingreq, .v3_1_1)
        #expect(try h.received(good, .v3_1_1) == [.pingresp])
        #expect(h.broker.statistics.value(.malformedPackets) == 1)
    }

    @Test func slowSubscriberQueueIsBoundedAndDropsAreCounted() throws {
        var configuration = BrokerConfiguration()
        configuration.maximumQueuedMessages = 10
        configuration.maximumInflightMessages = 5
        let h = BrokerHarness(configuration: configuration)
        let (c, _) = try h.connect(MQTTConnect(protocolVersion: .v3_1_1, clientIdentifier: "slow"))
        try h.send(
            c,
            .subscribe(
                MQTTSubscribe(
                    packetIdentifier: 1,
                    subscriptions: [MQTTSubscription(topicFilter: "f", options: .init(qos: .atLeastOnce))])),
            .v3_1_1)
        _ = try h.received(c, .v3_1_1)
        // The client never acknowledges: 5 in flight, 10 queued, the rest dropped and counted.
        for i in 0..<30 {
            try h.broker.publish(topic: "f", payload: ByteBuffer(string: "\(i)"), qos: .atLeastOnce)
            h.settle()
        }
        #expect(publishes(try h.received(c, .v3_1_1)).count == 5)
        #expect(h.broker.statistics.value(.messagesDropped) == 15)
    }
}

/// Hostile traffic after a valid CONNECT: mutated packet streams must close at most the offending
/// connection, and the broker's accounting must come back to zero when every connection is gone.
@Suite struct BrokerConnectionMutationTests {
    static func corpus(_ version: MQTTProtocolVersion) -> [MQTTPacket] {
        var props = MQTTProperties()
        if version == .v5 {
            props.userProperties = [.init(name: "k", value: "v")]
            props.messageExpiryInterval = 5
            props.topicAlias = 1
        }
        var subProps = MQTTProperties()
        if version == .v5 { subProps.subscriptionIdentifiers = [3] }
        return [
            .publish(
                MQTTPublish(
                    topic: "f/a", payload: ByteBuffer(string: "x"), qos: .atLeastOnce, retain: true,
                    packetIdentifier: 1, properties: props)),
            .publish(
                MQTTPublish(topic: "f/b", payload: ByteBuffer(string: "y"), qos: .exactlyOnce, packetIdentifier: 2)),
            .publish(MQTTPublish(topic: "f/c", payload: ByteBuffer(), qos: .atMostOnce)),
            .subscribe(
                MQTTSubscribe(
                    packetIdentifier: 3,
                    subscriptions: [MQTTSubscription(topicFilter: "f/#", options: .init(qos: .exactlyOnce))],
                    properties: subProps)),
            .subscribe(
                MQTTSubscribe(packetIdentifier: 4, subscriptions: [MQTTSubscription(topicFilter: "$share/g/f/+")])),
            .unsubscribe(MQTTUnsubscribe(packetIdentifier: 5, topicFilters: ["f/#"])),
            .puback(MQTTAck(packetIdentifier: 1)), .pubrec(MQTTAck(packetIdentifier: 1)),
            .pubrel(MQTTAck(packetIdentifier: 2)), .pubcomp(MQTTAck(packetIdentifier: 1)),
            .pingreq, .disconnect(MQTTDisconnect(reasonCode: version == .v5 ? .disconnectWithWill : .success)),
        ]
    }

    /// One to six packets of the corpus, with up to three bytes replaced at random.
    static func mutatedStream(_ version: MQTTProtocolVersion, using rng: inout some RandomNumberGenerator) -> [UInt8] {
        var stream = ByteBuffer()
        let corpus = Self.corpus(version)
        for _ in 0..<Int.random(in: 1...6, using: &rng) {
            corpus[Int.random(in: 0..<corpus.count, using: &rng)].write(to: &stream, version: version)
        }
        var bytes = Array(stream.readableBytesView)
        for _ in 0..<Int.random(in: 0...3, using: &rng) where !bytes.isEmpty {
            bytes[Int.random(in: 0..<bytes.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
        }
        return bytes
    }

    @Test func mutatedTrafficNeverCrashesAndAccountingReturnsToZero() throws {
        var configuration = BrokerConfiguration()
        configuration.maximumPacketSize = 2048
        configuration.maximumQueuedMessages = 50
        let h = BrokerHarness(configuration: configuration)
        var rng = SeededRandomNumberGenerator(seed: 0x5EED)
        var channels: [EmbeddedChannel] = []
        var closedByBroker = 0
        let iterations =
            Int(ProcessInfo.processInfo.environment["ONECALL_FUZZ_ITERATIONS"] ?? "").map { $0 / 30 } ?? 600
        for i in 0..<iterations {
            let version: MQTTProtocolVersion = i % 2 == 0 ? .v5 : .v3_1_1
            let will = MQTTWill(topic: "f/will", payload: ByteBuffer(string: "w"), qos: .atLeastOnce)
            let (channel, ack) = try h.connect(
                MQTTConnect(
                    protocolVersion: version, clientIdentifier: "m\(i % 40)", cleanStart: i % 3 == 0, will: will))
            #expect(ack.reasonCode == .success)
            _ = try? channel.writeInbound(ByteBuffer(bytes: Self.mutatedStream(version, using: &rng)))
            h.settle()
            _ = try? h.received(channel, version)
            if !channel.isActive { closedByBroker += 1 }
            channels.append(channel)
        }
        #expect(closedByBroker > 0, "some mutated streams must have been refused")
        // A well-behaved client is still served.
        let (probe, _) = try h.connect(MQTTConnect(protocolVersion: .v5, clientIdentifier: "probe"))
        try h.send(probe, .pingreq, .v5)
        #expect(try h.received(probe, .v5) == [.pingresp])
        channels.append(probe)
        for channel in channels where channel.isActive { try channel.close().wait() }
        h.settle()
        #expect(h.broker.openConnections.load(ordering: .relaxed) == 0)
        #expect(h.broker.statistics.value(.clientsConnected) == 0)
    }
}

@Suite struct RetainedStoreTests {
    @Test func retainedStoreIsBoundedByCountAndBytes() throws {
        var configuration = BrokerConfiguration()
        configuration.maximumRetainedMessages = 2
        configuration.maximumRetainedBytes = 10
        let broker = Broker(configuration: configuration, timers: EmbeddedEventLoop())
        #expect(try broker.publish(topic: "a", payload: ByteBuffer(string: "1234"), retain: true) != nil)
        #expect(try broker.publish(topic: "b", payload: ByteBuffer(string: "1234"), retain: true) != nil)
        #expect(try broker.publish(topic: "c", payload: ByteBuffer(string: "1"), retain: true) == nil, "count bound")
        #expect(
            try broker.publish(topic: "a", payload: ByteBuffer(string: "1234567"), retain: true) == nil, "byte bound")
        #expect(
            try broker.publish(topic: "a", payload: ByteBuffer(string: "123456"), retain: true) != nil, "fits exactly")
        #expect(try broker.publish(topic: "b", payload: ByteBuffer(), retain: true) != nil, "clearing frees room")
        #expect(try broker.publish(topic: "c", payload: ByteBuffer(string: "1234"), retain: true) != nil)
        #expect(broker.retainedCount == 2)
        #expect(broker.statistics.value(.retainedRefused) == 2)
    }
}
