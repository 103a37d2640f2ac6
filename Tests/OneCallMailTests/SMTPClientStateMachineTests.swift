import OneCallCore
import Testing

@testable import OneCallMail

/// The client conversation without I/O: each test feeds replies and checks the actions.
@Suite struct SMTPClientStateMachineTests {
    static func settings(
        security: SMTPConfiguration.Security = .none, credentials: SMTPClientStateMachine.Credentials? = nil,
        insecure: Bool = false, recipients: [String] = ["ops@example.com"], size: Int = 100
    ) -> SMTPClientStateMachine.Settings {
        SMTPClientStateMachine.Settings(
            heloName: "client.example", security: security, credentials: credentials,
            allowsInsecureAuthentication: insecure, sender: "onecall@example.com", recipients: recipients,
            messageSize: size)
    }

    static let alice = SMTPClientStateMachine.Credentials(username: "alice", password: "s3cret")

    static func ehlo(_ keywords: String...) -> SMTPReply {
        SMTPReply(code: 250, lines: ["mx.example greets client.example"] + keywords)
    }

    func failure(_ action: SMTPClientStateMachine.Action) -> SMTPError? {
        if case .fail(let error) = action { return error }
        return nil
    }

    @Test func plainConversationSendsTheMessageAndQuits() {
        var machine = SMTPClientStateMachine(settings: Self.settings())
        #expect(machine.replyReceived(SMTPReply(220, "mx.example ESMTP")) == .send(.ehlo("client.example")))
        #expect(
            machine.replyReceived(Self.ehlo("PIPELINING", "SIZE 10240000", "8BITMIME"))
                == .send(.mail(from: "onecall@example.com", size: 100)))
        #expect(machine.replyReceived(SMTPReply(250, "2.1.0 Ok")) == .send(.rcpt(to: "ops@example.com")))
        #expect(machine.replyReceived(SMTPReply(250, "2.1.5 Ok")) == .send(.data))
        #expect(machine.replyReceived(SMTPReply(354, "End data with <CR><LF>.<CR><LF>")) == .sendMessage)
        #expect(machine.replyReceived(SMTPReply(250, "2.0.0 Ok: queued as 4F2A")) == .send(.quit))
        guard case .succeed(let delivery) = machine.replyReceived(SMTPReply(221, "Bye")) else {
            Issue.record("no delivery")
            return
        }
        #expect(delivery.finalReply.description == "250 2.0.0 Ok: queued as 4F2A")
        #expect(delivery.acceptedRecipients == ["ops@example.com"])
        #expect(delivery.refusedRecipients.isEmpty)
        #expect(!delivery.usedTLS && !delivery.authenticated)
        #expect(machine.isFinished)
    }

    @Test func multiLineEHLOReplyIsParsedIntoCapabilities() throws {
        var parser = SMTPReplyParser()
        var reply: SMTPReply?
        for line in [
            "250-mx.example", "250-SIZE 52428800", "250-8BITMIME", "250-AUTH=LOGIN", "250-AUTH PLAIN login",
            "250-STARTTLS", "250 PIPELINING",
        ] {
            #expect(reply == nil)
            reply = try parser.consume(Array(line.utf8))
        }
        let capabilities = SMTPServerCapabilities(ehloReply: try #require(reply))
        #expect(capabilities.maximumMessageSize == 52_428_800)
        #expect(capabilities.supportsStartTLS && capabilities.supports8BitMIME && capabilities.supportsPipelining)
        #expect(capabilities.authenticationMechanisms == ["LOGIN", "PLAIN"])
    }

    @Test func ehloRefusedWith500Or502FallsBackToHELO() {
        for code in [500, 502] {
            var machine = SMTPClientStateMachine(settings: Self.settings())
            _ = machine.replyReceived(SMTPReply(220, "old.example SMTP"))
            #expect(machine.replyReceived(SMTPReply(code, "Command unrecognized")) == .send(.helo("client.example")))
            // HELO announces nothing, so MAIL FROM goes without SIZE.
            #expect(
                machine.replyReceived(SMTPReply(250, "old.example"))
                    == .send(.mail(from: "onecall@example.com", size: nil)))
        }
    }

    @Test func ehloRefusedOtherwiseIsAnError() {
        var machine = SMTPClientStateMachine(settings: Self.settings())
        _ = machine.replyReceived(SMTPReply(220, "mx"))
        #expect(machine.replyReceived(SMTPReply(554, "go away")) == .send(.quit))
        let error = failure(machine.replyReceived(SMTPReply(221, "Bye")))
        #expect(error?.code == .permanent && error?.replyCode == 554)
    }

    @Test func startTLSThenEHLOAgainThenAuthPlain() {
        var machine = SMTPClientStateMachine(settings: Self.settings(security: .startTLS, credentials: Self.alice))
        _ = machine.replyReceived(SMTPReply(220, "mx"))
        // Before TLS the server offers AUTH too, but credentials wait for TLS.
        #expect(machine.replyReceived(Self.ehlo("STARTTLS", "AUTH PLAIN LOGIN")) == .send(.startTLS))
        #expect(machine.replyReceived(SMTPReply(220, "2.0.0 Ready to start TLS")) == .startTLS)
        #expect(machine.tlsStarted() == .send(.ehlo("client.example")))
        #expect(machine.isUsingTLS)
        let plain = Base64.encode(Array("\0alice\0s3cret".utf8))
        #expect(
            machine.replyReceived(Self.ehlo("AUTH LOGIN PLAIN", "SIZE 0"))
                == .send(.auth(mechanism: "PLAIN", initialResponse: plain)))
        #expect(
            machine.replyReceived(SMTPReply(235, "2.7.0 Authentication successful"))
                == .send(.mail(from: "onecall@example.com", size: 100)))
        _ = machine.replyReceived(SMTPReply(250, "ok"))
        _ = machine.replyReceived(SMTPReply(250, "ok"))
        _ = machine.replyReceived(SMTPReply(354, "go"))
        _ = machine.replyReceived(SMTPReply(250, "queued"))
        guard case .succeed(let delivery) = machine.connectionFailed(SMTPError(.connectionClosed, "gone")) else {
            Issue.record("a lost connection after the message was accepted is still a delivery")
            return
        }
        #expect(delivery.usedTLS && delivery.authenticated)
    }

    @Test func requiredStartTLSNotOfferedFails() {
        var machine = SMTPClientStateMachine(settings: Self.settings(security: .startTLS))
        _ = machine.replyReceived(SMTPReply(220, "mx"))
        #expect(machine.replyReceived(Self.ehlo("SIZE 1000")) == .send(.quit))
        let error = failure(machine.replyReceived(SMTPReply(221, "Bye")))
        #expect(error?.code == .tlsFailed && error?.isTransient == false)
    }

    @Test func requiredStartTLSRefusedFails() {
        var machine = SMTPClientStateMachine(settings: Self.settings(security: .startTLS))
        _ = machine.replyReceived(SMTPReply(220, "mx"))
        _ = machine.replyReceived(Self.ehlo("STARTTLS"))
        #expect(machine.replyReceived(SMTPReply(454, "TLS not available")) == .send(.quit))
        let error = failure(machine.replyReceived(SMTPReply(221, "Bye")))
        #expect(error?.code == .tlsFailed && error?.replyCode == 454 && error?.isTransient == true)
    }

    @Test func opportunisticStartTLSGoesOnInTheClear() {
        var machine = SMTPClientStateMachine(settings: Self.settings(security: .startTLSIfAvailable))
        _ = machine.replyReceived(SMTPReply(220, "mx"))
        #expect(machine.replyReceived(Self.ehlo("8BITMIME")) == .send(.mail(from: "onecall@example.com", size: nil)))

        var declined = SMTPClientStateMachine(settings: Self.settings(security: .startTLSIfAvailable))
        _ = declined.replyReceived(SMTPReply(220, "mx"))
        #expect(declined.replyReceived(Self.ehlo("STARTTLS")) == .send(.startTLS))
        #expect(
            declined.replyReceived(SMTPReply(454, "TLS not available"))
                == .send(.mail(from: "onecall@example.com", size: nil)))
        #expect(!declined.isUsingTLS)
    }

    @Test func implicitTLSSkipsStartTLS() {
        var machine = SMTPClientStateMachine(
            settings: Self.settings(security: .tls, credentials: Self.alice), connectionIsSecure: true)
        _ = machine.replyReceived(SMTPReply(220, "mx"))
        guard case .send(.auth(mechanism: "PLAIN", _)) = machine.replyReceived(Self.ehlo("STARTTLS", "AUTH PLAIN"))
        else {
            Issue.record("expected AUTH PLAIN at once")
            return
        }
    }

    @Test func authLoginIsTheFallback() {
        var machine = SMTPClientStateMachine(
            settings: Self.settings(security: .tls, credentials: Self.alice), connectionIsSecure: true)
        _ = machine.replyReceived(SMTPReply(220, "mx"))
        #expect(
            machine.replyReceived(Self.ehlo("AUTH LOGIN CRAM-MD5"))
                == .send(.auth(mechanism: "LOGIN", initialResponse: nil)))
        #expect(
            machine.replyReceived(SMTPReply(334, "VXNlcm5hbWU6"))
                == .send(.authResponse(Base64.encode(Array("alice".utf8)))))
        #expect(
            machine.replyReceived(SMTPReply(334, "UGFzc3dvcmQ6"))
                == .send(.authResponse(Base64.encode(Array("s3cret".utf8)))))
        #expect(machine.replyReceived(SMTPReply(235, "ok")) == .send(.mail(from: "onecall@example.com", size: nil)))
    }

    @Test func authPlainAnswersAnEmptyChallengeOnce() {
        var machine = SMTPClientStateMachine(
            settings: Self.settings(security: .tls, credentials: Self.alice), connectionIsSecure: true)
        _ = machine.replyReceived(SMTPReply(220, "mx"))
        _ = machine.replyReceived(Self.ehlo("AUTH PLAIN"))
        #expect(
            machine.replyReceived(SMTPReply(334, ""))
                == .send(.authResponse(Base64.encode(Array("\0alice\0s3cret".utf8)))))
        #expect(failure(machine.replyReceived(SMTPReply(334, "")))?.code == .protocolViolation)
    }

    @Test func noSupportedMechanismFails() {
        var machine = SMTPClientStateMachine(
            settings: Self.settings(security: .tls, credentials: Self.alice), connectionIsSecure: true)
        _ = machine.replyReceived(SMTPReply(220, "mx"))
        #expect(machine.replyReceived(Self.ehlo("AUTH CRAM-MD5 XOAUTH2")) == .send(.quit))
        #expect(failure(machine.replyReceived(SMTPReply(221, "Bye")))?.code == .authenticationFailed)
    }

    @Test func credentialsAreNotSentInTheClearUnlessAllowed() {
        var machine = SMTPClientStateMachine(settings: Self.settings(credentials: Self.alice))
        _ = machine.replyReceived(SMTPReply(220, "mx"))
        #expect(machine.replyReceived(Self.ehlo("AUTH PLAIN LOGIN")) == .send(.quit))
        #expect(failure(machine.replyReceived(SMTPReply(221, "Bye")))?.code == .insecureAuthentication)

        var allowed = SMTPClientStateMachine(settings: Self.settings(credentials: Self.alice, insecure: true))
        _ = allowed.replyReceived(SMTPReply(220, "mx"))
        guard case .send(.auth(mechanism: "PLAIN", _)) = allowed.replyReceived(Self.ehlo("AUTH PLAIN")) else {
            Issue.record("explicitly allowed insecure AUTH should proceed")
            return
        }
    }

    @Test func wrongPasswordIsAPermanentAuthenticationFailure() {
        var machine = SMTPClientStateMachine(
            settings: Self.settings(security: .tls, credentials: Self.alice), connectionIsSecure: true)
        _ = machine.replyReceived(SMTPReply(220, "mx"))
        _ = machine.replyReceived(Self.ehlo("AUTH PLAIN"))
        #expect(machine.replyReceived(SMTPReply(535, "5.7.8 Authentication credentials invalid")) == .send(.quit))
        let error = failure(machine.replyReceived(SMTPReply(221, "Bye")))
        #expect(error?.code == .authenticationFailed && error?.replyCode == 535 && error?.isTransient == false)

        var busy = SMTPClientStateMachine(
            settings: Self.settings(security: .tls, credentials: Self.alice), connectionIsSecure: true)
        _ = busy.replyReceived(SMTPReply(220, "mx"))
        _ = busy.replyReceived(Self.ehlo("AUTH PLAIN"))
        _ = busy.replyReceived(SMTPReply(454, "4.7.0 Temporary authentication failure"))
        #expect(failure(busy.replyReceived(SMTPReply(221, "Bye")))?.isTransient == true)
    }

    @Test func someRecipientsRefusedStillDelivers() {
        let recipients = ["a@example.com", "b@example.com", "c@example.com"]
        var machine = SMTPClientStateMachine(settings: Self.settings(recipients: recipients))
        _ = machine.replyReceived(SMTPReply(220, "mx"))
        _ = machine.replyReceived(Self.ehlo())
        #expect(machine.replyReceived(SMTPReply(250, "ok")) == .send(.rcpt(to: "a@example.com")))
        #expect(machine.replyReceived(SMTPReply(550, "5.1.1 no such user")) == .send(.rcpt(to: "b@example.com")))
        #expect(machine.replyReceived(SMTPReply(250, "ok")) == .send(.rcpt(to: "c@example.com")))
        #expect(machine.replyReceived(SMTPReply(451, "4.3.0 try later")) == .send(.data))
        _ = machine.replyReceived(SMTPReply(354, "go"))
        _ = machine.replyReceived(SMTPReply(250, "queued"))
        guard case .succeed(let delivery) = machine.replyReceived(SMTPReply(221, "Bye")) else {
            Issue.record("expected a delivery")
            return
        }
        #expect(delivery.acceptedRecipients == ["b@example.com"])
        #expect(delivery.refusedRecipients.map(\.address) == ["a@example.com", "c@example.com"])
        #expect(delivery.refusedRecipients.map(\.isTransient) == [false, true])
    }

    @Test func allRecipientsRefusedIsAnErrorTransientIfAnyRefusalWas() {
        for (codes, transient) in [([550, 553], false), ([550, 450], true)] {
            var machine = SMTPClientStateMachine(
                settings: Self.settings(recipients: ["a@example.com", "b@example.com"]))
            _ = machine.replyReceived(SMTPReply(220, "mx"))
            _ = machine.replyReceived(Self.ehlo())
            _ = machine.replyReceived(SMTPReply(250, "ok"))
            _ = machine.replyReceived(SMTPReply(codes[0], "no"))
            #expect(machine.replyReceived(SMTPReply(codes[1], "no")) == .send(.quit))
            let error = failure(machine.replyReceived(SMTPReply(221, "Bye")))
            #expect(error?.code == (transient ? .transient : .permanent))
            #expect(error?.isTransient == transient)
            #expect(error?.refusedRecipients.count == 2)
        }
    }

    @Test func transientAndPermanentRefusals() {
        for (code, expected) in [
            (451, SMTPError.Code.transient), (452, .transient), (552, .permanent), (554, .permanent),
        ] {
            var machine = SMTPClientStateMachine(settings: Self.settings())
            _ = machine.replyReceived(SMTPReply(220, "mx"))
            _ = machine.replyReceived(Self.ehlo())
            #expect(machine.replyReceived(SMTPReply(code, "refused")) == .send(.quit))
            let error = failure(machine.replyReceived(SMTPReply(221, "Bye")))
            #expect(error?.code == expected && error?.replyCode == code)
            #expect(error?.isTransient == (code < 500))
        }
        // A refusal of the message itself, after the data.
        var machine = SMTPClientStateMachine(settings: Self.settings())
        for reply in [
            SMTPReply(220, "mx"), Self.ehlo(), SMTPReply(250, "ok"), SMTPReply(250, "ok"), SMTPReply(354, "go"),
        ] {
            _ = machine.replyReceived(reply)
        }
        #expect(machine.replyReceived(SMTPReply(554, "5.7.1 spam")) == .send(.quit))
        #expect(failure(machine.replyReceived(SMTPReply(221, "Bye")))?.code == .permanent)
    }

    @Test func serverClosingWith421EndsAtOnce() {
        var machine = SMTPClientStateMachine(settings: Self.settings())
        _ = machine.replyReceived(SMTPReply(220, "mx"))
        _ = machine.replyReceived(Self.ehlo())
        let error = failure(machine.replyReceived(SMTPReply(421, "4.3.2 shutting down")))
        #expect(error?.code == .transient && error?.isTransient == true)
        #expect(machine.isFinished)
    }

    @Test func sizeLimitIsCheckedBeforeMail() {
        var machine = SMTPClientStateMachine(settings: Self.settings(size: 2000))
        _ = machine.replyReceived(SMTPReply(220, "mx"))
        #expect(machine.replyReceived(Self.ehlo("SIZE 1000")) == .send(.quit))
        let error = failure(machine.replyReceived(SMTPReply(221, "Bye")))
        #expect(error?.code == .messageTooLarge && error?.isTransient == false)
    }

    @Test func unexpectedRepliesAreProtocolViolations() {
        var machine = SMTPClientStateMachine(settings: Self.settings())
        #expect(failure(machine.replyReceived(SMTPReply(250, "hello?")))?.code == .protocolViolation)

        var data = SMTPClientStateMachine(settings: Self.settings())
        for reply in [SMTPReply(220, "mx"), Self.ehlo(), SMTPReply(250, "ok"), SMTPReply(250, "ok")] {
            _ = data.replyReceived(reply)
        }
        #expect(failure(data.replyReceived(SMTPReply(250, "no 354?")))?.code == .protocolViolation)

        var tls = SMTPClientStateMachine(settings: Self.settings(security: .startTLS))
        _ = tls.replyReceived(SMTPReply(220, "mx"))
        _ = tls.replyReceived(Self.ehlo("STARTTLS"))
        _ = tls.replyReceived(SMTPReply(220, "go ahead"))
        #expect(failure(tls.replyReceived(SMTPReply(250, "injected")))?.code == .protocolViolation)
    }

    @Test func lostConnectionBeforeTheEndIsTransient() {
        var machine = SMTPClientStateMachine(settings: Self.settings())
        _ = machine.replyReceived(SMTPReply(220, "mx"))
        let error = failure(machine.connectionFailed(SMTPError(.connectionClosed, "closed")))
        #expect(error?.code == .connectionClosed && error?.isTransient == true)
    }

    @Test func secretsStayOutOfDescriptions() {
        let plain = SMTPClientStateMachine.plainResponse(Self.alice)
        #expect(!SMTPCommand.auth(mechanism: "PLAIN", initialResponse: plain).description.contains(plain))
        #expect(!SMTPCommand.authResponse("czNjcmV0").description.contains("czNjcmV0"))
        #expect(!Self.alice.description.contains("s3cret"))
        let configuration = SMTPConfiguration(host: "mx.example", username: "alice", password: "s3cret")
        #expect(!configuration.description.contains("s3cret"))
        #expect(configuration.description.contains("alice"))
        let error = SMTPError(
            .permanent, "RCPT TO refused", reply: SMTPReply(550, "no such user ops@example.com"),
            detail: "ops@example.com")
        #expect(!error.description.contains("ops@example.com"))
        #expect(error.debugDescription.contains("ops@example.com"))
    }
}
