import NIOCore
import NIOPosix

@testable import OneCallMail

/// A bare TCP connection for talking to a server line by line, garbage included.
struct RawSMTPConnection {
    private var inbound: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
    private let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    private var framer = SMTPLineFramer(maximumLineLength: 1 << 16)
    private var parser = SMTPReplyParser()

    /// Connects to 127.0.0.1:`port`, runs `body`, and closes.
    static func with(port: Int, _ body: (inout RawSMTPConnection) async throws -> Void) async throws {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        try await channel.executeThenClose { inbound, outbound in
            var connection = RawSMTPConnection(inbound: inbound.makeAsyncIterator(), outbound: outbound)
            try await body(&connection)
        }
    }

    private init(
        inbound: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator,
        outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    ) {
        self.inbound = inbound
        self.outbound = outbound
    }

    /// Sends bytes as they are.
    func send(_ bytes: [UInt8]) async throws {
        try await outbound.write(ByteBuffer(bytes: bytes))
    }

    /// Sends text as it is (add CR LF yourself).
    func send(_ text: String) async throws {
        try await send(Array(text.utf8))
    }

    /// The next reply, or `nil` when the server closed the connection.
    mutating func reply() async throws -> SMTPReply? {
        while true {
            while let line = framer.next() {
                guard case .line(let bytes) = line else { continue }
                if let reply = try parser.consume(bytes) { return reply }
            }
            guard let chunk = try await inbound.next() else { return nil }
            framer.append(chunk)
        }
    }

    /// Sends a command line and returns the code of its reply (0 when the connection closed).
    mutating func command(_ line: String) async throws -> Int {
        try await send(line + "\r\n")
        return try await reply()?.code ?? 0
    }
}
