/// What the server said about a sent message.
public struct SMTPReceipt: Sendable, Hashable {
    /// The server's reply to the end of the message, such as `250 OK queued as 4F2A`.
    public var finalReply: SMTPReply
    /// The Message-ID the message was sent with, in angle brackets.
    public var messageID: String
    /// The recipients the server accepted.
    public var acceptedRecipients: [String]
    /// The recipients the server refused (while accepting at least one other), with its replies.
    public var refusedRecipients: [SMTPRecipientRefusal]
    /// Whether the message went over TLS.
    public var usedTLS: Bool
    /// Whether the client authenticated.
    public var authenticated: Bool
    /// Time from the start of the send to the open TCP connection.
    public var connectDuration: Duration
    /// Time from the start of the send to the server's final reply.
    public var totalDuration: Duration

    /// Creates a receipt.
    public init(
        finalReply: SMTPReply, messageID: String, acceptedRecipients: [String],
        refusedRecipients: [SMTPRecipientRefusal], usedTLS: Bool, authenticated: Bool, connectDuration: Duration,
        totalDuration: Duration
    ) {
        self.finalReply = finalReply
        self.messageID = messageID
        self.acceptedRecipients = acceptedRecipients
        self.refusedRecipients = refusedRecipients
        self.usedTLS = usedTLS
        self.authenticated = authenticated
        self.connectDuration = connectDuration
        self.totalDuration = totalDuration
    }

    /// The server's final reply as text, such as `250 OK queued as 4F2A`.
    public var finalReplyText: String { finalReply.description }
}
