import Foundation
import NIOCore
import NIOPosix
import Testing

@testable import OneCallMail

/// ``SMTPClient`` against a real SMTP server, Python's aiosmtpd, started by each test on 127.0.0.1.
/// A missing python3 or aiosmtpd fails the test with the install command; it never skips.
@Suite(.serialized) struct AiosmtpdEndToEndTests {
    static let date = Date(timeIntervalSince1970: 1_717_236_000)

    static func message(to: [String] = ["ops@example.com"], cc: [String] = []) throws -> MailMessage {
        MailMessage(
            from: try MailAddress("onecall@example.com", displayName: "OneCall Überwachung"),
            to: try to.map { try MailAddress($0, displayName: "Site Operator") },
            cc: try cc.map { try MailAddress($0) },
            subject: "Störung E2 an aircon_2: Kältemittel-Druck niedrig 🚨",
            body: "Ticket T-42 geöffnet.\n.\nKühlung prüfen.\n",
            date: date, extraHeaders: [MailMessage.Header("X-OneCall-Ticket", "T-42")])
    }

    static func configuration(
        port: Int, security: SMTPConfiguration.Security = .none, caFile: String? = nil, username: String? = nil,
        password: String? = nil
    ) -> SMTPConfiguration {
        SMTPConfiguration(
            host: "127.0.0.1", port: port, security: security, trustRoots: caFile.map { .file($0) } ?? .system,
            username: username, password: password, heloName: "client.onecall.test", connectTimeout: .seconds(5),
            commandTimeout: .seconds(10))
    }

    @Test func plainDeliveryArrivesIntact() async throws {
        let peer = try await AiosmtpdPeer.start()
        defer { peer.stop() }
        let receipt = try await SMTPClient(configuration: Self.configuration(port: peer.port)).send(Self.message())
        #expect(receipt.finalReplyText == "250 OK queued as AIO1")
        #expect(receipt.acceptedRecipients == ["ops@example.com"])
        #expect(!receipt.usedTLS && !receipt.authenticated)
        #expect(receipt.totalDuration >= receipt.connectDuration)

        let received = try #require(try peer.received().first)
        #expect(received.mailFrom == "onecall@example.com")
        #expect(received.rcptTos == ["ops@example.com"])
        #expect(received.subject == "Störung E2 an aircon_2: Kältemittel-Druck niedrig 🚨")
        #expect(received.from == "OneCall Überwachung <onecall@example.com>")
        #expect(received.to == "Site Operator <ops@example.com>")
        #expect(received.messageId == receipt.messageID)
        #expect(receipt.messageID.hasSuffix("@client.onecall.test>"))
        #expect(received.date == "Sat, 01 Jun 2024 10:00:00 +0000")
        #expect(received.contentType.hasPrefix("text/plain; charset="))
        #expect(try peer.rawMessage(1).contains("\r\nContent-Type: text/plain; charset=utf-8\r\n"))
        #expect(received.transferEncoding == "quoted-printable")
        // The lone "." line survived dot-stuffing; the body decodes to the UTF-8 text.
        #expect(
            received.body.replacingOccurrences(of: "\r\n", with: "\n") == "Ticket T-42 geöffnet.\n.\nKühlung prüfen.\n")
        #expect(received.clientName == "client.onecall.test")
        #expect(try peer.rawMessage(1).contains("X-OneCall-Ticket: T-42\r\n"))
    }

    @Test func startTLSWithTheTestCATrusted() async throws {
        let peer = try await AiosmtpdPeer.start(["--tls", "starttls", "--require-starttls"])
        defer { peer.stop() }
        let configuration = Self.configuration(port: peer.port, security: .startTLS, caFile: peer.caFile)
        let receipt = try await SMTPClient(configuration: configuration).send(Self.message())
        #expect(receipt.usedTLS)
        let received = try #require(try peer.received().first)
        #expect(received.tls)
        #expect(received.subject.hasPrefix("Störung E2"))

        // Opportunistic STARTTLS finds it too.
        var opportunistic = configuration
        opportunistic.security = .startTLSIfAvailable
        #expect(try await SMTPClient(configuration: opportunistic).send(Self.message()).usedTLS)
    }

    @Test func startTLSWithAnUntrustedCertificateFails() async throws {
        let peer = try await AiosmtpdPeer.start(["--tls", "starttls"])
        defer { peer.stop() }
        let error = try await #require(throws: SMTPError.self) {
            _ = try await SMTPClient(configuration: Self.configuration(port: peer.port, security: .startTLS))
                .send(Self.message())
        }
        #expect(error.code == .tlsFailed)
        #expect(try peer.received().isEmpty)
    }

    @Test func implicitTLS() async throws {
        let peer = try await AiosmtpdPeer.start(["--tls", "implicit"])
        defer { peer.stop() }
        let configuration = Self.configuration(port: peer.port, security: .tls, caFile: peer.caFile)
        let receipt = try await SMTPClient(configuration: configuration).send(Self.message())
        #expect(receipt.usedTLS)
        #expect(try peer.received().first?.tls == true)
    }

    @Test func authOverStartTLS() async throws {
        let peer = try await AiosmtpdPeer.start(["--tls", "starttls", "--user", "alice", "--password", "s3cret ü"])
        defer { peer.stop() }
        let configuration = Self.configuration(
            port: peer.port, security: .startTLS, caFile: peer.caFile, username: "alice", password: "s3cret ü")
        let receipt = try await SMTPClient(configuration: configuration).send(Self.message())
        #expect(receipt.authenticated && receipt.usedTLS)
        let received = try #require(try peer.received().first)
        #expect(received.authenticated && received.login == "alice")
    }

    @Test func wrongPasswordIsAnAuthenticationFailure() async throws {
        let peer = try await AiosmtpdPeer.start(["--tls", "starttls", "--user", "alice", "--password", "s3cret"])
        defer { peer.stop() }
        let configuration = Self.configuration(
            port: peer.port, security: .startTLS, caFile: peer.caFile, username: "alice", password: "wrong")
        let error = try await #require(throws: SMTPError.self) {
            _ = try await SMTPClient(configuration: configuration).send(Self.message())
        }
        #expect(error.code == .authenticationFailed)
        #expect(error.replyCode == 535)
        #expect(!error.isTransient)
        #expect(!error.description.contains("wrong") && !error.debugDescription.contains("wrong"))
        #expect(try peer.received().isEmpty)
    }

    @Test func credentialsAreNotSentWithoutTLS() async throws {
        let peer = try await AiosmtpdPeer.start()
        defer { peer.stop() }
        let configuration = Self.configuration(port: peer.port, username: "alice", password: "s3cret")
        let error = try await #require(throws: SMTPError.self) {
            _ = try await SMTPClient(configuration: configuration).send(Self.message())
        }
        #expect(error.code == .insecureAuthentication)
    }

    @Test func serverNotListeningIsATransientConnectFailure() async throws {
        // A port that was free a moment ago.
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(channel.localAddress?.port)
        try await channel.close()
        let error = try await #require(throws: SMTPError.self) {
            _ = try await SMTPClient(configuration: Self.configuration(port: port)).send(Self.message())
        }
        #expect(error.code == .connectFailed)
        #expect(error.isTransient)
    }

    @Test func refusedRecipientsAreReportedOrFail() async throws {
        let peer = try await AiosmtpdPeer.start(["--refuse", "nobody@example.com", "--refuse-temp", "busy@example.com"])
        defer { peer.stop() }
        let client = SMTPClient(configuration: Self.configuration(port: peer.port))
        let receipt = try await client.send(
            Self.message(to: ["ops@example.com", "nobody@example.com"], cc: ["busy@example.com"]))
        #expect(receipt.acceptedRecipients == ["ops@example.com"])
        #expect(receipt.refusedRecipients.map(\.address) == ["nobody@example.com", "busy@example.com"])
        #expect(receipt.refusedRecipients.map(\.reply.code) == [550, 450])
        #expect(try peer.received().first?.rcptTos == ["ops@example.com"])

        let error = try await #require(throws: SMTPError.self) {
            _ = try await client.send(Self.message(to: ["nobody@example.com"]))
        }
        #expect(error.code == .permanent && error.replyCode == 550 && !error.isTransient)
        #expect(try peer.received().count == 1)
    }
}
