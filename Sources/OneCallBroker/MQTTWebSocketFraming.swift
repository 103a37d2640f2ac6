import NIOCore
import NIOHTTP1
import NIOWebSocket

/// MQTT over WebSocket (MQTT 5.0 §6, 3.1.1 §6): after the HTTP upgrade, binary frames carry the
/// MQTT byte stream in both directions. A frame may hold part of a packet or several packets, so
/// frames are unwrapped into bytes for the MQTT decoder; what the broker writes goes out as one
/// binary frame per write. Pings are answered, a close is echoed, and a text frame — which the
/// spec forbids — closes the connection with 1003.
final class MQTTWebSocketFraming: ChannelDuplexHandler {
    typealias InboundIn = WebSocketFrame
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = WebSocketFrame

    private var closing = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        switch frame.opcode {
        case .binary, .continuation:
            context.fireChannelRead(wrapInboundOut(frame.unmaskedData))
        case .ping:
            let pong = WebSocketFrame(fin: true, opcode: .pong, data: frame.unmaskedData)
            context.writeAndFlush(wrapOutboundOut(pong), promise: nil)
        case .pong:
            break
        case .connectionClose:
            close(context: context, code: nil)
        case .text:
            close(context: context, code: .unacceptableData)
        default:
            close(context: context, code: .protocolError)
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let bytes = unwrapOutboundIn(data)
        context.write(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .binary, data: bytes)), promise: promise)
    }

    /// Sends a close frame (echoing the peer's when `code` is nil), then closes the connection.
    private func close(context: ChannelHandlerContext, code: WebSocketErrorCode?) {
        guard !closing else { return }
        closing = true
        var data = context.channel.allocator.buffer(capacity: 2)
        data.write(webSocketErrorCode: code ?? .normalClosure)
        let frame = WebSocketFrame(fin: true, opcode: .connectionClose, data: data)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(frame)).whenComplete { _ in channel.close(promise: nil) }
    }
}

/// Answers an HTTP request that is not a WebSocket upgrade: this port speaks MQTT over WebSocket
/// only.
final class MQTTWebSocketRefusal: ChannelInboundHandler, RemovableChannelHandler {
    /// The handler's name in the pipeline, by which the upgrade removes it.
    static let name = "mqtt-websocket-refusal"

    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .head = unwrapInboundIn(data) else { return }
        let body = "this port speaks MQTT over WebSocket (subprotocol mqtt)\n"
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "text/plain; charset=utf-8")
        headers.add(name: "Content-Length", value: "\(body.utf8.count)")
        headers.add(name: "Connection", value: "close")
        context.write(
            wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .upgradeRequired, headers: headers))),
            promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: body)))), promise: nil)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
    }
}

extension MQTTWebSocketFraming {
    /// The subprotocol to answer with, from a client's `Sec-WebSocket-Protocol` offers: `mqtt`
    /// (3.1.1 and 5.0) or `mqttv3.1`; `nil` when the client offers neither.
    static func subprotocol(offered headers: HTTPHeaders) -> String? {
        let offered = headers[canonicalForm: "Sec-WebSocket-Protocol"].map { $0.lowercased() }
        if offered.contains("mqtt") { return "mqtt" }
        if offered.contains("mqttv3.1") { return "mqttv3.1" }
        return nil
    }
}
