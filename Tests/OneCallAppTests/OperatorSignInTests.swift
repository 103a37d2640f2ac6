import Foundation
import OneCallApp
import OneCallBroker
import OneCallCore
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Operators sign in with a name and password from the operators file and get a bearer token
/// that opens the API; everything but the console page, `/healthz` and `/metrics` then needs one.
@Suite("Operator sign-in", .serialized, .timeLimit(.minutes(2)))
struct OperatorSignInTests {
    @Test
    func aSignedInOperatorHasATokenThatOpensTheAPIUntilSignOut() async throws {
        let configuration = try RunningServer.configuration()
        let file = (configuration.dataDirectory as NSString).appendingPathComponent("operators")
        try [
            try PasswordFile.line(username: "ana", password: "harbour-lights"),
            try PasswordFile.line(username: "bo", password: "night-shift"),
        ].joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8)
        try await RunningServer.with(configuration) { server throws in
            let url = "http://127.0.0.1:\(server.endpoints.httpPort)"
            #expect(try await request("GET", "\(url)/api/v1/tickets").status == 401)
            #expect(try await request("GET", "\(url)/openapi.json").status == 401)
            #expect(try await authorized("GET", "\(url)/healthz", token: "none") == 200)
            #expect(try await authorized("GET", "\(url)/", token: "none") == 200)
            let wrong = try await request("POST", "\(url)/api/v1/login", ["username": "ana", "password": "nope"])
            #expect(wrong.status == 401)
            #expect(wrong.body["error"]?["code"] == "unauthorized")
            #expect(
                try await request("POST", "\(url)/api/v1/login", ["username": "eve", "password": "harbour-lights"])
                    .status == 401)
            #expect(try await request("POST", "\(url)/api/v1/login", ["user": "ana"]).status == 400)
            let signedIn = try await request(
                "POST", "\(url)/api/v1/login", ["username": "ana", "password": "harbour-lights"])
            #expect(signedIn.status == 200)
            let token = try #require(signedIn.body["token"]?.stringValue)
            #expect(token.count == 64)
            #expect(signedIn.body["username"] == "ana")

            #expect(try await authorized("GET", "\(url)/api/v1/tickets", token: token) == 200)
            #expect(try await authorized("GET", "\(url)/openapi.json", token: token) == 200)
            // A command for a device id that could not name one, and for one not registered.
            #expect(try await authorized("POST", "\(url)/api/v1/devices/a%2B%23/commands", token: token) == 400)
            #expect(try await authorized("POST", "\(url)/api/v1/devices/unit-9/commands", token: token) == 404)
            #expect(try await authorized("GET", "\(url)/api/v1/tickets", token: String(token.reversed())) == 401)
            // The console's websocket: upgraded with the token in the query, refused (400) without.
            #expect(try await Self.upgradeStatus(port: server.endpoints.httpPort, query: "") == "400")
            #expect(try await Self.upgradeStatus(port: server.endpoints.httpPort, query: "?token=nope") == "400")
            #expect(try await Self.upgradeStatus(port: server.endpoints.httpPort, query: "?token=\(token)") == "101")
            #expect(try await authorized("POST", "\(url)/api/v1/logout", token: token) == 200)
            #expect(try await authorized("GET", "\(url)/api/v1/tickets", token: token) == 401)
        }
    }

    @Test
    func beyondLoopbackOnlyTheHealthCheckAndTheConsoleShellAreOpen() async throws {
        var configuration = try RunningServer.configuration()
        configuration.http.host = "0.0.0.0"
        try configuration.set("http.api_token", "a-token-of-twenty-chars")
        try await RunningServer.with(configuration) { server throws in
            let url = "http://127.0.0.1:\(server.endpoints.httpPort)"
            #expect(try await authorized("GET", "\(url)/healthz", token: "none") == 200)
            #expect(try await authorized("GET", "\(url)/", token: "none") == 200)
            for path in ["/metrics", "/openapi.json", "/api/v1/tickets", "/api/v1/devices"] {
                #expect(try await authorized("GET", url + path, token: "none") == 401, "\(path)")
                #expect(try await authorized("GET", url + path, token: "a-token-of-twenty-chars") == 200, "\(path)")
            }
        }
    }

    @Test
    func anOperatorsFileThatCannotBeReadFailsTheStartWithTheKey() async throws {
        var configuration = try RunningServer.configuration()
        try configuration.set("http.operators_file", "/nonexistent/operators")
        await #expect(throws: ConfigurationError.self) { _ = try await RunningServer.start(configuration) }
    }

    /// The status code of a websocket upgrade request to `/api/v1/ws` (a raw socket, as a browser sends it).
    static func upgradeStatus(port: Int, query: String) async throws -> String {
        let script = """
            import socket, sys
            s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=10)
            s.sendall(("GET /api/v1/ws" + sys.argv[2] + " HTTP/1.1\\r\\nHost: 127.0.0.1\\r\\nUpgrade: websocket\\r\\n"
                       "Connection: Upgrade\\r\\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\\r\\n"
                       "Sec-WebSocket-Version: 13\\r\\n\\r\\n").encode())
            print(s.recv(4096).decode(errors="replace").split(" ")[1])
            """
        let python = try TestEnvironment.requirePeer("python3", install: "apt-get install python3")
        let result = try await TestEnvironment.run(python, ["-c", script, String(port), query], timeout: 30)
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func authorized(_ method: String, _ url: String, token: String) async throws -> Int {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = method
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        let (_, response) = try await URLSession.shared.data(for: request)
        return (response as? HTTPURLResponse)?.statusCode ?? 0
    }
}
