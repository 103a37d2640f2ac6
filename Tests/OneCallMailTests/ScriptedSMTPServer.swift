import NIOCore
import NIOPosix

@testable import OneCallMail

/// A misbehaving server for client tests: it sends `greeting` (raw, `nil` for silence), then answers
/// each command line with what `script` returns (raw text; `nil` closes the connection). After a
/// 354 reply it swallows the message up to the `.` line and answers that with `script(".")`.
final class ScriptedSMTPServer: Sendable {
    let port: Int
    private let channel: any Channel

    private init(port: Int, channel: any Channel) {
        self.port = port
        self.channel = channel
    }

    static func start(greeting: String?, script: @escaping @Sendable (String) -> String?) async throws
        -> ScriptedSMTPServer
    {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(Handler(greeting: greeting, script: script))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return ScriptedSMTPServer(port: channel.localAddress!.port!, channel: channel)
    }

    func stop() async {
        try? await channel.close()
    }

    private final class Handler: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer

        let greeting: String?
        let script: @Sendable (String) -> String?
        var framer = SMTPLineFramer(maximumLineLength: 1 << 20)
        var inData = false

        init(greeting: String?, script: @escaping @Sendable (String) -> String?) {
            self.greeting = greeting
            self.script = script
        }

        func channelActive(context: ChannelHandlerContext) {
            if let greeting { context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: greeting)), promise: nil) }
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            framer.append(unwrapInboundIn(data))
            while case .line(let bytes)? = framer.next() {
                let line = String(decoding: bytes, as: UTF8.self)
                if inData && line != "." { continue }
                inData = false
                guard let answer = script(line) else {
                    context.close(promise: nil)
                    return
                }
                if answer.hasPrefix("354") { inData = true }
                context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: answer)), promise: nil)
            }
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            context.close(promise: nil)
        }
    }
}
