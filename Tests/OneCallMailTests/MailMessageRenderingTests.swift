import Foundation
import Testing

@testable import OneCallMail

/// RFC 5322 rendering: headers, folding, encoded-words, transfer encodings, dot-stuffing, and the
/// refusal of header injection and malformed addresses.
@Suite struct MailMessageRenderingTests {
    static let date = Date(timeIntervalSince1970: 1_709_210_096)  // Thu, 29 Feb 2024 12:34:56 UTC

    static func message(
        subject: String = "Hello", body: String = "Hi.\n", from: MailAddress? = nil, to: [MailAddress]? = nil,
        extra: [MailMessage.Header] = []
    ) throws -> MailMessage {
        MailMessage(
            from: try from ?? MailAddress("onecall@example.com", displayName: "OneCall"),
            to: try to ?? [MailAddress("ops@example.com")], subject: subject, body: body, date: date,
            messageID: "abc-123@onecall.example", extraHeaders: extra)
    }

    static func text(_ message: MailMessage) throws -> String {
        String(decoding: try message.rendered(), as: UTF8.self)
    }

    /// The header fields of rendered text, unfolded.
    static func headers(_ text: String) -> [String: String] {
        var fields: [(String, String)] = []
        for line in text.components(separatedBy: "\r\n\r\n")[0].components(separatedBy: "\r\n") {
            if line.hasPrefix(" ") || line.hasPrefix("\t") {
                fields[fields.count - 1].1 += line
            } else if let colon = line.firstIndex(of: ":") {
                fields.append((String(line[..<colon]), String(line[line.index(colon, offsetBy: 2)...])))
            }
        }
        return Dictionary(fields, uniquingKeysWith: { first, _ in first })
    }

    @Test func rendersAPlainMessageByteForByte() throws {
        let text = try Self.text(Self.message(extra: [MailMessage.Header("X-OneCall-Ticket", "T-42")]))
        #expect(
            text == "Date: Thu, 29 Feb 2024 12:34:56 +0000\r\n" + "From: OneCall <onecall@example.com>\r\n"
                + "To: ops@example.com\r\n" + "Subject: Hello\r\n" + "Message-ID: <abc-123@onecall.example>\r\n"
                + "MIME-Version: 1.0\r\n" + "Content-Type: text/plain; charset=utf-8\r\n"
                + "Content-Transfer-Encoding: 7bit\r\n" + "X-OneCall-Ticket: T-42\r\n" + "\r\n" + "Hi.\r\n")
    }

    @Test func datesAreRFC5322InUTC() {
        #expect(MailMessage.formatDate(Date(timeIntervalSince1970: 0)) == "Thu, 01 Jan 1970 00:00:00 +0000")
        #expect(MailMessage.formatDate(Self.date) == "Thu, 29 Feb 2024 12:34:56 +0000")
        #expect(MailMessage.formatDate(Date(timeIntervalSince1970: -86_400)) == "Wed, 31 Dec 1969 00:00:00 +0000")
    }

    @Test func longHeadersAreFoldedAtWhiteSpace() throws {
        let subject = (1...40).map { "word\($0)" }.joined(separator: " ")
        let text = try Self.text(Self.message(subject: subject))
        let headerLines = text.components(separatedBy: "\r\n\r\n")[0].components(separatedBy: "\r\n")
        #expect(headerLines.allSatisfy { $0.utf8.count <= 78 })
        #expect(headerLines.filter { $0.hasPrefix(" ") }.count >= 3)
        #expect(Self.headers(text)["Subject"] == subject)

        let many = try (1...12).map { try MailAddress("recipient\($0)@example.com", displayName: "Recipient \($0)") }
        let listText = try Self.text(Self.message(to: many))
        #expect(listText.components(separatedBy: "\r\n").allSatisfy { $0.utf8.count <= 78 })
        #expect(Self.headers(listText)["To"]?.contains("Recipient 12 <recipient12@example.com>") == true)
    }

    @Test func nonASCIISubjectAndNamesBecomeEncodedWords() throws {
        let subject = "Störung E2 – Kältemittel niedrig 🚨 at Bürogebäude Nord, Raum 3.14 (Klimagerät aircon_2)"
        let message = try Self.message(
            subject: subject, from: MailAddress("onecall@example.com", displayName: "Überwachung"))
        let text = try Self.text(message)
        #expect(text.utf8.allSatisfy { $0 < 0x80 })
        let headers = Self.headers(text)
        let encoded = try #require(headers["Subject"])
        let words = encoded.split(separator: " ")
        #expect(words.count > 1)
        #expect(words.allSatisfy { $0.hasPrefix("=?utf-8?B?") && $0.hasSuffix("?=") && $0.count <= 75 })
        #expect(MIMEEncodedWord.decode(encoded) == subject)
        #expect(MIMEEncodedWord.decode(try #require(headers["From"])) == "Überwachung <onecall@example.com>")
    }

    @Test func encodedWordsNeverSplitACharacter() {
        let text = String(repeating: "🚨", count: 40) + String(repeating: "é", count: 33)
        let words = MIMEEncodedWord.encode(text)
        #expect(words.allSatisfy { $0.count <= MIMEEncodedWord.maximumLength })
        for word in words {
            // Each word decodes on its own to whole characters.
            let decoded = MIMEEncodedWord.decode(word)
            #expect(!decoded.contains("\u{FFFD}"))
        }
        #expect(MIMEEncodedWord.decode(words.joined(separator: "\r\n ")) == text)
    }

    @Test func displayNamesAreAtomsQuotedStringsOrEncodedWords() throws {
        #expect(
            MailMessage.headerText(try MailAddress("a@example.com", displayName: "Site Ops"))
                == "Site Ops <a@example.com>")
        #expect(
            MailMessage.headerText(try MailAddress("a@example.com", displayName: "Ops, \"Night\" Shift"))
                == "\"Ops, \\\"Night\\\" Shift\" <a@example.com>")
        #expect(MailMessage.headerText(try MailAddress("a@example.com")) == "a@example.com")
        let parsed = try MailAddress(parsing: "\"Ops, Night\" <night@example.com>")
        #expect(parsed.displayName == "Ops, Night" && parsed.address == "night@example.com")
        #expect(try MailAddress(parsing: " <x@example.com> ").address == "x@example.com")
        #expect(try MailAddress(parsing: "plain@example.com").displayName == nil)
    }

    @Test func plainASCIIBodyIs7BitWithCRLF() throws {
        let text = try Self.text(Self.message(body: "line one\nline two\r\nline three\rend"))
        #expect(Self.headers(text)["Content-Transfer-Encoding"] == "7bit")
        #expect(text.hasSuffix("\r\n\r\nline one\r\nline two\r\nline three\r\nend\r\n"))
    }

    @Test func nonASCIIOrLongLinesUseQuotedPrintable() throws {
        let body = "Temperatur über 30 °C = zu heiß \nTrailing space \n" + String(repeating: "x", count: 1200)
        let text = try Self.text(Self.message(body: body))
        #expect(Self.headers(text)["Content-Transfer-Encoding"] == "quoted-printable")
        let encodedBody = text.components(separatedBy: "\r\n\r\n").dropFirst().joined(separator: "\r\n\r\n")
        let lines = encodedBody.components(separatedBy: "\r\n")
        #expect(lines.allSatisfy { $0.utf8.count <= 76 })
        #expect(encodedBody.utf8.allSatisfy { $0 < 0x80 })
        #expect(lines[0].hasPrefix("Temperatur =C3=BCber 30 =C2=B0C =3D zu hei=C3=9F=20"))
        let decoded = try #require(QuotedPrintable.decode(encodedBody))
        #expect(String(decoding: decoded, as: UTF8.self) == body.replacingOccurrences(of: "\n", with: "\r\n") + "\r\n")

        let longASCII = try Self.text(Self.message(body: String(repeating: "y", count: 999)))
        #expect(Self.headers(longASCII)["Content-Transfer-Encoding"] == "quoted-printable")
        let fits = try Self.text(Self.message(body: String(repeating: "y", count: 998)))
        #expect(Self.headers(fits)["Content-Transfer-Encoding"] == "7bit")
    }

    @Test func dotStuffingDoublesLeadingDotsAndEndsWithTheMarker() {
        let message = Array(".hidden\r\nnormal\r\n..two\r\n.\r\nlast".utf8)
        let stuffed = String(decoding: SMTPDotStuffing.stuff(message), as: UTF8.self)
        #expect(stuffed == "..hidden\r\nnormal\r\n...two\r\n..\r\nlast\r\n.\r\n")
        let received = stuffed.components(separatedBy: "\r\n").dropLast()
        var restored: [String] = []
        for line in received {
            guard let unstuffed = SMTPDotStuffing.unstuff(line: Array(line.utf8)) else { break }
            restored.append(String(decoding: unstuffed, as: UTF8.self))
        }
        #expect(restored == [".hidden", "normal", "..two", ".", "last"])
        #expect(String(decoding: SMTPDotStuffing.stuff(Array("a\r\n".utf8)), as: UTF8.self) == "a\r\n.\r\n")
        #expect(String(decoding: SMTPDotStuffing.stuff(Array("a\n".utf8)), as: UTF8.self) == "a\r\n.\r\n")
    }

    @Test func headerInjectionIsRefused() throws {
        let attempts: [() throws -> Void] = [
            { _ = try Self.text(Self.message(subject: "Alarm\r\nBcc: victim@example.com")) },
            { _ = try Self.text(Self.message(subject: "Alarm\nX-Evil: 1")) },
            { _ = try Self.text(Self.message(extra: [MailMessage.Header("X-Ticket", "1\r\nBcc: v@example.com")])) },
            { _ = try Self.text(Self.message(extra: [MailMessage.Header("X-Bad: Name", "1")])) },
            { _ = try Self.text(Self.message(extra: [MailMessage.Header("Bcc", "v@example.com")])) },
            { _ = try MailAddress("ops@example.com\r\nBcc: v@example.com") },
            { _ = try MailAddress("ops@example.com", displayName: "Ops\nBcc: v@example.com") },
            {
                var message = try Self.message()
                message.messageID = "<x@y>\r\nBcc: v@example.com"
                _ = try message.rendered()
            },
        ]
        for attempt in attempts {
            #expect {
                try attempt()
            } throws: { error in
                (error as? SMTPError)?.code == .invalidMessage
            }
        }
        let error = try #require(throws: SMTPError.self) { _ = try Self.text(Self.message(subject: "a\r\nb")) }
        #expect(error.description.contains("header injection"))
    }

    @Test func addressesAreValidated() throws {
        for good in ["ops@example.com", "first.last+tag@sub.example.co", "x@localhost", "o'neil@[127.0.0.1]"] {
            #expect(throws: Never.self) { try MailAddress(good) }
        }
        let tooLong = String(repeating: "a", count: 64) + "@" + String(repeating: "b", count: 186) + ".com"
        #expect(tooLong.utf8.count == 255)
        let bad = [
            "", "no-at-sign", "@example.com", "ops@", "two..dots@example.com", ".lead@example.com", "ops@-bad.example",
            "ops@exa mple.com", "spa ce@example.com", "ünï@example.com", "ops@ex_ample.com",
            String(repeating: "a", count: 65) + "@example.com", tooLong,
        ]
        for address in bad {
            #expect(throws: SMTPError.self, "\(address)") { try MailAddress(address) }
        }
    }

    @Test func messageIDsAreNormalizedOrGenerated() throws {
        #expect(try MailMessage.normalizedMessageID("abc@host") == "<abc@host>")
        #expect(try MailMessage.normalizedMessageID("<abc@host>") == "<abc@host>")
        #expect(throws: SMTPError.self) { try MailMessage.normalizedMessageID("no at sign") }
        var message = try Self.message()
        message.messageID = nil
        let id = try #require(Self.headers(try Self.text(message))["Message-ID"])
        #expect(id.hasPrefix("<") && id.hasSuffix("@localhost>") && id.count == 48)
    }
}
