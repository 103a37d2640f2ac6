import OneCallCore

/// A plain-text message about a ticket, ready for a mail transport.
public struct TicketMail: Sendable, Hashable {
    public var subject: String
    public var body: String
    /// Stable per ticket action, so that a message re-sent after a crash is recognisable as the same.
    public var messageID: String

    public init(subject: String, body: String, messageID: String) {
        self.subject = subject
        self.body = body
        self.messageID = messageID
    }
}

/// Why an action failed. A transient failure (a peer that is down, a timeout, a 4xx reply) is
/// retried with back-off; a permanent one is recorded and not retried.
public struct ActionFailure: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public var isTransient: Bool

    public init(_ message: String, isTransient: Bool) {
        self.message = message
        self.isTransient = isTransient
    }

    public var description: String { message }
}

/// Sends ticket e-mail (an SMTP client in the app).
public protocol MailSender: Sendable {
    /// Sends the message and returns the receipt to record (the server's reply, recipients);
    /// throws ``ActionFailure``.
    func send(_ mail: TicketMail) async throws -> JSONObject
}

/// Acts on devices (the broker and the shadow service in the app).
public protocol DeviceCommander: Sendable {
    /// Asks the device to clear its fault; returns what was sent. Throws ``ActionFailure``.
    func clearFault(deviceID: String, ticketID: String) async throws -> JSONObject
}
