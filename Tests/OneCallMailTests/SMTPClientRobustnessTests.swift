import Foundation
import NIOCore
import Testing

@testable import OneCallMail

/// ``SMTPClient`` against scripted servers that break the rules: bounds, timeouts, injection, hang-ups.
@Suite(.serialized, .timeLimit(.minutes(1))) struct SMTPClientRobustnessTests {
    static func send(
        to server: ScriptedSMTPServer, security: SMTPConfiguration.Security = .none,
        commandTimeout: TimeAmount = .seconds(5)
    ) async throws -> SMTPReceipt {
        let configuration = SMTPConfiguration(
            host: "127.0.0.1", port: server.port, security: security, heloName: "client.test",
            connectTimeout: .seconds(2), commandTimeout: commandTimeout)
        let message = MailMessage(
            from: try MailAddress("a@example.com"), to: [try MailAddress("b@example.com")], subject: "s", body: "b")
        return try await SMTPClient(configuration: configuration).send(message)
    }

    /// A well-behaved script for the commands a test does not care about.
    static func standard(_ line: String) -> String? {
        switch line.prefix(4).uppercased() {
        case "EHLO", "HELO", "MAIL", "RCPT": return "250 OK\r\n"
        case "DATA": return "354 go\r\n"
        case ".": return "250 queued\r\n"
        case "QUIT": return "221 bye\r\n"
        default: return "500 what\r\n"
        }
    }

    func expectError(
        _ code: SMTPError.Code, transient: Bool, greeting: String?, security: SMTPConfiguration.Security = .none,
        commandTimeout: TimeAmount = .seconds(5), script: @escaping @Sendable (String) -> String? = standard
    ) async throws {
        let server = try await ScriptedSMTPServer.start(greeting: greeting, script: script)
        let error = try await #require(throws: SMTPError.self) {
            _ = try await Self.send(to: server, security: security, commandTimeout: commandTimeout)
        }
        #expect(error.code == code, "\(error.debugDescription)")
        #expect(error.isTransient == transient)
        await server.stop()
    }

    @Test func heloFallbackOverASocket() async throws {
        let server = try await ScriptedSMTPServer.start(greeting: "220 old SMTP\r\n") { line in
            line.hasPrefix("EHLO") ? "502 Command not implemented\r\n" : Self.standard(line)
        }
        let receipt = try await Self.send(to: server)
        #expect(receipt.finalReplyText == "250 queued")
        await server.stop()
    }

    @Test func dataAfterTheStartTLSReplyIsRefused() async throws {
        try await expectError(.protocolViolation, transient: false, greeting: "220 mx\r\n", security: .startTLS) {
            line in
            switch line {
            case "EHLO client.test": return "250-mx\r\n250 STARTTLS\r\n"
            case "STARTTLS": return "220 Go ahead\r\n250-injected\r\n250 AUTH PLAIN\r\n"
            default: return Self.standard(line)
            }
        }
    }

    @Test func overlongReplyLineIsRefused() async throws {
        try await expectError(
            .replyTooLong, transient: false, greeting: "220 " + String(repeating: "x", count: 3000) + "\r\n")
    }

    @Test func replyWithTooManyLinesIsRefused() async throws {
        try await expectError(.replyTooLong, transient: false, greeting: "220 mx\r\n") { line in
            line.hasPrefix("EHLO") ? String(repeating: "250-X\r\n", count: 150) + "250 end\r\n" : Self.standard(line)
        }
    }

    @Test func malformedReplyIsAProtocolViolation() async throws {
        try await expectError(.protocolViolation, transient: false, greeting: "hello there\r\n")
    }

    @Test func silentServerTimesOut() async throws {
        try await expectError(.timeout, transient: true, greeting: nil, commandTimeout: .milliseconds(300))
    }

    @Test func hangUpMidConversationIsTransient() async throws {
        try await expectError(.connectionClosed, transient: true, greeting: "220 mx\r\n") { line in
            line.hasPrefix("RCPT") ? nil : Self.standard(line)
        }
    }

    @Test func greetingWith421IsTransient() async throws {
        try await expectError(.transient, transient: true, greeting: "421 mx busy\r\n")
    }

    @Test func noAnswerToQuitStillDelivers() async throws {
        let server = try await ScriptedSMTPServer.start(greeting: "220 mx\r\n") { line in
            line == "QUIT" ? nil : Self.standard(line)
        }
        #expect(try await Self.send(to: server).finalReplyText == "250 queued")
        await server.stop()
    }
}
