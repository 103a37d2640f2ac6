/// Why sending mail failed. ``description`` is safe to log (no credentials, addresses or message
/// text); the server's reply and lower-level details are in ``debugDescription``.
public struct SMTPError: Error, Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The kinds of failure.
    public enum Code: String, Sendable, Hashable {
        /// No TCP connection could be made (refused, unreachable, name not found).
        case connectFailed
        /// The server closed the connection, or it broke, before the conversation ended.
        case connectionClosed
        /// TLS could not be set up: handshake or certificate failure, or STARTTLS required but not offered.
        case tlsFailed
        /// The connection, a reply or the TLS handshake took longer than configured.
        case timeout
        /// The server refused with a 4yz reply: try again later.
        case transient
        /// The server refused with a 5yz reply: trying again will not help.
        case permanent
        /// The server broke the protocol: a malformed or unexpected reply, or data after a STARTTLS reply.
        case protocolViolation
        /// A reply line or a whole reply exceeded the configured bounds.
        case replyTooLong
        /// The server rejected the credentials, or offers no mechanism this client supports.
        case authenticationFailed
        /// Credentials would have been sent over an unencrypted connection, which the configuration forbids.
        case insecureAuthentication
        /// The message is larger than the SIZE the server announced.
        case messageTooLarge
        /// The message or an address is malformed (for instance CR or LF in a header value).
        case invalidMessage
        /// The configuration is incomplete or inconsistent.
        case invalidConfiguration
    }

    /// What went wrong.
    public var code: Code
    /// A fixed explanation, free of customer data.
    public var reason: String
    /// The server's reply, when the failure is a reply.
    public var reply: SMTPReply?
    /// Recipients the server refused, when the failure is that it refused them all.
    public var refusedRecipients: [SMTPRecipientRefusal]
    /// Details that may hold customer data (addresses, the lower-level error), for debugging only.
    public var detail: String?

    /// Creates an error.
    public init(
        _ code: Code, _ reason: String, reply: SMTPReply? = nil, refusedRecipients: [SMTPRecipientRefusal] = [],
        detail: String? = nil
    ) {
        self.code = code
        self.reason = reason
        self.reply = reply
        self.refusedRecipients = refusedRecipients
        self.detail = detail
    }

    /// The server's reply code, if the failure is a reply.
    public var replyCode: Int? { reply?.code }

    /// Whether sending again later may succeed: connection failures, timeouts and 4yz replies are
    /// transient; 5yz replies, invalid messages, configuration and protocol errors are not.
    public var isTransient: Bool {
        switch code {
        case .connectFailed, .connectionClosed, .timeout, .transient:
            return true
        case .tlsFailed, .authenticationFailed:
            return reply?.isTransientFailure ?? false
        case .permanent, .protocolViolation, .replyTooLong, .insecureAuthentication, .messageTooLarge,
            .invalidMessage, .invalidConfiguration:
            return false
        }
    }

    public var description: String {
        "SMTP \(code.rawValue): \(reason)" + (reply.map { " (reply \($0.code))" } ?? "")
    }

    public var debugDescription: String {
        var text = description
        if let reply { text += "; server said: \(reply.description)" }
        for refusal in refusedRecipients { text += "; refused \(refusal.address): \(refusal.reply.description)" }
        if let detail { text += "; \(detail)" }
        return text
    }
}
