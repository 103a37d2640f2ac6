import Testing

@testable import OneCallMail

/// The sink's server conversation without I/O.
@Suite struct SMTPSinkSessionTests {
    static func feed(_ session: inout SMTPSinkSession, _ lines: [String]) -> [SMTPSinkSession.Output] {
        lines.flatMap { session.receive(.line(Array($0.utf8))) }
    }

    static func codes(_ outputs: [SMTPSinkSession.Output]) -> [Int] {
        outputs.compactMap {
            if case .reply(let reply) = $0 { return reply.code }
            return nil
        }
    }

    @Test func acceptsAMessageAndUndoesDotStuffing() {
        var session = SMTPSinkSession(configuration: SMTPSinkConfiguration(hostname: "sink.test"))
        #expect(session.greeting.code == 220)
        let outputs = Self.feed(
            &session,
            [
                "EHLO client.test", "MAIL FROM:<a@example.com> SIZE=100 BODY=8BITMIME", "RCPT TO:<b@example.com>",
                "rcpt to: <c@example.com>", "DATA", "Subject: x", "", "..dot", "...", "body", ".",
            ])
        #expect(Self.codes(outputs) == [250, 250, 250, 250, 354])
        guard case .reply(let ehlo) = outputs[0] else { return }
        #expect(ehlo.lines.contains("SIZE 10485760") && ehlo.lines.contains("8BITMIME"))
        #expect(
            outputs.last
                == .deliver(
                    sender: "a@example.com", recipients: ["b@example.com", "c@example.com"], clientName: "client.test",
                    data: Array("Subject: x\r\n\r\n.dot\r\n..\r\nbody\r\n".utf8)))
        // The transaction is over; the next needs MAIL again.
        #expect(
            Self.codes(Self.feed(&session, ["RCPT TO:<b@example.com>", "MAIL FROM:<>", "QUIT"])) == [503, 250, 221])
    }

    @Test func sequenceErrors() {
        var session = SMTPSinkSession(configuration: SMTPSinkConfiguration(maximumErrors: 20))
        let outputs = Self.feed(
            &session,
            [
                "MAIL FROM:<a@example.com>", "HELO", "HELO client", "RCPT TO:<b@example.com>", "DATA",
                "MAIL FROM:<a@example.com>", "MAIL FROM:<a@example.com>", "DATA",
                "RCPT TO:<b@example.com> NOTIFY=NEVER",
                "RCPT TO:", "RSET", "NOOP", "VRFY ops", "EXPN list", "STARTTLS", "FROB", "",
            ])
        #expect(
            Self.codes(outputs) == [
                503, 501, 250, 503, 503, 250, 503, 554, 555, 501, 250, 250, 252, 502, 502, 500, 500,
            ])
    }

    @Test func boundsAreEnforced() {
        let configuration = SMTPSinkConfiguration(maximumMessageSize: 20, maximumRecipients: 2, maximumErrors: 3)
        var session = SMTPSinkSession(configuration: configuration)
        let outputs = Self.feed(
            &session,
            [
                "EHLO c", "MAIL FROM:<a@x> SIZE=21", "MAIL FROM:<a@x>", "RCPT TO:<1@x>", "RCPT TO:<2@x>",
                "RCPT TO:<3@x>",
                "DATA", "0123456789", "0123456789", ".",
            ])
        #expect(Self.codes(outputs) == [250, 552, 250, 250, 250, 452, 354, 552])
        #expect(!outputs.contains { if case .deliver = $0 { return true } else { return false } })
        #expect(Self.codes(session.receive(.tooLong)) == [500])
        #expect(Self.codes(Self.feed(&session, ["X", "Y"])) == [500, 500])
        let last = session.receive(.line(Array("Z".utf8)))
        #expect(Self.codes(last) == [421] && last.last == .close)
        #expect(session.receive(.line(Array("NOOP".utf8))).isEmpty)
    }

    @Test func overlongDataLineFailsTheMessageOnly() {
        var session = SMTPSinkSession(configuration: SMTPSinkConfiguration())
        _ = Self.feed(&session, ["HELO c", "MAIL FROM:<a@x>", "RCPT TO:<b@x>", "DATA", "fine"])
        #expect(session.receive(.tooLong).isEmpty)
        #expect(Self.codes(Self.feed(&session, ["more", ".", "NOOP"])) == [552, 250])
    }
}
