import Logging
import NIOCore
import NIOPosix
import NIOSSL

/// Sends mail to one SMTP server (RFC 5321), with STARTTLS or implicit TLS and AUTH PLAIN/LOGIN;
/// one connection per message. The conversation itself is ``SMTPClientStateMachine``; this type
/// only moves bytes.
public struct SMTPClient: Sendable {
    /// The server and the defaults for messages.
    public let configuration: SMTPConfiguration
    private let eventLoopGroup: any EventLoopGroup
    private let logger: Logger

    /// Creates a client; nothing is sent until ``send(_:)``.
    public init(
        configuration: SMTPConfiguration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "onecall.mail.smtp")
    ) {
        self.configuration = configuration
        self.eventLoopGroup = eventLoopGroup
        var logger = logger
        logger[metadataKey: "smtp.server"] = "\(configuration.host):\(configuration.port)"
        self.logger = logger
    }

    /// Sends a message to its `to` and `cc` recipients and returns the server's receipt. Recipients
    /// the server refuses are listed in the receipt as long as it accepts at least one.
    ///
    /// Throws ``SMTPError`` (its ``SMTPError/isTransient`` says whether to retry), or
    /// `CancellationError` when the task is cancelled.
    public func send(_ message: MailMessage) async throws -> SMTPReceipt {
        try configuration.validate()
        var message = message
        let messageID =
            try message.messageID.map(MailMessage.normalizedMessageID)
            ?? MailMessage.makeMessageID(domain: configuration.heloName)
        message.messageID = messageID
        let rendered = try message.rendered(messageIDDomain: configuration.heloName)
        let settings = SMTPClientStateMachine.Settings(
            heloName: configuration.heloName, security: configuration.security,
            credentials: configuration.credentials,
            allowsInsecureAuthentication: configuration.allowsInsecureAuthentication,
            sender: message.from.address, recipients: message.recipients, messageSize: rendered.count)

        let clock = ContinuousClock()
        let start = clock.now
        let tls = configuration.security == .none ? nil : try makeSSLContext()
        let connection = try await SMTPClientConnection.connect(
            configuration: configuration, group: eventLoopGroup, implicitTLS: configuration.security == .tls ? tls : nil
        )
        let connectDuration = clock.now - start
        logger.debug("smtp connected", metadata: ["smtp.message_id": "\(messageID)"])

        let outcome: Result<SMTPClientStateMachine.Delivery, SMTPError>
        do {
            let delivery = try await withTaskCancellationHandler {
                try await converse(
                    connection, settings: settings, data: SMTPDotStuffing.stuff(rendered), tls: tls)
            } onCancel: {
                connection.channel.close(promise: nil)
            }
            outcome = .success(delivery)
        } catch let error as SMTPError {
            outcome = .failure(error)
        } catch {
            outcome = .failure(SMTPError(.connectionClosed, "send interrupted", detail: "\(error)"))
        }
        await connection.close()
        // A message the server accepted counts even if the task was cancelled meanwhile.
        if case .failure = outcome, Task.isCancelled { throw CancellationError() }
        let delivery = try outcome.get()
        let receipt = SMTPReceipt(
            finalReply: delivery.finalReply, messageID: messageID, acceptedRecipients: delivery.acceptedRecipients,
            refusedRecipients: delivery.refusedRecipients, usedTLS: delivery.usedTLS,
            authenticated: delivery.authenticated, connectDuration: connectDuration, totalDuration: clock.now - start)
        logger.debug(
            "smtp message accepted",
            metadata: [
                "smtp.message_id": "\(messageID)", "smtp.reply": "\(receipt.finalReply)",
                "smtp.refused": "\(receipt.refusedRecipients.count)",
            ])
        return receipt
    }

    /// Sends a plain-text message from the configured ``SMTPConfiguration/from`` to the configured
    /// ``SMTPConfiguration/to``.
    public func send(subject: String, body: String) async throws -> SMTPReceipt {
        guard let from = configuration.from, !configuration.to.isEmpty else {
            throw SMTPError(.invalidConfiguration, "from/to: needed to send without an explicit message")
        }
        let message = MailMessage(
            from: try MailAddress(parsing: from), to: try configuration.to.map { try MailAddress(parsing: $0) },
            subject: subject, body: body)
        return try await send(message)
    }

    // MARK: Conversation

    private func converse(
        _ connection: SMTPClientConnection, settings: SMTPClientStateMachine.Settings, data: [UInt8],
        tls: NIOSSLContext?
    ) async throws(SMTPError) -> SMTPClientStateMachine.Delivery {
        var machine = SMTPClientStateMachine(settings: settings, connectionIsSecure: configuration.security == .tls)
        var action = await receive(connection, into: &machine)
        while true {
            switch action {
            case .send(let command):
                logger.trace("smtp command", metadata: ["smtp.command": "\(command)"])
                await connection.write(Array((command.line + "\r\n").utf8))
                action = await receive(connection, into: &machine)
            case .startTLS:
                guard let tls else { throw SMTPError(.tlsFailed, "TLS is not configured") }
                do {
                    try await connection.startTLS(
                        context: tls, serverHostname: SMTPClientConnection.serverName(configuration))
                    action = machine.tlsStarted()
                } catch {
                    action = machine.connectionFailed(error)
                }
            case .sendMessage:
                logger.trace("smtp message data", metadata: ["smtp.octets": "\(data.count)"])
                await connection.write(data)
                action = await receive(connection, into: &machine)
            case .succeed(let delivery):
                return delivery
            case .fail(let error):
                logger.debug("smtp send failed", metadata: ["smtp.error": "\(error.debugDescription)"])
                throw error
            }
        }
    }

    private func receive(
        _ connection: SMTPClientConnection, into machine: inout SMTPClientStateMachine
    ) async -> SMTPClientStateMachine.Action {
        do {
            let reply = try await connection.nextReply()
            logger.trace("smtp reply", metadata: ["smtp.reply_code": "\(reply.code)"])
            return machine.replyReceived(reply)
        } catch {
            return machine.connectionFailed(error)
        }
    }

    private func makeSSLContext() throws(SMTPError) -> NIOSSLContext {
        var tls = TLSConfiguration.makeClientConfiguration()
        switch configuration.trustRoots {
        case .system: tls.trustRoots = .default
        case .file(let path): tls.trustRoots = .file(path)
        }
        tls.certificateVerification = configuration.verifyCertificate ? .fullVerification : .none
        do {
            return try NIOSSLContext(configuration: tls)
        } catch {
            throw SMTPError(.invalidConfiguration, "trustRoots: cannot build the TLS context", detail: "\(error)")
        }
    }
}
