import Foundation
import NIOCore
import NIOSSL
import OneCallApp
import OneCallBroker
import OneCallMQTT
import Testing

/// OneCall's MQTT client against real brokers: OneCall's own (in-process, real sockets) and Mosquitto.
@Suite(.serialized, .timeLimit(.minutes(2))) struct MQTTClientTests {
    static func serverConfiguration(port: Int = 0) throws -> OneCallConfiguration {
        var c = OneCallConfiguration()
        try c.set("data_dir", .string(try TestEnvironment.temporaryDirectory().path))
        try c.set("mqtt.port", .int(Int64(port)))
        try c.set("http.port", .int(0))
        return c
    }

    /// The client's next message. A watchdog disconnects the client after `timeout` (ending its
    /// stream), so a missing message fails the test instead of hanging it; the stream's iteration
    /// itself is never cancelled, since that would end the stream for later reads.
    static func next(_ client: MQTTClient, timeout: Duration = .seconds(15)) async throws -> MQTTPublish {
        let watchdog = Task {
            try await Task.sleep(for: timeout)
            await client.disconnect()
        }
        defer { watchdog.cancel() }
        var iterator = client.messages.makeAsyncIterator()
        guard let message = await iterator.next() else { throw MQTTClientError(.timeout) }
        return message
    }

    func roundTrip(port: Int, version: MQTTProtocolVersion) async throws {
        let id = UUID().uuidString.prefix(8)
        let subscriber = MQTTClient(
            configuration: .init(port: port, clientIdentifier: "sub-\(id)", protocolVersion: version))
        let publisher = MQTTClient(
            configuration: .init(port: port, clientIdentifier: "pub-\(id)", protocolVersion: version))
        let ack = try await subscriber.connect()
        #expect(ack.reasonCode == .success)
        try await publisher.connect()
        let granted = try await subscriber.subscribe(to: "client/\(id)/#", qos: .exactlyOnce)
        #expect(granted.reasonCodes == [.grantedQoS2])
        for qos in MQTTQoS.allCases {
            try await publisher.publish(
                topic: "client/\(id)/q\(qos.rawValue)", payload: ByteBuffer(string: "m\(qos.rawValue)"), qos: qos)
            let message = try await Self.next(subscriber)
            #expect(message.topic == "client/\(id)/q\(qos.rawValue)")
            #expect(String(buffer: message.payload) == "m\(qos.rawValue)")
            #expect(message.qos == qos)
        }
        for i in 0..<50 {
            try await publisher.publish(
                topic: "client/\(id)/seq", payload: ByteBuffer(string: "\(i)"), qos: .atLeastOnce)
        }
        for i in 0..<50 {
            #expect(String(buffer: try await Self.next(subscriber).payload) == "\(i)")
        }
        await publisher.disconnect()
        await subscriber.disconnect()
    }

    @Test(arguments: [MQTTProtocolVersion.v3_1_1, .v5])
    func publishesAndSubscribesAgainstOneCall(version: MQTTProtocolVersion) async throws {
        let server = try await RunningServer.start(try Self.serverConfiguration())
        try await roundTrip(port: server.endpoints.mqttPort, version: version)
        await server.stop()
    }

    @Test func publishesAndSubscribesAgainstMosquitto() async throws {
        let (process, port) = try await TestEnvironment.startMosquitto()
        defer { process.stop() }
        for version in [MQTTProtocolVersion.v3_1_1, .v5] { try await roundTrip(port: port, version: version) }
    }

    @Test func reconnectsAndRenewsSubscriptionsAfterTheBrokerRestarts() async throws {
        var server = try await RunningServer.start(try Self.serverConfiguration())
        let port = server.endpoints.mqttPort
        let client = MQTTClient(
            configuration: .init(
                port: port, clientIdentifier: "resilient", protocolVersion: .v5, sessionExpiryInterval: 300,
                reconnect: .init(initialDelay: .milliseconds(50), maximumDelay: .milliseconds(500))))
        try await client.connect()
        try await client.subscribe(to: "restart/#", qos: .atLeastOnce)
        await server.stop()
        // The broker was in memory: the new one has no session, so the client must subscribe again.
        server = try await RunningServer.start(try Self.serverConfiguration(port: port))
        let publisher = MQTTClient(configuration: .init(port: port, clientIdentifier: "restart-pub", reconnect: nil))
        try await publisher.connect()
        // Publish until the reconnected client has subscribed again and receives one.
        let publishing = Task {
            for attempt in 0..<100 {
                try await publisher.publish(
                    topic: "restart/x", payload: ByteBuffer(string: "\(attempt)"), qos: .atLeastOnce)
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        let received = try? await Self.next(client)
        publishing.cancel()
        #expect(received?.topic == "restart/x")
        await publisher.disconnect()
        await client.disconnect()
        await server.stop()
    }

    @Test func queuedQoS1PublishesAreSentAfterReconnect() async throws {
        var server = try await RunningServer.start(try Self.serverConfiguration())
        let port = server.endpoints.mqttPort
        let client = MQTTClient(
            configuration: .init(
                port: port, clientIdentifier: "queued",
                reconnect: .init(initialDelay: .milliseconds(50), maximumDelay: .milliseconds(200))))
        try await client.connect()
        await server.stop()
        let pending = Task {
            // Retained, so that the watcher sees it however the reconnect and its subscribe race.
            try await client.publish(
                topic: "later/x", payload: ByteBuffer(string: "kept"), qos: .atLeastOnce, retain: true)
        }
        try await Task.sleep(for: .milliseconds(200))
        server = try await RunningServer.start(try Self.serverConfiguration(port: port))
        let watcher = try server.server.broker.subscribe(filter: "later/#")
        try await pending.value
        var iterator = watcher.messages.makeAsyncIterator()
        let message = await iterator.next()
        #expect(message.map { String(buffer: $0.payload) } == "kept")
        watcher.cancel()
        await client.disconnect()
        await server.stop()
    }

    @Test func refusedCredentialsFailConnect() async throws {
        let dir = try TestEnvironment.temporaryDirectory()
        let passwd = dir.appendingPathComponent("passwd").path
        try (try PasswordFile.line(username: "u", password: "right", iterations: 1000)).write(
            toFile: passwd, atomically: true, encoding: .utf8)
        var configuration = try Self.serverConfiguration()
        try configuration.set("mqtt.password_file", .string(passwd))
        let server = try await RunningServer.start(configuration)
        let client = MQTTClient(
            configuration: .init(
                port: server.endpoints.mqttPort, clientIdentifier: "c", username: "u", password: Array("wrong".utf8),
                reconnect: nil))
        await #expect(throws: MQTTClientError(.connectionRefused, reasonCode: .badUserNameOrPassword)) {
            try await client.connect()
        }
        let good = MQTTClient(
            configuration: .init(
                port: server.endpoints.mqttPort, clientIdentifier: "g", username: "u", password: Array("right".utf8),
                reconnect: nil))
        #expect(try await good.connect().reasonCode == .success)
        await good.disconnect()
        await server.stop()
    }

    @Test func connectsOverTLSWithAClientCertificate() async throws {
        let dir = try TestEnvironment.temporaryDirectory()
        let certificates = try await TestEnvironment.makeCertificates(in: dir, clientCommonName: "unit-7")
        var configuration = try Self.serverConfiguration()
        try configuration.set("mqtt.tls.port", .int(0))
        try configuration.set("mqtt.tls.certificate", .string(certificates.serverCertificate))
        try configuration.set("mqtt.tls.private_key", .string(certificates.serverKey))
        try configuration.set("mqtt.tls.ca", .string(certificates.ca))
        try configuration.set("mqtt.tls.require_client_certificate", .bool(true))
        let aclPath = dir.appendingPathComponent("acl").path
        try "pattern readwrite units/%u/#\n".write(toFile: aclPath, atomically: true, encoding: .utf8)
        try configuration.set("mqtt.acl_file", .string(aclPath))
        let server = try await RunningServer.start(configuration)
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .file(certificates.ca)
        tls.certificateChain = try NIOSSLCertificate.fromPEMFile(certificates.clientCertificate).map {
            .certificate($0)
        }
        tls.privateKey = .privateKey(try NIOSSLPrivateKey(file: certificates.clientKey, format: .pem))
        let client = MQTTClient(
            configuration: .init(
                port: server.endpoints.mqttTLSPort!, clientIdentifier: "tls-client", tls: tls, reconnect: nil))
        try await client.connect()
        // The certificate's CN is the identity: units/unit-7/... is allowed, units/other/... is not.
        let ack = try await client.subscribe([
            MQTTSubscription(topicFilter: "units/unit-7/#"), MQTTSubscription(topicFilter: "units/other/#"),
        ])
        #expect(ack.reasonCodes == [.grantedQoS0, .notAuthorized])
        try await client.publish(topic: "units/unit-7/status", payload: ByteBuffer(string: "up"), qos: .atLeastOnce)
        #expect(String(buffer: try await Self.next(client).payload) == "up")
        await client.disconnect()
        await server.stop()
    }
}
