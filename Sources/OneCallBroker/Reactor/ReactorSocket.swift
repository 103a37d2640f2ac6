#if os(Linux)
    import COneCallReactor
    import Glibc
    import NIOCore

    /// One plain-TCP client connection on a ``ReactorEventLoop``: the ``MQTTTransport`` of an
    /// ``MQTTServerConnection``. An idle socket holds no buffers; unsent output is kept until the kernel
    /// takes it, with SwiftNIO's default water marks deciding when the connection stops writing.
    final class ReactorSocket: ReactorHandle, MQTTTransport, @unchecked Sendable {
        private static let highWaterMark = 256 * 1024
        private static let lowWaterMark = 32 * 1024
        /// Reads per readiness before other sockets get a turn.
        private static let readsPerEvent = 4
        private static let allocator = ByteBufferAllocator()

        private let descriptor: CInt
        private unowned let loop: ReactorEventLoop
        /// The listener that accepted it, for shutting down that listener's connections only.
        unowned let listener: ReactorListener
        private(set) var connection: MQTTServerConnection?
        /// Output written and not yet taken by the kernel.
        private var pending: ByteBuffer?
        private var watchingWritable = false
        private var readingPaused = false
        private var unwritable = false
        private var closed = false
        private var shutDownWhenFlushed = false

        init(descriptor: CInt, loop: ReactorEventLoop, listener: ReactorListener) {
            self.descriptor = descriptor
            self.loop = loop
            self.listener = listener
        }

        deinit {
            if !closed { Glibc.close(descriptor) }
        }

        /// Registers the socket with its loop and starts the MQTT connection; on the loop.
        func start(_ connection: MQTTServerConnection) {
            do {
                try loop.register(self, descriptor: descriptor, events: EPOLLIN.rawValue)
            } catch {
                Glibc.close(descriptor)
                closed = true
                return
            }
            self.connection = connection
            connection.activate(self)
        }

        // MARK: Readiness

        override func ready(_ events: UInt32) {
            if events & EPOLLOUT.rawValue != 0 { sendPending() }
            guard !closed else { return }
            if readingPaused {
                // A hang-up is reported even while reads are paused; without reading it would repeat.
                if events & (EPOLLHUP.rawValue | EPOLLERR.rawValue) != 0 { close() }
                return
            }
            if events & (EPOLLIN.rawValue | EPOLLHUP.rawValue | EPOLLERR.rawValue) != 0 { readAvailable() }
        }

        override func tick(now: NIODeadline) {
            connection?.checkDeadlines(now: now)
        }

        private func readAvailable() {
            for _ in 0..<Self.readsPerEvent {
                guard !closed, !readingPaused else { break }
                let count = Glibc.read(descriptor, loop.scratch.baseAddress, loop.scratch.count)
                if count > 0 {
                    var buffer = Self.allocator.buffer(capacity: count)
                    buffer.writeBytes(UnsafeRawBufferPointer(rebasing: loop.scratch[0..<count]))
                    connection?.received(buffer)
                    if count < loop.scratch.count { break }
                } else if count == 0 {
                    return close()
                } else if errno == EINTR {
                    continue
                } else if errno == EAGAIN || errno == EWOULDBLOCK {
                    break
                } else {
                    return close()
                }
            }
            if !closed { connection?.readComplete() }
        }

        // MARK: MQTTTransport

        var isWritable: Bool { !unwritable }

        var remoteAddressDescription: String {
            (try? SocketAddress(of: descriptor, peer: true)).map { "\($0)" } ?? "?"
        }

        var certificateIdentity: String? { nil }

        func write(_ buffer: ByteBuffer) {
            guard !closed, buffer.readableBytes > 0 else { return }
            if pending == nil {
                pending = buffer
            } else {
                var buffer = buffer
                if pending!.readerIndex > 64 * 1024 { pending!.discardReadBytes() }
                pending!.writeBuffer(&buffer)
            }
            if !unwritable && pending!.readableBytes > Self.highWaterMark { unwritable = true }
        }

        func flush() {
            guard !closed, !watchingWritable else { return }
            sendPending()
        }

        func closeGently() {
            guard !closed else { return }
            if pending == nil {
                _ = shutdown(descriptor, CInt(SHUT_WR))
            } else {
                shutDownWhenFlushed = true
                sendPending()
            }
            _ = loop.scheduleTask(in: .seconds(1)) { [self] in close() }
        }

        func setReadingPaused(_ paused: Bool) {
            guard !closed, paused != readingPaused else { return }
            readingPaused = paused
            updateInterest()
            // Level-triggered: bytes already waiting are reported again once reads resume.
        }

        // MARK: Writing and closing

        private func sendPending() {
            while !closed, pending != nil {
                let count = pending!.readableBytes
                if count == 0 {
                    pending = nil
                    break
                }
                let sent = pending!.withUnsafeReadableBytes {
                    Glibc.send(descriptor, $0.baseAddress, $0.count, CInt(MSG_NOSIGNAL))
                }
                if sent > 0 {
                    pending!.moveReaderIndex(forwardBy: sent)
                } else if sent < 0 && errno == EINTR {
                    continue
                } else if sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                    break
                } else {
                    return close()
                }
            }
            guard !closed else { return }
            let waiting = pending?.readableBytes ?? 0
            if (waiting > 0) != watchingWritable {
                watchingWritable = waiting > 0
                updateInterest()
            }
            if waiting == 0 && shutDownWhenFlushed {
                shutDownWhenFlushed = false
                _ = shutdown(descriptor, CInt(SHUT_WR))
            }
            if unwritable && waiting < Self.lowWaterMark {
                unwritable = false
                connection?.becameWritable()
            }
        }

        private func updateInterest() {
            var events: UInt32 = 0
            if !readingPaused { events |= EPOLLIN.rawValue }
            if watchingWritable { events |= EPOLLOUT.rawValue }
            loop.reregister(descriptor, events: events)
        }

        /// Closes the descriptor and tells the connection; safe to call more than once.
        func close() {
            guard !closed else { return }
            closed = true
            loop.deregister(descriptor)
            Glibc.close(descriptor)
            pending = nil
            let connection = self.connection
            self.connection = nil
            connection?.inactive()
        }
    }

    extension SocketAddress {
        /// The peer address of a connected socket, or (`peer: false`) the address it is bound to.
        init(of descriptor: CInt, peer: Bool) throws {
            var storage = sockaddr_storage()
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let result = withUnsafeMutablePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    peer ? getpeername(descriptor, $0, &length) : getsockname(descriptor, $0, &length)
                }
            }
            let call = peer ? "getpeername" : "getsockname"
            guard result == 0 else { throw IOError(errnoCode: errno, reason: call) }
            switch CInt(storage.ss_family) {
            case AF_INET:
                let address = withUnsafeBytes(of: &storage) { $0.load(as: sockaddr_in.self) }
                self.init(address, host: "")
            case AF_INET6:
                let address = withUnsafeBytes(of: &storage) { $0.load(as: sockaddr_in6.self) }
                self.init(address, host: "")
            default:
                throw IOError(errnoCode: EAFNOSUPPORT, reason: call)
            }
        }
    }
#endif
