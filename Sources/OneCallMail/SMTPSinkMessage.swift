import Foundation

/// A message an ``SMTPSink`` received: the envelope and the data exactly as sent (after dot-unstuffing).
public struct SMTPSinkMessage: Sendable, Hashable {
    /// The sink's identifier for the message (also in its 250 reply and file name).
    public var id: String
    /// The envelope sender (MAIL FROM); empty for the null reverse-path.
    public var sender: String
    /// The envelope recipients the sink accepted (RCPT TO).
    public var recipients: [String]
    /// The name the client gave with EHLO or HELO.
    public var clientName: String
    /// The message data, lines ended by CR LF.
    public var data: [UInt8]
    /// When the sink received the end of the data.
    public var receivedAt: Date
    /// The `.eml` file it was written to, if the sink writes files.
    public var filePath: String?

    /// Creates a received message.
    public init(
        id: String, sender: String, recipients: [String], clientName: String, data: [UInt8], receivedAt: Date,
        filePath: String? = nil
    ) {
        self.id = id
        self.sender = sender
        self.recipients = recipients
        self.clientName = clientName
        self.data = data
        self.receivedAt = receivedAt
        self.filePath = filePath
    }

    /// The data as text (invalid UTF-8 replaced).
    public var text: String { String(decoding: data, as: UTF8.self) }

    /// The header section's fields, unfolded, in order.
    public var headers: [(name: String, value: String)] {
        var fields: [(name: String, value: String)] = []
        for line in text.components(separatedBy: "\r\n") {
            if line.isEmpty { break }
            if line.first == " " || line.first == "\t", !fields.isEmpty {
                fields[fields.count - 1].value += line
                continue
            }
            guard let colon = line.firstIndex(of: ":") else { continue }
            let value = line[line.index(after: colon)...].drop { $0 == " " || $0 == "\t" }
            fields.append((String(line[..<colon]), String(value)))
        }
        return fields
    }

    /// The first header field with this name (any case), unfolded, with encoded-words decoded.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }.map { MIMEEncodedWord.decode($0.value) }
    }

    /// The body as sent (after the blank line), still in its transfer encoding.
    public var body: String {
        guard let range = text.range(of: "\r\n\r\n") else { return "" }
        return String(text[range.upperBound...])
    }
}
