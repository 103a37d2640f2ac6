#if os(Linux)
    import Foundation
    import Glibc
    import NIOConcurrencyHelpers
    import NIOCore
    import OneCallCore
    import OneCallMQTT
    import Testing

    @testable import OneCallBroker

    /// A blocking TCP client with a decoder: the reactor's tests talk to it over real sockets.
    final class RawMQTTClient {
        private let descriptor: CInt
        private var inbound = ByteBuffer()
        private var decoder: MQTTPacketDecoder
        let version: MQTTProtocolVersion

        struct Closed: Error {}
        struct TimedOut: Error, CustomStringConvertible {
            var description: String
        }

        init(port: Int, version: MQTTProtocolVersion = .v3_1_1, receiveBuffer: Int? = nil) throws {
            self.version = version
            decoder = MQTTPacketDecoder(version: version, maximumPacketSize: 1 << 24)
            descriptor = socket(AF_INET, CInt(SOCK_STREAM.rawValue), 0)
            if var size = receiveBuffer.map(CInt.init) {
                _ = setsockopt(descriptor, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<CInt>.size))
            }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    Glibc.connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            guard result == 0 else { throw IOError(errnoCode: errno, reason: "connect") }
        }

        deinit { Glibc.close(descriptor) }

        func send(bytes: [UInt8]) throws {
            var offset = 0
            while offset < bytes.count {
                let sent = bytes[offset...].withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, 0) }
                guard sent > 0 else { throw IOError(errnoCode: errno, reason: "send") }
                offset += sent
            }
        }

        func send(_ packet: MQTTPacket) throws {
            var buffer = ByteBuffer()
            packet.write(to: &buffer, version: version)
            try send(bytes: Array(buffer.readableBytesView))
        }

        /// Reads what arrives within `timeout` seconds into the inbound buffer; throws ``Closed`` at
        /// the end of the stream.
        private func fill(timeout: Double) throws {
            var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, CInt(timeout * 1000)) > 0 else { return }
            var chunk = [UInt8](repeating: 0, count: 65536)
            let count = chunk.withUnsafeMutableBytes { Glibc.recv(descriptor, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { throw Closed() }
            inbound.writeBytes(chunk[0..<count])
        }

        /// The next packet, waiting up to `timeout` seconds.
        func next(timeout: Double = 5) throws -> MQTTPacket {
            let deadline = Date().addingTimeInterval(timeout)
            while true {
                if let packet = try decoder.decode(&inbound) { return packet }
                let left = deadline.timeIntervalSinceNow
                guard left > 0 else { throw TimedOut(description: "no packet within \(timeout) s") }
                try fill(timeout: left)
            }
        }

        /// Whether the server closes the connection within `timeout` seconds (packets before the
        /// close are skipped).
        func closes(within timeout: Double) -> Bool {
            let deadline = Date().addingTimeInterval(timeout)
            while deadline.timeIntervalSinceNow > 0 {
                do {
                    try fill(timeout: deadline.timeIntervalSinceNow)
                    inbound.clear()
                } catch {
                    return true
                }
            }
            return false
        }

        /// Sends CONNECT and returns the CONNACK.
        @discardableResult
        func connect(_ identifier: String, keepAlive: UInt16 = 60) throws -> MQTTConnAck {
            try send(
                .connect(MQTTConnect(protocolVersion: version, clientIdentifier: identifier, keepAlive: keepAlive)))
            guard case .connack(let ack) = try next() else { throw TimedOut(description: "no CONNACK") }
            return ack
        }
    }

    /// The broker's own epoll reactor: its event loop, and plain-TCP listeners over real sockets.
    @Suite(.serialized, .timeLimit(.minutes(1))) struct ReactorTests {
        // MARK: The event loop

        @Test func tasksFromManyThreadsAllRunInOrderPerThread() async throws {
            let loop = try ReactorGroup.shared.get().next()
            let seen = NIOLockedValueBox<[Int: [Int]]>([:])
            let done = loop.makePromise(of: Void.self)
            let threads = 4
            let perThread = 2000
            let finished = NIOLockedValueBox(0)
            await withTaskGroup(of: Void.self) { group in
                for thread in 0..<threads {
                    group.addTask {
                        for i in 0..<perThread {
                            loop.execute {
                                let onLoop = loop.inEventLoop
                                seen.withLockedValue { $0[thread, default: []].append(onLoop ? i : -1) }
                                if i == perThread - 1,
                                    finished.withLockedValue({
                                        $0 += 1; return $0
                                    }) == threads
                                {
                                    done.succeed()
                                }
                            }
                        }
                    }
                }
            }
            try await done.futureResult.get()
            #expect(!loop.inEventLoop)
            let all = seen.withLockedValue { $0 }
            for thread in 0..<threads { #expect(all[thread] == Array(0..<perThread)) }
        }

        @Test func scheduledTasksRunByDeadlineAndCancelledOnesNever() async throws {
            let loop = try ReactorGroup.shared.get().next()
            let order = NIOLockedValueBox<[String]>([])
            let late = loop.scheduleTask(in: .milliseconds(60)) { order.withLockedValue { $0.append("60") } }
            let cancelled = loop.scheduleTask(in: .milliseconds(20)) { order.withLockedValue { $0.append("20") } }
            let early = loop.scheduleTask(in: .milliseconds(10)) { order.withLockedValue { $0.append("10") } }
            let value = loop.scheduleTask(in: .milliseconds(30)) { 42 }
            cancelled.cancel()
            try await early.futureResult.get()
            #expect(try await value.futureResult.get() == 42)
            try await late.futureResult.get()
            await #expect(throws: EventLoopError.self) { try await cancelled.futureResult.get() }
            #expect(order.withLockedValue { $0 } == ["10", "60"])
            // A task scheduled from the loop itself, for a deadline already passed, runs at once.
            let now = try await loop.submit { loop.scheduleTask(deadline: .now() - .seconds(1)) { "past" } }.get()
            #expect(try await now.futureResult.get() == "past")
        }

        // MARK: Plain-TCP listeners

        private func listener(_ configuration: BrokerConfiguration = BrokerConfiguration()) throws -> (
            Broker, ReactorListener
        ) {
            let broker = Broker(configuration: configuration)
            return (broker, try ReactorListener(broker: broker, configuration: MQTTListenerConfiguration(port: 0)))
        }

        @Test func clientsPublishAndSubscribeThroughTheReactor() async throws {
            let (_, listener) = try listener()
            try await listener.start()
            let subscriber = try RawMQTTClient(port: listener.port, version: .v5)
            #expect(try subscriber.connect("sub").reasonCode == .success)
            try subscriber.send(
                .subscribe(
                    MQTTSubscribe(
                        packetIdentifier: 1,
                        subscriptions: [MQTTSubscription(topicFilter: "aircon/#", options: .init(qos: .atLeastOnce))])))
            guard case .suback = try subscriber.next() else { Issue.record("no SUBACK"); return }
            let publisher = try RawMQTTClient(port: listener.port)
            try publisher.connect("pub")
            try publisher.send(
                .publish(
                    MQTTPublish(
                        topic: "aircon/1/telemetry", payload: ByteBuffer(string: "{\"t\":21}"), qos: .atLeastOnce,
                        packetIdentifier: 7)))
            guard case .puback(let ack) = try publisher.next() else { Issue.record("no PUBACK"); return }
            #expect(ack.packetIdentifier == 7)
            guard case .publish(let delivered) = try subscriber.next() else { Issue.record("no PUBLISH"); return }
            #expect(delivered.topic == "aircon/1/telemetry")
            #expect(String(buffer: delivered.payload) == "{\"t\":21}")
            await listener.stop()
        }

        @Test func malformedInputClosesOnlyItsOwnConnection() async throws {
            let (broker, listener) = try listener()
            try await listener.start()
            let good = try RawMQTTClient(port: listener.port)
            try good.connect("good")
            let bad = try RawMQTTClient(port: listener.port)
            try bad.connect("bad")
            // A remaining length of five bytes: malformed (MQTT 3.1.1 §2.2.3 allows four).
            try bad.send(bytes: [0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F])
            #expect(bad.closes(within: 5))
            #expect(broker.statistics.value(.malformedPackets) == 1)
            try good.send(.pingreq)
            guard case .pingresp = try good.next() else { Issue.record("no PINGRESP"); return }
            await listener.stop()
        }

        @Test func aConnectThatNeverFinishesIsClosedAndCounted() async throws {
            var configuration = BrokerConfiguration()
            configuration.connectTimeout = 0.3
            let (broker, listener) = try listener(configuration)
            try await listener.start()
            let client = try RawMQTTClient(port: listener.port)
            try client.send(bytes: [0x10, 0x20, 0x00, 0x04])  // the start of a CONNECT, and then nothing
            #expect(client.closes(within: 5))
            #expect(broker.statistics.value(.connectTimeouts) == 1)
            await listener.stop()
        }

        @Test func aSilentClientIsClosedAfterOneAndAHalfKeepAlives() async throws {
            let (broker, listener) = try listener()
            try await listener.start()
            let client = try RawMQTTClient(port: listener.port)
            try client.connect("quiet", keepAlive: 1)
            let started = Date()
            #expect(client.closes(within: 6))
            #expect(Date().timeIntervalSince(started) >= 1.4)
            #expect(broker.statistics.value(.keepAliveTimeouts) == 1)
            await listener.stop()
        }

        /// A subscriber that does not read fills the kernel's buffers; the rest waits in its session
        /// queue and goes out as it reads, in order and complete.
        @Test func aSubscriberThatStopsReadingGetsEverythingWhenItReadsAgain() async throws {
            var configuration = BrokerConfiguration()
            configuration.maximumQueuedMessages = 10_000
            configuration.maximumQueuedBytes = 64 << 20
            configuration.backPressureQueueLength = 0
            let (broker, listener) = try listener(configuration)
            try await listener.start()
            let subscriber = try RawMQTTClient(port: listener.port, receiveBuffer: 4096)
            try subscriber.connect("slow")
            try subscriber.send(
                .subscribe(MQTTSubscribe(packetIdentifier: 1, subscriptions: [MQTTSubscription(topicFilter: "bulk")])))
            guard case .suback = try subscriber.next() else { Issue.record("no SUBACK"); return }
            let publisher = try RawMQTTClient(port: listener.port)
            try publisher.connect("fast")
            let count = 3000
            let filler = String(repeating: "x", count: 2000)
            for i in 0..<count {
                try publisher.send(.publish(MQTTPublish(topic: "bulk", payload: ByteBuffer(string: "\(i) \(filler)"))))
            }
            try publisher.send(.pingreq)
            guard case .pingresp = try publisher.next(timeout: 10) else { Issue.record("no PINGRESP"); return }
            for i in 0..<count {
                guard case .publish(let p) = try subscriber.next(timeout: 10) else {
                    Issue.record("message \(i) is not a PUBLISH")
                    return
                }
                #expect(String(buffer: p.payload).hasPrefix("\(i) "))
            }
            #expect(broker.statistics.value(.messagesDropped) == 0)
            await listener.stop()
        }

        /// The seeded mutation test of ``BrokerConnectionMutationTests``, over real sockets: the
        /// reactor's close paths under hostile input leave no connection counted.
        @Test func mutatedTrafficOverSocketsLeavesNothingBehind() async throws {
            var configuration = BrokerConfiguration()
            configuration.maximumPacketSize = 2048
            configuration.maximumQueuedMessages = 50
            let (broker, listener) = try listener(configuration)
            try await listener.start()
            var rng = SeededRandomNumberGenerator(seed: 0xEB011)
            var clients: [RawMQTTClient] = []
            var closedByBroker = 0
            for i in 0..<200 {
                let version: MQTTProtocolVersion = i % 2 == 0 ? .v5 : .v3_1_1
                let client = try RawMQTTClient(port: listener.port, version: version)
                #expect(try client.connect("r\(i % 40)").reasonCode == .success)
                try? client.send(bytes: BrokerConnectionMutationTests.mutatedStream(version, using: &rng))
                if client.closes(within: 0.02) { closedByBroker += 1 } else { clients.append(client) }
            }
            #expect(closedByBroker > 0, "some mutated streams must have been refused")
            let probe = try RawMQTTClient(port: listener.port, version: .v5)
            try probe.connect("probe")
            try probe.send(.pingreq)
            guard case .pingresp = try probe.next() else { Issue.record("no PINGRESP"); return }
            clients.removeAll()
            let deadline = Date().addingTimeInterval(5)
            while broker.openConnections.load(ordering: .relaxed) > 1 && Date() < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(broker.openConnections.load(ordering: .relaxed) == 1, "only the probe is left")
            await listener.stop()
        }

        @Test func stoppingTheListenerTellsFiveZeroClientsWhy() async throws {
            let (_, listener) = try listener()
            try await listener.start()
            let client = try RawMQTTClient(port: listener.port, version: .v5)
            try client.connect("leaving")
            await listener.stop()
            guard case .disconnect(let d) = try client.next() else { Issue.record("no DISCONNECT"); return }
            #expect(d.reasonCode == .serverShuttingDown)
            #expect(client.closes(within: 5))
            #expect(throws: (any Error).self) { try RawMQTTClient(port: listener.port) }
        }
    }
#endif
