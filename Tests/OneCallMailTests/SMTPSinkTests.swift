import Foundation
import NIOCore
import Testing

@testable import OneCallMail

/// ``SMTPSink`` on real sockets: with ``SMTPClient``, with Python's smtplib, and with garbage.
@Suite(.serialized, .timeLimit(.minutes(2))) struct SMTPSinkTests {
    static func clientConfiguration(port: Int) -> SMTPConfiguration {
        SMTPConfiguration(
            host: "127.0.0.1", port: port, security: .startTLSIfAvailable, heloName: "client.onecall.test",
            connectTimeout: .seconds(5), commandTimeout: .seconds(10), from: "OneCall <onecall@example.com>",
            to: ["ops@example.com", "nobody@example.com"])
    }

    @Test func clientToSinkRoundTrip() async throws {
        let directory = try MailTestPeers.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let sink = SMTPSink(
            configuration: SMTPSinkConfiguration(directory: directory.path, refusedRecipients: ["Nobody@example.com"]))
        let port = try await sink.start()
        #expect(sink.port == port && port > 0)

        let body = "Fault E2 on aircon_2.\n.\n.. two dots\nTemperatur 31 °C\n"
        let receipt = try await SMTPClient(configuration: Self.clientConfiguration(port: port))
            .send(subject: "Störung E2 – aircon_2", body: body)
        #expect(receipt.finalReplyText.hasPrefix("250 OK queued as "))
        #expect(receipt.acceptedRecipients == ["ops@example.com"])
        #expect(receipt.refusedRecipients.map(\.address) == ["nobody@example.com"])
        #expect(!receipt.usedTLS)

        var iterator = sink.messages.makeAsyncIterator()
        let streamed = try #require(await iterator.next())
        let message = try #require(sink.receivedMessages.first)
        #expect(streamed == message)
        #expect(receipt.finalReplyText == "250 OK queued as \(message.id)")
        #expect(message.sender == "onecall@example.com")
        #expect(message.recipients == ["ops@example.com"])
        #expect(message.clientName == "client.onecall.test")
        #expect(message.header("Subject") == "Störung E2 – aircon_2")
        #expect(message.header("From") == "OneCall <onecall@example.com>")
        #expect(message.header("Message-ID") == receipt.messageID)
        let decoded = try #require(QuotedPrintable.decode(message.body))
        #expect(String(decoding: decoded, as: UTF8.self) == body.replacingOccurrences(of: "\n", with: "\r\n"))
        let path = try #require(message.filePath)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data(message.data))
        #expect(sink.acceptedCount == 1)
        await sink.stop()
    }

    @Test func pythonSmtplibAgainstTheSink() async throws {
        let python = try MailTestPeers.requirePython()
        let sink = SMTPSink(configuration: SMTPSinkConfiguration(refusedRecipients: ["refused@example.com"]))
        let port = try await sink.start()
        let script = MailTestPeers.peersDirectory.appendingPathComponent("smtplib_client.py").path
        let output = try await MailTestPeers.run(python, [script, "\(port)"], timeout: 60)
        #expect(output.status == 0, "\(output.stderr)")
        let result = try #require(
            try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any], "\(output.stderr)")
        #expect(result["ehlo"] as? Int == 250)
        #expect((result["features"] as? [String])?.contains("size") == true)
        #expect(result["vrfy"] as? Int == 252)
        #expect(result["noop"] as? Int == 250)
        #expect(result["refused"] as? [String: Int] == ["refused@example.com": 550])
        #expect(result["rset"] as? Int == 250)
        #expect(result["help"] as? Int == 214)
        #expect(result["unknown"] as? Int == 500)

        let message = try #require(sink.receivedMessages.first)
        #expect(message.sender == "py@example.com")
        #expect(message.recipients == ["ops@example.com", "oil@example.com"])
        #expect(message.clientName == "python.client.test")
        #expect(message.header("Subject") == "Grüße aus smtplib")
        #expect(message.body.contains("Erste Zeile\r\n.\r\n..zwei Punkte\r\nEnde\r\n"))
        await sink.stop()
    }

    @Test func oversizeMessagesGet552AndTheConnectionGoesOn() async throws {
        let sink = SMTPSink(configuration: SMTPSinkConfiguration(maximumMessageSize: 2000))
        let port = try await sink.start()

        // The client sees SIZE and does not even try.
        let error = try await #require(throws: SMTPError.self) {
            _ = try await SMTPClient(configuration: Self.clientConfiguration(port: port))
                .send(subject: "big", body: String(repeating: "0123456789\n", count: 300))
        }
        #expect(error.code == .messageTooLarge)

        try await RawSMTPConnection.with(port: port) { (connection: inout RawSMTPConnection) async throws in
            #expect(try await connection.reply()?.code == 220)
            #expect(try await connection.command("EHLO raw.test") == 250)
            #expect(try await connection.command("MAIL FROM:<a@example.com> SIZE=5000") == 552)
            #expect(try await connection.command("MAIL FROM:<a@example.com>") == 250)
            #expect(try await connection.command("RCPT TO:<b@example.com>") == 250)
            #expect(try await connection.command("DATA") == 354)
            try await connection.send(String(repeating: "0123456789012345678901234567890123456789\r\n", count: 100))
            #expect(try await connection.command(".") == 552)
            #expect(try await connection.command("NOOP") == 250)
            #expect(try await connection.command("MAIL FROM:<a@example.com>") == 250)
            #expect(try await connection.command("RCPT TO:<b@example.com>") == 250)
            #expect(try await connection.command("DATA") == 354)
            try await connection.send("Subject: small\r\n\r\nok\r\n")
            #expect(try await connection.command(".") == 250)
            #expect(try await connection.command("QUIT") == 221)
            #expect(try await connection.reply() == nil)
        }
        #expect(sink.acceptedCount == 1)
        await sink.stop()
    }

    @Test func garbageGetsErrorRepliesAndTheSinkSurvives() async throws {
        let sink = SMTPSink(configuration: SMTPSinkConfiguration(maximumLineLength: 1000, maximumErrors: 8))
        let port = try await sink.start()
        try await RawSMTPConnection.with(port: port) { (connection: inout RawSMTPConnection) async throws in
            #expect(try await connection.reply()?.code == 220)
            try await connection.send([0, 0xFF, 0xFE, 0x80, 0x1B] + Array("\r\n".utf8))
            #expect(try await connection.reply()?.code == 500)
            try await connection.send(String(repeating: "A", count: 5000) + "\r\n")
            #expect(try await connection.reply()?.text == "Line too long")
            #expect(try await connection.command("MAIL FROM:<a@example.com>") == 503)
            #expect(try await connection.command("EHLO") == 501)
            #expect(try await connection.command("HELO raw.test") == 250)
            #expect(try await connection.command("RCPT TO:<b@example.com>") == 503)
            #expect(try await connection.command("MAIL FROM: a@example.com") == 250)
            #expect(try await connection.command("DATA extra") == 501)
            #expect(try await connection.command("VRFY root") == 252)
            // Errors so far: 6; the 9th ends the connection with 421.
            #expect(try await connection.command("BLAH") == 500)
            #expect(try await connection.command("BLAH") == 500)
            #expect(try await connection.command("BLAH") == 421)
            #expect(try await connection.reply() == nil)
        }
        // A pipelined burst in one write, then a clean conversation on a new connection.
        try await RawSMTPConnection.with(port: port) { (connection: inout RawSMTPConnection) async throws in
            #expect(try await connection.reply()?.code == 220)
            try await connection.send(
                "HELO p.test\r\nMAIL FROM:<a@example.com>\r\nRCPT TO:<b@example.com>\r\nDATA\r\nx\r\n.\r\nQUIT\r\n")
            var codes: [Int] = []
            while let reply = try await connection.reply() { codes.append(reply.code) }
            #expect(codes == [250, 250, 250, 354, 250, 221])
        }
        #expect(sink.acceptedCount == 1)
        await sink.stop()
    }

    @Test func recipientAndConnectionLimits() async throws {
        let sink = SMTPSink(configuration: SMTPSinkConfiguration(maximumRecipients: 2, maximumConnections: 1))
        let port = try await sink.start()
        try await RawSMTPConnection.with(port: port) { (first: inout RawSMTPConnection) async throws in
            #expect(try await first.reply()?.code == 220)
            try await RawSMTPConnection.with(port: port) { (second: inout RawSMTPConnection) async throws in
                #expect(try await second.reply()?.code == 421)
                #expect(try await second.reply() == nil)
            }
            #expect(try await first.command("HELO a.test") == 250)
            #expect(try await first.command("MAIL FROM:<>") == 250)
            #expect(try await first.command("RCPT TO:<1@example.com>") == 250)
            #expect(try await first.command("RCPT TO:<2@example.com>") == 250)
            #expect(try await first.command("RCPT TO:<3@example.com>") == 452)
            #expect(try await first.command("QUIT") == 221)
        }
        await sink.stop()
    }

    @Test func idleConnectionsAreClosed() async throws {
        let sink = SMTPSink(configuration: SMTPSinkConfiguration(idleTimeout: .milliseconds(200)))
        let port = try await sink.start()
        try await RawSMTPConnection.with(port: port) { (connection: inout RawSMTPConnection) async throws in
            #expect(try await connection.reply()?.code == 220)
            #expect(try await connection.reply()?.code == 421)
            #expect(try await connection.reply() == nil)
        }
        await sink.stop()
    }
}
