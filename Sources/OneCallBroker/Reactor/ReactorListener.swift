#if os(Linux)
    import COneCallReactor
    import Glibc
    import NIOCore

    /// A plain-TCP MQTT listening socket on the broker's reactor: accepts connections and hands each to
    /// a reactor loop in turn.
    final class ReactorListener: ReactorHandle, @unchecked Sendable {
        private let broker: Broker
        private let group: ReactorGroup
        private let loop: ReactorEventLoop
        private let descriptor: CInt
        private var closed = false
        /// The port the socket is bound to.
        let port: Int
        /// The bound address, for logs.
        let address: SocketAddress

        /// Binds and listens (the socket is registered with a loop by ``start()``).
        init(broker: Broker, configuration: MQTTListenerConfiguration, group: ReactorGroup? = nil) throws {
            let group = try group ?? ReactorGroup.shared.get()
            self.broker = broker
            self.group = group
            self.loop = group.next()
            let requested = try SocketAddress.makeAddressResolvingHost(configuration.host, port: configuration.port)
            let family: CInt
            switch requested {
            case .v4: family = AF_INET
            case .v6: family = AF_INET6
            default: throw IOError(errnoCode: EAFNOSUPPORT, reason: "MQTT listener on \(requested)")
            }
            let descriptor = socket(
                family, CInt(SOCK_STREAM.rawValue | SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue), 0)
            guard descriptor >= 0 else { throw IOError(errnoCode: errno, reason: "socket") }
            var one: CInt = 1
            _ = setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<CInt>.size))
            let bound = requested.withSockAddr { bind(descriptor, $0, socklen_t($1)) }
            guard bound == 0, listen(descriptor, 1024) == 0 else {
                let code = errno
                Glibc.close(descriptor)
                throw IOError(errnoCode: code, reason: "bind \(requested)")
            }
            address = (try? SocketAddress(of: descriptor, peer: false)) ?? requested
            port = address.port ?? configuration.port
            self.descriptor = descriptor
        }

        /// Starts accepting.
        func start() async throws {
            try await loop.submit { [self] in
                try loop.register(self, descriptor: descriptor, events: EPOLLIN.rawValue)
            }.get()
        }

        /// Stops accepting, then tells every connection of this listener that the server is shutting down.
        func stop() async {
            try? await loop.submit { [self] in
                guard !closed else { return }
                closed = true
                loop.deregister(descriptor)
                Glibc.close(descriptor)
            }.get()
            for loop in group.loops {
                try? await loop.submit { [self] in
                    for case let socket as ReactorSocket in loop.registered where socket.listener === self {
                        socket.connection?.shutDown()
                    }
                }.get()
            }
        }

        override func ready(_ events: UInt32) {
            for _ in 0..<64 {
                guard !closed else { return }
                let client = onecall_accept(descriptor)
                if client < 0 {
                    switch errno {
                    case EINTR, ECONNABORTED: continue
                    case EMFILE, ENFILE, ENOBUFS, ENOMEM:
                        // Out of descriptors: stop accepting for a moment instead of spinning on the
                        // pending connection, and count it.
                        let code = errno
                        broker.statistics.add(.connectionsRejected)
                        broker.logger.warning("MQTT listener cannot accept: errno \(code)")
                        loop.reregister(descriptor, events: 0)
                        _ = loop.scheduleTask(in: .milliseconds(100)) { [self] in
                            if !closed { loop.reregister(descriptor, events: EPOLLIN.rawValue) }
                        }
                        return
                    default: return
                    }
                }
                adopt(client)
            }
        }

        private func adopt(_ client: CInt) {
            var one: CInt = 1
            _ = setsockopt(client, CInt(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<CInt>.size))
            var receiveBuffer = CInt(clamping: broker.configuration.socketReceiveBufferSize)
            if receiveBuffer > 0 {
                _ = setsockopt(client, SOL_SOCKET, SO_RCVBUF, &receiveBuffer, socklen_t(MemoryLayout<CInt>.size))
            }
            let target = group.next()
            let socket = ReactorSocket(descriptor: client, loop: target, listener: self)
            let connection = MQTTServerConnection(broker: broker, eventLoop: target)
            if target === loop {
                socket.start(connection)
            } else {
                target.execute { socket.start(connection) }
            }
        }
    }
#endif
