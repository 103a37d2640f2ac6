import NIOCore
import NIOSSL

/// Frames the server's replies on one client connection and hands them, one per request, to the
/// async code of ``SMTPClient``. Used on its event loop only (through `NIOLoopBound`).
final class SMTPClientHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    /// Replies that arrive before they are asked for; a server that sends more is broken.
    static let maximumQueuedReplies = 4

    private var framer: SMTPLineFramer
    private var parser: SMTPReplyParser
    private var queue = CircularBuffer<SMTPReply>()
    private var failure: SMTPError?
    private var waiter: EventLoopPromise<SMTPReply>?
    private var timer: Scheduled<Void>?
    private var context: ChannelHandlerContext?
    /// TLS is being negotiated: a failure before the next reply is a TLS failure.
    private var negotiatingTLS: Bool

    init(maximumLineLength: Int, maximumLines: Int, implicitTLS: Bool) {
        framer = SMTPLineFramer(maximumLineLength: maximumLineLength)
        parser = SMTPReplyParser(maximumLines: maximumLines)
        negotiatingTLS = implicitTLS
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard failure == nil else { return }
        framer.append(unwrapInboundIn(data))
        while failure == nil, let line = framer.next() {
            guard case .line(let bytes) = line else {
                fail(SMTPError(.replyTooLong, "reply line longer than \(framer.maximumLineLength) octets"))
                return
            }
            let reply: SMTPReply?
            do {
                reply = try parser.consume(bytes)
            } catch .tooManyLines {
                fail(SMTPError(.replyTooLong, "reply longer than \(parser.maximumLines) lines"))
                return
            } catch {
                fail(
                    SMTPError(
                        .protocolViolation, "malformed reply line",
                        detail: String(decoding: bytes.prefix(200), as: UTF8.self)))
                return
            }
            guard let reply else { continue }
            negotiatingTLS = false
            if let waiter {
                self.waiter = nil
                timer?.cancel()
                waiter.succeed(reply)
            } else if queue.count < Self.maximumQueuedReplies {
                queue.append(reply)
            } else {
                fail(SMTPError(.protocolViolation, "replies nobody asked for", reply: reply))
            }
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(
            negotiatingTLS
                ? SMTPError(.tlsFailed, "connection closed during the TLS handshake")
                : SMTPError(.connectionClosed, "connection closed by the server"))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if negotiatingTLS || error is NIOSSLError || error is NIOSSLExtraError || error is BoringSSLError {
            fail(SMTPError(.tlsFailed, "TLS handshake or record failed", detail: "\(error)"))
        } else {
            fail(SMTPError(.connectionClosed, "connection failed", detail: "\(error)"))
        }
    }

    /// The next reply: one that already arrived, else the next to arrive within `timeout`.
    func nextReply(timeout: TimeAmount, on eventLoop: any EventLoop) -> EventLoopFuture<SMTPReply> {
        if let reply = queue.popFirst() { return eventLoop.makeSucceededFuture(reply) }
        if let failure { return eventLoop.makeFailedFuture(failure) }
        guard waiter == nil else {
            return eventLoop.makeFailedFuture(SMTPError(.protocolViolation, "two replies awaited at once"))
        }
        let promise = eventLoop.makePromise(of: SMTPReply.self)
        waiter = promise
        let bound = NIOLoopBound(self, eventLoop: eventLoop)
        timer = eventLoop.scheduleTask(in: timeout) {
            let handler = bound.value
            handler.fail(
                SMTPError(.timeout, handler.negotiatingTLS ? "TLS handshake or greeting timed out" : "reply timed out"))
        }
        return promise.futureResult
    }

    /// Puts TLS under the connection after the server's 220 to STARTTLS. Anything received after
    /// that reply was sent in the clear and could be an attacker's (a STARTTLS injection), so it is
    /// refused (RFC 3207 §5 and the advice that followed).
    func startTLS(context sslContext: NIOSSLContext, serverHostname: String?) throws {
        guard let context else { throw SMTPError(.connectionClosed, "connection closed before STARTTLS") }
        guard queue.isEmpty, framer.bufferedByteCount == 0, !parser.isInsideReply else {
            throw SMTPError(.protocolViolation, "data received after the STARTTLS reply")
        }
        let handler: NIOSSLClientHandler
        do {
            handler = try NIOSSLClientHandler(context: sslContext, serverHostname: serverHostname)
        } catch {
            throw SMTPError(.tlsFailed, "cannot set up TLS", detail: "\(error)")
        }
        negotiatingTLS = true
        try context.pipeline.syncOperations.addHandler(handler, position: .first)
    }

    /// Ends the connection with `error` as the reason for every later request.
    func fail(_ error: SMTPError) {
        guard failure == nil else { return }
        failure = error
        timer?.cancel()
        timer = nil
        if let waiter {
            self.waiter = nil
            waiter.fail(error)
        }
        context?.close(promise: nil)
    }
}
