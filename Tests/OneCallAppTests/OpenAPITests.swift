import Foundation
import OneCallApp
import OneCallCore
import Testing

/// `/openapi.json` against the server's real routes, and against an independent validator of the
/// OpenAPI 3.1 specification (openapi-spec-validator, from PyPI).
@Suite("OpenAPI description", .serialized, .timeLimit(.minutes(2)))
struct OpenAPITests {
    @Test
    func everyRouteIsDescribedAndTheDescriptionIsValidOpenAPI() async throws {
        let fetched = try await RunningServer.with(try RunningServer.configuration()) { server throws in
            try await request("GET", "http://127.0.0.1:\(server.endpoints.httpPort)/openapi.json")
        }
        #expect(fetched.status == 200)
        let document = fetched.body
        #expect(document["openapi"] == "3.1.0")
        // The routes the router holds and the operations described are the same set.
        #expect(document["x-undocumented"]?.arrayValue == [], "routes without a description")
        #expect(document["x-unrouted"]?.arrayValue == [], "descriptions without a route")
        let paths = try #require(document["paths"]?.objectValue)
        for path in ["/api/v1/chat", "/api/v1/tickets/{id}", "/api/v1/calls/{id}", "/things/{thing}/shadow"] {
            #expect(paths[path] != nil, "\(path) missing")
        }
        #expect(paths["/api/v1/chat"]?["post"]?["requestBody"] != nil)
        #expect(paths["/api/v1/tickets/{id}"]?["get"]?["parameters"]?.arrayValue?.first?["in"] == "path")

        let python = try TestEnvironment.requirePeer("python3", install: "apt-get install python3")
        let probe = try await TestEnvironment.run(python, ["-c", "import openapi_spec_validator"])
        try #require(
            probe.status == 0,
            "openapi-spec-validator is missing: pip install openapi-spec-validator (scripts/test does)")
        let file = try TestEnvironment.temporaryDirectory().appendingPathComponent("openapi.json")
        try Data(document.jsonBytes).write(to: file)
        let validated = try await TestEnvironment.run(
            python,
            [
                "-c",
                "import json, sys; from openapi_spec_validator import validate; "
                    + "validate(json.load(open(sys.argv[1]))); print('valid')",
                file.path,
            ])
        #expect(validated.status == 0, "\(validated.stderr)")
        #expect(validated.stdout.contains("valid"))
    }
}
