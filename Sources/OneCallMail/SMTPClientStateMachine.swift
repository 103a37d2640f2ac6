import OneCallCore

/// The client side of one SMTP conversation (RFC 5321 §3, §4.1; STARTTLS per RFC 3207; AUTH PLAIN
/// and LOGIN per RFC 4954 and RFC 4616), as a value: it takes the server's replies and says what to
/// do next. It does no I/O, so every path is tested without a socket.
///
/// The driver opens the connection, then feeds each reply to ``replyReceived(_:)`` and carries out
/// the returned ``Action``: write a command, start TLS (then call ``tlsStarted()``), or write the
/// message. ``Action/succeed(_:)`` and ``Action/fail(_:)`` end the conversation; the connection is
/// then closed. If the connection fails first, ``connectionFailed(_:)`` gives the outcome.
public struct SMTPClientStateMachine: Sendable {
    /// A user name and password for AUTH; ``description`` hides the password.
    public struct Credentials: Sendable, Hashable, CustomStringConvertible {
        /// The authentication identity.
        public var username: String
        /// The password; a secret.
        public var password: String

        /// Creates credentials.
        public init(username: String, password: String) {
            self.username = username
            self.password = password
        }

        public var description: String { "Credentials(username: \(username), password: <secret>)" }
    }

    /// What the conversation needs to know.
    public struct Settings: Sendable, Hashable {
        /// The domain sent with EHLO and HELO.
        public var heloName: String
        /// Whether and how TLS is used.
        public var security: SMTPConfiguration.Security
        /// Credentials for AUTH, or `nil` to send without authenticating.
        public var credentials: Credentials?
        /// Whether credentials may be sent over a connection without TLS.
        public var allowsInsecureAuthentication: Bool
        /// The envelope sender (MAIL FROM); empty for the null reverse-path.
        public var sender: String
        /// The envelope recipients (RCPT TO), in order.
        public var recipients: [String]
        /// The size of the message in octets, checked against SIZE and announced with MAIL FROM.
        public var messageSize: Int

        /// Creates settings.
        public init(
            heloName: String, security: SMTPConfiguration.Security = .none, credentials: Credentials? = nil,
            allowsInsecureAuthentication: Bool = false, sender: String, recipients: [String], messageSize: Int
        ) {
            self.heloName = heloName
            self.security = security
            self.credentials = credentials
            self.allowsInsecureAuthentication = allowsInsecureAuthentication
            self.sender = sender
            self.recipients = recipients
            self.messageSize = messageSize
        }
    }

    /// The next thing the driver must do.
    public enum Action: Sendable, Hashable {
        /// Write the command and feed its reply back.
        case send(SMTPCommand)
        /// Put TLS under the connection now, then call ``tlsStarted()`` and carry out its action.
        case startTLS
        /// Write the message (dot-stuffed, ended by CR LF . CR LF) and feed the reply back.
        case sendMessage
        /// The message was accepted; close the connection.
        case succeed(Delivery)
        /// Sending failed; close the connection.
        case fail(SMTPError)
    }

    /// What the server did with an accepted message.
    public struct Delivery: Sendable, Hashable {
        /// The server's reply to the end of the message, such as `250 OK queued as X`.
        public var finalReply: SMTPReply
        /// The recipients the server accepted.
        public var acceptedRecipients: [String]
        /// The recipients the server refused, with its replies.
        public var refusedRecipients: [SMTPRecipientRefusal]
        /// Whether the message went over TLS.
        public var usedTLS: Bool
        /// Whether the client authenticated.
        public var authenticated: Bool
        /// What the server announced in its last EHLO reply.
        public var capabilities: SMTPServerCapabilities
    }

    private enum LoginStep: Sendable, Hashable { case username, password, result }

    private enum State: Sendable {
        case greeting
        case ehlo
        case helo
        case startTLS
        case startingTLS
        case authPlain(answered: Bool)
        case authLogin(LoginStep)
        case mail
        case rcpt(Int)
        case data
        case message
        case quitting(Result<Delivery, SMTPError>)
        case finished
    }

    /// The settings this conversation runs with.
    public let settings: Settings
    private var state = State.greeting
    private var isSecure: Bool
    private var authenticated = false
    private var capabilities = SMTPServerCapabilities()
    private var accepted: [String] = []
    private var refused: [SMTPRecipientRefusal] = []
    private var finalReply: SMTPReply?

    /// Creates the conversation; `connectionIsSecure` is true when TLS was set up on connect (implicit TLS).
    public init(settings: Settings, connectionIsSecure: Bool = false) {
        self.settings = settings
        self.isSecure = connectionIsSecure
    }

    /// Whether the conversation has ended (after ``Action/succeed(_:)`` or ``Action/fail(_:)``).
    public var isFinished: Bool {
        if case .finished = state { return true }
        return false
    }

    /// Whether the connection runs over TLS now.
    public var isUsingTLS: Bool { isSecure }

    // MARK: Events

    /// Takes the server's next reply.
    public mutating func replyReceived(_ reply: SMTPReply) -> Action {
        switch state {
        case .greeting:
            if reply.code == 220 {
                state = .ehlo
                return .send(.ehlo(settings.heloName))
            }
            return refused(reply, "greeting refused")

        case .ehlo:
            if reply.code == 250 {
                capabilities = SMTPServerCapabilities(ehloReply: reply)
                return afterHello()
            }
            if reply.code == 500 || reply.code == 502 {
                // An RFC 821 server: fall back to HELO, which announces no extensions.
                state = .helo
                return .send(.helo(settings.heloName))
            }
            return refused(reply, "EHLO refused")

        case .helo:
            if reply.code == 250 {
                capabilities = SMTPServerCapabilities()
                return afterHello()
            }
            return refused(reply, "HELO refused")

        case .startTLS:
            if reply.code == 220 {
                state = .startingTLS
                return .startTLS
            }
            if reply.code != 421 && (reply.isTransientFailure || reply.isPermanentFailure) {
                // Opportunistic TLS goes on in the clear when the server declines; required TLS stops.
                if settings.security == .startTLSIfAvailable { return authenticateOrSend() }
                return quit(SMTPError(.tlsFailed, "STARTTLS refused", reply: reply))
            }
            return refused(reply, "STARTTLS refused")

        case .startingTLS:
            return fail(SMTPError(.protocolViolation, "reply received while TLS was starting", reply: reply))

        case .authPlain(let answered):
            if reply.code == 235 {
                authenticated = true
                return sendMail()
            }
            if reply.code == 334 && !answered, let credentials = settings.credentials {
                // The server ignored the initial response and asks for it.
                state = .authPlain(answered: true)
                return .send(.authResponse(Self.plainResponse(credentials)))
            }
            return authenticationRefused(reply)

        case .authLogin(let step):
            guard let credentials = settings.credentials else { return authenticationRefused(reply) }
            switch (step, reply.code) {
            case (.username, 334):
                state = .authLogin(.password)
                return .send(.authResponse(Base64.encode(Array(credentials.username.utf8))))
            case (.password, 334):
                state = .authLogin(.result)
                return .send(.authResponse(Base64.encode(Array(credentials.password.utf8))))
            case (.result, 235):
                authenticated = true
                return sendMail()
            default:
                return authenticationRefused(reply)
            }

        case .mail:
            if reply.isPositiveCompletion {
                return sendRecipient(0)
            }
            return refused(reply, "MAIL FROM refused")

        case .rcpt(let index):
            let address = settings.recipients[index]
            if reply.code == 250 || reply.code == 251 {
                accepted.append(address)
            } else if reply.code == 421 {
                return refused(reply, "server closing")
            } else if reply.isTransientFailure || reply.isPermanentFailure {
                refused.append(SMTPRecipientRefusal(address: address, reply: reply))
            } else {
                return fail(SMTPError(.protocolViolation, "unexpected reply to RCPT TO", reply: reply))
            }
            if index + 1 < settings.recipients.count {
                return sendRecipient(index + 1)
            }
            if accepted.isEmpty {
                let transient = refused.contains { $0.isTransient }
                return quit(
                    SMTPError(
                        transient ? .transient : .permanent, "all recipients refused", reply: reply,
                        refusedRecipients: refused))
            }
            state = .data
            return .send(.data)

        case .data:
            if reply.code == 354 {
                state = .message
                return .sendMessage
            }
            return refused(reply, "DATA refused")

        case .message:
            if reply.isPositiveCompletion {
                let delivery = Delivery(
                    finalReply: reply, acceptedRecipients: accepted, refusedRecipients: refused, usedTLS: isSecure,
                    authenticated: authenticated, capabilities: capabilities)
                state = .quitting(.success(delivery))
                return .send(.quit)
            }
            return refused(reply, "message refused")

        case .quitting(let outcome):
            // Whatever the server answers to QUIT, the outcome is already known.
            state = .finished
            return Self.action(for: outcome)

        case .finished:
            return fail(SMTPError(.protocolViolation, "reply after the conversation ended", reply: reply))
        }
    }

    /// TLS was put under the connection after the server's 220 to STARTTLS; the client greets again
    /// and forgets what it learned before (RFC 3207 §4.2).
    public mutating func tlsStarted() -> Action {
        guard case .startingTLS = state else {
            return fail(SMTPError(.protocolViolation, "TLS started at the wrong time"))
        }
        isSecure = true
        capabilities = SMTPServerCapabilities()
        state = .ehlo
        return .send(.ehlo(settings.heloName))
    }

    /// The connection ended, or a reply did not come: gives the outcome, which is `error` unless the
    /// message was already accepted and only the answer to QUIT is missing.
    public mutating func connectionFailed(_ error: SMTPError) -> Action {
        switch state {
        case .quitting(let outcome):
            state = .finished
            return Self.action(for: outcome)
        default:
            return fail(error)
        }
    }

    // MARK: Steps

    private mutating func afterHello() -> Action {
        if !isSecure {
            switch settings.security {
            case .startTLS:
                guard capabilities.supportsStartTLS else {
                    return quit(SMTPError(.tlsFailed, "server does not offer STARTTLS"))
                }
                state = .startTLS
                return .send(.startTLS)
            case .startTLSIfAvailable where capabilities.supportsStartTLS:
                state = .startTLS
                return .send(.startTLS)
            case .none, .tls, .startTLSIfAvailable:
                break
            }
        }
        return authenticateOrSend()
    }

    private mutating func authenticateOrSend() -> Action {
        guard let credentials = settings.credentials, !authenticated else { return sendMail() }
        guard isSecure || settings.allowsInsecureAuthentication else {
            return quit(SMTPError(.insecureAuthentication, "refusing to send credentials without TLS"))
        }
        let mechanisms = capabilities.authenticationMechanisms
        if mechanisms.contains("PLAIN") {
            state = .authPlain(answered: false)
            return .send(.auth(mechanism: "PLAIN", initialResponse: Self.plainResponse(credentials)))
        }
        if mechanisms.contains("LOGIN") {
            state = .authLogin(.username)
            return .send(.auth(mechanism: "LOGIN", initialResponse: nil))
        }
        return quit(SMTPError(.authenticationFailed, "server offers neither AUTH PLAIN nor AUTH LOGIN"))
    }

    private mutating func sendMail() -> Action {
        guard !settings.recipients.isEmpty else {
            return quit(SMTPError(.invalidMessage, "no recipients"))
        }
        if let limit = capabilities.maximumMessageSize, settings.messageSize > limit {
            return quit(
                SMTPError(
                    .messageTooLarge, "message exceeds the server's SIZE limit",
                    detail: "\(settings.messageSize) > \(limit) octets"))
        }
        state = .mail
        return .send(.mail(from: settings.sender, size: capabilities.supportsSize ? settings.messageSize : nil))
    }

    private mutating func sendRecipient(_ index: Int) -> Action {
        state = .rcpt(index)
        return .send(.rcpt(to: settings.recipients[index]))
    }

    private mutating func authenticationRefused(_ reply: SMTPReply) -> Action {
        if reply.code == 421 { return refused(reply, "server closing") }
        if reply.isTransientFailure || reply.isPermanentFailure {
            return quit(SMTPError(.authenticationFailed, "authentication refused", reply: reply))
        }
        return fail(SMTPError(.protocolViolation, "unexpected reply to AUTH", reply: reply))
    }

    /// A refusal at any step: 421 means the server is closing, so the client just goes; other 4yz
    /// and 5yz replies end the conversation with QUIT; anything else breaks the protocol.
    private mutating func refused(_ reply: SMTPReply, _ reason: String) -> Action {
        if reply.code == 421 {
            return fail(SMTPError(.transient, "server closing the connection", reply: reply))
        }
        if reply.isTransientFailure { return quit(SMTPError(.transient, reason, reply: reply)) }
        if reply.isPermanentFailure { return quit(SMTPError(.permanent, reason, reply: reply)) }
        return fail(SMTPError(.protocolViolation, "unexpected reply (\(reason))", reply: reply))
    }

    private mutating func quit(_ error: SMTPError) -> Action {
        state = .quitting(.failure(error))
        return .send(.quit)
    }

    private mutating func fail(_ error: SMTPError) -> Action {
        state = .finished
        return .fail(error)
    }

    private static func action(for outcome: Result<Delivery, SMTPError>) -> Action {
        switch outcome {
        case .success(let delivery): return .succeed(delivery)
        case .failure(let error): return .fail(error)
        }
    }

    /// The RFC 4616 message: an empty authorization identity, then user name and password, NUL-separated.
    static func plainResponse(_ credentials: Credentials) -> String {
        Base64.encode([0] + Array(credentials.username.utf8) + [0] + Array(credentials.password.utf8))
    }
}
