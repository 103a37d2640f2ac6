import OneCallCore
import Testing

@testable import OneCallBroker

@Suite struct AccessControlListTests {
    let text = """
        # anonymous clients
        topic read $SYS/#
        topic readwrite public/#
        topic deny public/secret

        user admin
        topic readwrite #

        pattern write devices/%c/telemetry
        pattern read devices/%c/commands
        pattern readwrite users/%u/#
        """

    @Test func anonymousRulesApplyWithoutAUserName() throws {
        let acl = try AccessControlList(parsing: text)
        let rules = acl.rules(username: nil, clientIdentifier: "dev1")
        #expect(rules.allows("public/a", access: .write))
        #expect(!rules.allows("public/secret", access: .read))
        #expect(rules.allows("$SYS/broker/uptime", access: .read))
        #expect(!rules.allows("$SYS/broker/uptime", access: .write))
        #expect(rules.allows("devices/dev1/telemetry", access: .write))
        #expect(!rules.allows("devices/dev1/telemetry", access: .read))
        #expect(!rules.allows("devices/dev2/telemetry", access: .write))
        #expect(!rules.allows("users/dev1/x", access: .read), "%u patterns need a user name")
    }

    @Test func userAndPatternRules() throws {
        let acl = try AccessControlList(parsing: text)
        let admin = acl.rules(username: "admin", clientIdentifier: "c")
        #expect(admin.allows("anything/at/all", access: .write))
        let device = acl.rules(username: "device1", clientIdentifier: "device1")
        #expect(device.allows("users/device1/inbox", access: .read))
        #expect(device.allows("devices/device1/commands", access: .read))
        #expect(!device.allows("devices/device2/commands", access: .read))
        #expect(!device.allows("public/a", access: .read), "anonymous rules do not apply to users")
    }

    @Test func subscriptionsMustBeCoveredByAReadRule() throws {
        let acl = try AccessControlList(parsing: text)
        let device = acl.rules(username: "device1", clientIdentifier: "device1")
        #expect(device.allowsSubscribe("devices/device1/commands"))
        #expect(device.allowsSubscribe("users/device1/+"))
        #expect(!device.allowsSubscribe("devices/+/commands"))
        #expect(!device.allowsSubscribe("#"))
        let anonymous = acl.rules(username: nil, clientIdentifier: "x")
        #expect(anonymous.allowsSubscribe("public/+"))
        #expect(!anonymous.allowsSubscribe("public/secret"))
    }

    @Test func wildcardCharactersInIdentitiesDoNotWidenPatterns() throws {
        let acl = try AccessControlList(parsing: text)
        let rules = acl.rules(username: "a/b", clientIdentifier: "#")
        #expect(!rules.allows("devices/x/telemetry", access: .write))
        #expect(!rules.allows("users/a/b/x", access: .read))
    }

    @Test func errorsNameTheLine() {
        #expect(throws: ConfigurationError(key: "acl", reason: "line 2: unknown access 'sometimes'")) {
            try AccessControlList(parsing: "topic read a\ntopic sometimes b")
        }
        #expect(throws: ConfigurationError.self) { try AccessControlList(parsing: "topics read a") }
        #expect(throws: ConfigurationError.self) { try AccessControlList(parsing: "topic read a/#/b") }
    }
}

@Suite struct PasswordFileTests {
    @Test func linesWeWriteVerify() throws {
        let line = try PasswordFile.line(username: "device1", password: "secret1", iterations: 1000)
        let file = try PasswordFile(parsing: line + "\n")
        #expect(file.verify(username: "device1", password: Array("secret1".utf8)))
        #expect(file.verify(username: "device1", password: Array("secret1".utf8)), "cached path")
        #expect(!file.verify(username: "device1", password: Array("secret2".utf8)))
        #expect(!file.verify(username: "nobody", password: Array("secret1".utf8)))
    }

    @Test func mosquittoPasswdLinesVerify() throws {
        // Written by `mosquitto_passwd -c -b pw device1 secret1` (Mosquitto 2.0, PBKDF2-SHA512).
        let line =
            "device1:$7$101$R69/CK5cu1Yo0Go6$LZdI+rzJwAi25ruKV0j3cQ5UfALIV+/kGt4/8xuoik8dQfV55xqv3OI1aZwVeTn/BkzeZXPTMLnVcBC1I3nFmA=="
        let file = try PasswordFile(parsing: line)
        #expect(file.verify(username: "device1", password: Array("secret1".utf8)))
        #expect(!file.verify(username: "device1", password: Array("secret".utf8)))
    }

    @Test func malformedLinesAreRejectedWithTheLineNumber() {
        #expect(throws: ConfigurationError(key: "password_file", reason: "line 2: unsupported hash format")) {
            try PasswordFile(parsing: "# comment\nuser:plaintext")
        }
        #expect(throws: ConfigurationError.self) { try PasswordFile(parsing: "no-colon-here") }
    }
}
