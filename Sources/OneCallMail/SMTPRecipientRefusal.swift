/// A recipient the server refused at RCPT TO, with its reply.
public struct SMTPRecipientRefusal: Sendable, Hashable {
    /// The refused address.
    public var address: String
    /// The server's reply to RCPT TO.
    public var reply: SMTPReply

    /// Creates a refusal.
    public init(address: String, reply: SMTPReply) {
        self.address = address
        self.reply = reply
    }

    /// Whether the refusal was temporary (4yz), so that the recipient may be tried again later.
    public var isTransient: Bool { reply.isTransientFailure }
}
