import Foundation
import OneCallCore

/// A plain-text e-mail: the header fields OneCall sets and a UTF-8 body. ``rendered(messageIDDomain:)``
/// turns it into RFC 5322 text ready for DATA.
public struct MailMessage: Sendable, Hashable {
    /// A further header field, such as `X-OneCall-Ticket: T-42`.
    public struct Header: Sendable, Hashable {
        /// The field name: printable ASCII without `:` or spaces.
        public var name: String
        /// The field value; non-ASCII text is sent as encoded-words, CR and LF are refused.
        public var value: String

        /// Creates a header field.
        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    /// The author, in `From:` and as the envelope sender.
    public var from: MailAddress
    /// The primary recipients.
    public var to: [MailAddress]
    /// The copied recipients; they are envelope recipients too.
    public var cc: [MailAddress]
    /// The subject; any Unicode text without line breaks.
    public var subject: String
    /// The plain-text body; line breaks may be LF, CR LF or CR.
    public var body: String
    /// The origination date.
    public var date: Date
    /// The message identifier with or without angle brackets (`<id@domain>`); generated when `nil`.
    public var messageID: String?
    /// Further header fields, after the standard ones.
    public var extraHeaders: [Header]

    /// Creates a message.
    public init(
        from: MailAddress, to: [MailAddress], cc: [MailAddress] = [], subject: String, body: String,
        date: Date = Date(), messageID: String? = nil, extraHeaders: [Header] = []
    ) {
        self.from = from
        self.to = to
        self.cc = cc
        self.subject = subject
        self.body = body
        self.date = date
        self.messageID = messageID
        self.extraHeaders = extraHeaders
    }

    /// The envelope recipients: `to` then `cc`, without repeats.
    public var recipients: [String] {
        var seen: Set<String> = []
        return (to + cc).map(\.address).filter { seen.insert($0.lowercased()).inserted }
    }

    /// A new message identifier, `<uuid@domain>`.
    public static func makeMessageID(domain: String) -> String {
        "<\(UUIDText.random())@\(domain)>"
    }
}
