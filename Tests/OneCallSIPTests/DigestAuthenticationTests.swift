import OneCallSIP
import Testing

@Suite("Digest authentication")
struct DigestAuthenticationTests {
    /// RFC 2617 §3.5: GET /dir/index.html by Mufasa.
    @Test("RFC 2617 section 3.5 example")
    func rfc2617Example() throws {
        let challenge = try DigestChallenge(
            parsing:
                "Digest realm=\"testrealm@host.com\", qop=\"auth,auth-int\", "
                + "nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", opaque=\"5ccc069c403ebaf9f0171e9517f40e41\""
        )
        #expect(challenge.realm == "testrealm@host.com")
        #expect(challenge.qopOptions == ["auth", "auth-int"])
        #expect(challenge.algorithm == .md5)
        let answer = try DigestAuthorization(
            challenge: challenge, credentials: DigestCredentials(username: "Mufasa", password: "Circle Of Life"),
            method: SIPMethod("GET"), uri: "/dir/index.html", cnonce: "0a4f113b", nonceCount: 1)
        #expect(answer.response == "6629fae49393a05397450978507c4ef1")
        #expect(
            answer.headerValue
                == "Digest username=\"Mufasa\", realm=\"testrealm@host.com\", "
                + "nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", uri=\"/dir/index.html\", "
                + "response=\"6629fae49393a05397450978507c4ef1\", algorithm=MD5, cnonce=\"0a4f113b\", "
                + "opaque=\"5ccc069c403ebaf9f0171e9517f40e41\", qop=auth, nc=00000001"
        )
    }

    /// RFC 7616 §3.9.1: the same request answered with SHA-256 and with MD5.
    @Test("RFC 7616 section 3.9.1 examples")
    func rfc7616Examples() throws {
        let credentials = DigestCredentials(username: "Mufasa", password: "Circle of Life")
        let values = [
            "Digest realm=\"http-auth@example.org\", qop=\"auth, auth-int\", algorithm=SHA-256, "
                + "nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", "
                + "opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"",
            "Digest realm=\"http-auth@example.org\", qop=\"auth, auth-int\", algorithm=MD5, "
                + "nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", "
                + "opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"",
        ]
        let sha = try DigestAuthorization(
            challenge: DigestChallenge(parsing: values[0]), credentials: credentials, method: SIPMethod("GET"),
            uri: "/dir/index.html", cnonce: "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ")
        #expect(sha.response == "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1")
        let md5 = try DigestAuthorization(
            challenge: DigestChallenge(parsing: values[1]), credentials: credentials, method: SIPMethod("GET"),
            uri: "/dir/index.html", cnonce: "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ")
        #expect(md5.response == "8ca523f5e9506fed4657c9700eebdbec")
        // Offered both, the client answers the stronger.
        #expect(DigestChallenge.preferred(among: values.reversed())?.algorithm == .sha256)
    }

    @Test("RFC 2069 compatibility, -sess and auth-int")
    func variants() throws {
        let credentials = DigestCredentials(username: "alice", password: "wonderland")
        func md5(_ text: String) -> String { DigestAlgorithm.md5.hash(text: text) }
        let plain = try DigestAuthorization(
            challenge: DigestChallenge(realm: "r", nonce: "n"), credentials: credentials, method: .register,
            uri: "sip:example.com", cnonce: "c")
        #expect(plain.response == md5("\(md5("alice:r:wonderland")):n:\(md5("REGISTER:sip:example.com"))"))
        #expect(plain.cnonce == nil && plain.qop == nil && plain.nonceCount == nil)
        #expect(!plain.headerValue.contains("nc="))

        let session = try DigestAuthorization(
            challenge: DigestChallenge(realm: "r", nonce: "n", qopOptions: ["auth"], algorithm: .md5Session),
            credentials: credentials, method: .invite, uri: "sip:b@example.com", cnonce: "c", nonceCount: 2)
        let ha1 = md5("\(md5("alice:r:wonderland")):n:c")
        #expect(session.response == md5("\(ha1):n:00000002:c:auth:\(md5("INVITE:sip:b@example.com"))"))
        #expect(session.headerValue.contains("algorithm=MD5-sess"))

        let body = Array("v=0\r\n".utf8)
        let integrity = try DigestAuthorization(
            challenge: DigestChallenge(realm: "r", nonce: "n", qopOptions: ["auth-int"]), credentials: credentials,
            method: .invite, uri: "sip:b@example.com", body: body, cnonce: "c")
        let ha2 = md5("INVITE:sip:b@example.com:\(DigestAlgorithm.md5.hash(bytes: body))")
        #expect(integrity.response == md5("\(md5("alice:r:wonderland")):n:00000001:c:auth-int:\(ha2)"))
    }

    @Test("challenges that cannot be answered")
    func unsupported() {
        #expect(throws: SIPError.self) { try DigestChallenge(parsing: "Basic realm=\"x\"") }
        #expect(throws: SIPError.self) {
            try DigestChallenge(parsing: "Digest realm=\"x\", nonce=\"y\", algorithm=AKAv1-MD5")
        }
        #expect(throws: SIPError.self) { try DigestChallenge(parsing: "Digest realm=\"x\"") }
        #expect(throws: SIPError.self) { try DigestChallenge(parsing: "Digest realm=\"x, nonce=y") }
        #expect(throws: SIPError.self) {
            try DigestChallenge(parsing: "Digest realm=\"x\", nonce=\"y\", qop=\"auth-conf\"").chosenQOP()
        }
        #expect(DigestChallenge.preferred(among: ["Basic realm=\"x\"", "Digest realm=\"x\""]) == nil)
        let stale = try? DigestChallenge(parsing: "Digest realm=\"x\", nonce=\"y\", stale=TRUE")
        #expect(stale?.stale == true)
    }

    @Test("credentials never show the password")
    func secret() {
        let credentials = DigestCredentials(username: "alice", password: "wonderland")
        #expect(!"\(credentials)".contains("wonderland"))
        let configuration = SIPUserAgentConfiguration(
            proxyHost: "127.0.0.1", domain: "example.com", username: "alice", password: "wonderland")
        #expect(!configuration.description.contains("wonderland"))
    }
}
