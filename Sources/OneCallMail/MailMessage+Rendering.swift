import Foundation
import OneCallCore

extension MailMessage {
    /// The longest line of a message, in octets without CR LF (RFC 5322 §2.1.1).
    public static let maximumLineLength = 998
    /// The line length that folding aims for (RFC 5322 §2.1.1 "SHOULD").
    static let preferredLineLength = 78

    /// Header names that the message sets itself and extra headers may not repeat.
    static let reservedHeaderNames: Set<String> = [
        "date", "from", "to", "cc", "bcc", "subject", "message-id", "mime-version", "content-type",
        "content-transfer-encoding",
    ]

    /// The message as RFC 5322 text with CR LF line endings, ready for DATA (before dot-stuffing):
    /// folded headers, non-ASCII subject and names as RFC 2047 encoded-words, and the body as
    /// `text/plain; charset=utf-8`, quoted-printable when it has non-ASCII text or lines over 998
    /// octets, else 7bit. `messageIDDomain` is used when ``messageID`` is `nil`.
    ///
    /// Throws ``SMTPError/Code/invalidMessage`` for CR or LF in a header value (header injection),
    /// a malformed extra header or message identifier, or no recipients.
    public func rendered(messageIDDomain: String = "localhost") throws(SMTPError) -> [UInt8] {
        guard !to.isEmpty || !cc.isEmpty else { throw SMTPError(.invalidMessage, "no recipients") }
        var lines: [String] = []
        lines.append(try Self.fold("Date: " + Self.formatDate(date)))
        lines.append(try Self.fold("From: " + Self.headerText(from)))
        if !to.isEmpty { lines.append(try Self.fold("To: " + to.map(Self.headerText).joined(separator: ", "))) }
        if !cc.isEmpty { lines.append(try Self.fold("Cc: " + cc.map(Self.headerText).joined(separator: ", "))) }
        lines.append(try Self.fold("Subject: " + Self.unstructured(subject, field: "Subject")))
        let id = try messageID.map(Self.normalizedMessageID) ?? Self.makeMessageID(domain: messageIDDomain)
        lines.append(try Self.fold("Message-ID: " + id))
        lines.append("MIME-Version: 1.0")
        lines.append("Content-Type: text/plain; charset=utf-8")
        let bodyLines = Self.bodyLines(body)
        let needsEncoding = bodyLines.contains { line in
            line.count > Self.maximumLineLength || line.contains { $0 >= 0x80 || $0 == 0 }
        }
        lines.append("Content-Transfer-Encoding: " + (needsEncoding ? "quoted-printable" : "7bit"))
        for header in extraHeaders {
            try Self.validateHeaderName(header.name)
            lines.append(try Self.fold(header.name + ": " + Self.unstructured(header.value, field: "extra header")))
        }
        var output = Array((lines.joined(separator: "\r\n") + "\r\n\r\n").utf8)
        if needsEncoding {
            output += QuotedPrintable.encode(lines: bodyLines)
        } else {
            for line in bodyLines { output += line + [13, 10] }
        }
        return output
    }

    /// The message identifier in angle brackets, checked.
    static func normalizedMessageID(_ raw: String) throws(SMTPError) -> String {
        var id = Substring(raw)
        if id.hasPrefix("<") && id.hasSuffix(">") { id = id.dropFirst().dropLast() }
        if id.utf8.contains(where: { $0 == 13 || $0 == 10 }) {
            throw SMTPError(.invalidMessage, "Message-ID holds CR or LF (header injection)")
        }
        guard let at = id.lastIndex(of: "@"), at != id.startIndex, id.index(after: at) != id.endIndex,
            id.utf8.count <= 250,
            id.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "<") && $0 != UInt8(ascii: ">") })
        else {
            throw SMTPError(.invalidMessage, "malformed Message-ID")
        }
        return "<\(id)>"
    }

    // MARK: Header values

    /// A mailbox for a header: the address alone, or `name <address>` with the name as atoms, a
    /// quoted string, or encoded-words.
    static func headerText(_ mailbox: MailAddress) -> String {
        guard let name = mailbox.displayName else { return mailbox.address }
        let phrase: String
        if MIMEEncodedWord.isPlainHeaderText(name) && !name.contains("\t") {
            let isAtoms =
                name.utf8.allSatisfy { MailAddress.isAtomText($0) || $0 == 0x20 }
                && !name.hasPrefix(" ") && !name.hasSuffix(" ")
            if isAtoms {
                phrase = name
            } else {
                var quoted = "\""
                for character in name {
                    if character == "\"" || character == "\\" { quoted.append("\\") }
                    quoted.append(character)
                }
                phrase = quoted + "\""
            }
        } else {
            phrase = MIMEEncodedWord.encode(name).joined(separator: " ")
        }
        return "\(phrase) <\(mailbox.address)>"
    }

    /// Unstructured text (RFC 5322 §3.2.5): kept as it is when it is plain ASCII whose words all fit
    /// on a line, else encoded-words. CR and LF are refused rather than folded away.
    static func unstructured(_ text: String, field: String) throws(SMTPError) -> String {
        if text.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" }) {
            throw SMTPError(.invalidMessage, "\(field) holds CR or LF (header injection)")
        }
        if MIMEEncodedWord.isPlainHeaderText(text) {
            let longestWord = text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(\.utf8.count).max() ?? 0
            if longestWord <= maximumLineLength - 100 { return text }
        }
        return MIMEEncodedWord.encode(text).joined(separator: " ")
    }

    static func validateHeaderName(_ name: String) throws(SMTPError) {
        guard !name.isEmpty, name.utf8.count <= 76,
            name.utf8.allSatisfy({ $0 >= 33 && $0 <= 126 && $0 != UInt8(ascii: ":") })
        else {
            throw SMTPError(.invalidMessage, "malformed header name (header injection?)")
        }
        guard !reservedHeaderNames.contains(name.lowercased()) else {
            throw SMTPError(.invalidMessage, "extra header repeats a standard field", detail: name)
        }
    }

    /// Folds a header field (RFC 5322 §2.2.3) by putting CR LF before white space, so that lines stay
    /// within 78 characters where the words allow and within 998 always.
    static func fold(_ field: String) throws(SMTPError) -> String {
        let bytes = Array(field.utf8)
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")) else { return field }
        // Never fold before trailing white space: a line of white space alone is not allowed.
        let lastContent = bytes.lastIndex(where: { $0 != 0x20 && $0 != 0x09 }) ?? 0
        var lines: [ArraySlice<UInt8>] = []
        var lineStart = 0
        var breakAt: Int?
        var sawContent = false
        var index = colon + 2
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x20 || byte == 0x09 {
                if sawContent && index < lastContent { breakAt = index }
            } else {
                sawContent = true
            }
            if index - lineStart >= preferredLineLength, let at = breakAt, at > lineStart {
                lines.append(bytes[lineStart..<at])
                lineStart = at
                breakAt = nil
                sawContent = false
                index = at + 1
                continue
            }
            index += 1
        }
        lines.append(bytes[lineStart...])
        guard lines.allSatisfy({ $0.count <= maximumLineLength }) else {
            throw SMTPError(.invalidMessage, "header line longer than \(maximumLineLength) octets")
        }
        return lines.map { String(decoding: $0, as: UTF8.self) }.joined(separator: "\r\n")
    }

    // MARK: Body and date

    /// The body's lines as octets, whatever its line breaks were.
    static func bodyLines(_ body: String) -> [[UInt8]] {
        var lines: [[UInt8]] = []
        var current: [UInt8] = []
        var previousWasCR = false
        for byte in body.utf8 {
            if byte == 10 {
                if !previousWasCR { lines.append(current) }
                current = []
                previousWasCR = false
            } else if byte == 13 {
                lines.append(current)
                current = []
                previousWasCR = true
            } else {
                current.append(byte)
                previousWasCR = false
            }
        }
        if !current.isEmpty || lines.isEmpty { lines.append(current) }
        return lines
    }

    /// `Tue, 03 Jun 2025 10:00:00 +0000` (RFC 5322 §3.3), in UTC.
    static func formatDate(_ date: Date) -> String {
        let time = CivilTime(epochSeconds: date.timeIntervalSince1970.rounded(.down))
        let days = Int((date.timeIntervalSince1970 / 86_400).rounded(.down))
        let weekdays = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(weekdays[((days % 7) + 7) % 7]), \(two(time.day)) \(months[time.month - 1]) \(time.year) "
            + "\(two(time.hour)):\(two(time.minute)):\(two(time.second)) +0000"
    }
}
