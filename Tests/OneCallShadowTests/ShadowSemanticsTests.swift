import OneCallCore
import OneCallShadow
import Testing

/// One documented behaviour: the updates that set the scene, the request under test, and what AWS's
/// documentation says follows — the GET `state` afterwards (delta included) and the `/update/delta`
/// message, or the error code and message.
struct ShadowCase: Sendable, CustomTestStringConvertible {
    /// The AWS IoT Developer Guide page the expectation is written from.
    var source: String
    var title: String
    var before: [String] = []
    var request: String
    var state: String? = nil
    var delta: String? = nil
    var error: (code: Int, message: String)? = nil

    var testDescription: String { "\(title) [\(source)]" }
}

/// Shadow semantics, case by case, from the AWS documentation — including what emulators commonly get
/// wrong: the delta's direction, reported-only fields, `null` deletion and version conflicts.
@Suite struct ShadowSemanticsTests {
    static let documents = "Device Shadow service documents"
    static let topics = "Device Shadow MQTT topics"
    static let interacting = "Interacting with shadows"
    static let errors = "Device Shadow error messages"
    static let quotas = "AWS IoT Core endpoints and quotas"
    static let diagnosing = "Diagnosing problems with shadows"

    static let cases: [ShadowCase] = [
        // Merging.
        ShadowCase(
            source: interacting, title: "an update affects only the fields it names",
            before: [#"{"state":{"desired":{"color":"RED","power":"on"}}}"#],
            request: #"{"state":{"desired":{"color":"GREEN"}}}"#,
            state: #"{"desired":{"color":"GREEN","power":"on"},"delta":{"color":"GREEN","power":"on"}}"#,
            delta: #"{"color":"GREEN","power":"on"}"#),
        ShadowCase(
            source: interacting, title: "nested objects merge field by field",
            before: [#"{"state":{"desired":{"color":{"r":10,"g":20}}}}"#],
            request: #"{"state":{"desired":{"color":{"r":11},"engine":"ON"}}}"#,
            state:
                #"{"desired":{"color":{"r":11,"g":20},"engine":"ON"},"delta":{"color":{"r":11,"g":20},"engine":"ON"}}"#,
            delta: #"{"color":{"r":11,"g":20},"engine":"ON"}"#),
        ShadowCase(
            source: documents, title: "an update replaces a whole array",
            before: [#"{"state":{"desired":{"colors":["RED","GREEN","BLUE"]}}}"#],
            request: #"{"state":{"desired":{"colors":["RED"]}}}"#,
            state: #"{"desired":{"colors":["RED"]},"delta":{"colors":["RED"]}}"#,
            delta: #"{"colors":["RED"]}"#),
        ShadowCase(
            source: diagnosing, title: "members outside state are ignored",
            request: #"{"state":{"reported":{"temp":55}},"metadata":{"x":1},"extra":[1,2]}"#,
            state: #"{"reported":{"temp":55}}"#),
        ShadowCase(
            source: documents, title: "a state with neither section is a valid, empty document",
            request: #"{"state":{}}"#, state: "{}"),

        // Delta direction and reported-only fields.
        ShadowCase(
            source: documents, title: "the delta carries the desired value, not the reported one",
            before: [#"{"state":{"reported":{"color":"GREEN"}}}"#],
            request: #"{"state":{"desired":{"color":"RED"}}}"#,
            state: #"{"desired":{"color":"RED"},"reported":{"color":"GREEN"},"delta":{"color":"RED"}}"#,
            delta: #"{"color":"RED"}"#),
        ShadowCase(
            source: documents, title: "fields only in reported are never in the delta",
            before: [#"{"state":{"reported":{"color":"GREEN","engine":"ON"}}}"#],
            request: #"{"state":{"desired":{"color":"RED","state":"STOP"}}}"#,
            state: #"""
                {"desired":{"color":"RED","state":"STOP"},"reported":{"color":"GREEN","engine":"ON"},
                 "delta":{"color":"RED","state":"STOP"}}
                """#,
            delta: #"{"color":"RED","state":"STOP"}"#),
        ShadowCase(
            source: documents, title: "a reported-only shadow has no delta",
            request: #"{"state":{"reported":{"temp":55,"mode":"eco"}}}"#,
            state: #"{"reported":{"temp":55,"mode":"eco"}}"#),
        ShadowCase(
            source: documents, title: "nested objects: the delta holds the path from the root",
            before: [#"{"state":{"reported":{"lights":{"color":{"r":255,"g":0,"b":255}}}}}"#],
            request: #"{"state":{"desired":{"lights":{"color":{"r":255,"g":255,"b":255}}}}}"#,
            state: #"""
                {"desired":{"lights":{"color":{"r":255,"g":255,"b":255}}},
                 "reported":{"lights":{"color":{"r":255,"g":0,"b":255}}},
                 "delta":{"lights":{"color":{"g":255}}}}
                """#,
            delta: #"{"lights":{"color":{"g":255}}}"#),
        ShadowCase(
            source: documents, title: "nested fields only in reported are never in the delta",
            before: [#"{"state":{"reported":{"lights":{"on":true,"watts":9}}}}"#],
            request: #"{"state":{"desired":{"lights":{"on":false}}}}"#,
            state: #"""
                {"desired":{"lights":{"on":false}},"reported":{"lights":{"on":true,"watts":9}},
                 "delta":{"lights":{"on":false}}}
                """#,
            delta: #"{"lights":{"on":false}}"#),
        ShadowCase(
            source: documents, title: "arrays that differ go whole into the delta",
            before: [#"{"state":{"reported":{"colors":["RED","GREEN"]}}}"#],
            request: #"{"state":{"desired":{"colors":["RED","GREEN","BLUE"]}}}"#,
            state: #"""
                {"desired":{"colors":["RED","GREEN","BLUE"]},"reported":{"colors":["RED","GREEN"]},
                 "delta":{"colors":["RED","GREEN","BLUE"]}}
                """#,
            delta: #"{"colors":["RED","GREEN","BLUE"]}"#),
        ShadowCase(
            source: documents, title: "equal arrays give no delta",
            before: [#"{"state":{"reported":{"colors":["RED"]}}}"#],
            request: #"{"state":{"desired":{"colors":["RED"]}}}"#,
            state: #"{"desired":{"colors":["RED"]},"reported":{"colors":["RED"]}}"#),
        ShadowCase(
            source: documents, title: "a desired object against a reported scalar goes whole into the delta",
            before: [#"{"state":{"reported":{"mode":"off"}}}"#],
            request: #"{"state":{"desired":{"mode":{"fan":"high"}}}}"#,
            state: #"{"desired":{"mode":{"fan":"high"}},"reported":{"mode":"off"},"delta":{"mode":{"fan":"high"}}}"#,
            delta: #"{"mode":{"fan":"high"}}"#),
        ShadowCase(
            source: topics, title: "a desired field missing from reported is in the delta",
            before: [#"{"state":{"reported":{"color":"RED"}}}"#],
            request: #"{"state":{"desired":{"color":"RED","power":"on"}}}"#,
            state: #"{"desired":{"color":"RED","power":"on"},"reported":{"color":"RED"},"delta":{"power":"on"}}"#,
            delta: #"{"power":"on"}"#),
        ShadowCase(
            source: topics, title: "the delta holds every differing field, not only those just updated",
            before: [#"{"state":{"desired":{"a":1,"b":2},"reported":{"c":3}}}"#],
            request: #"{"state":{"desired":{"b":4}}}"#,
            state: #"{"desired":{"a":1,"b":4},"reported":{"c":3},"delta":{"a":1,"b":4}}"#,
            delta: #"{"a":1,"b":4}"#),
        ShadowCase(
            source: topics, title: "a field deleted from reported but still desired is in the delta",
            before: [#"{"state":{"desired":{"color":"RED"},"reported":{"color":"RED"}}}"#],
            request: #"{"state":{"reported":{"color":null}}}"#,
            state: #"{"desired":{"color":"RED"},"delta":{"color":"RED"}}"#,
            delta: #"{"color":"RED"}"#),
        ShadowCase(
            source: topics, title: "a device reporting another value than desired gets the delta again",
            before: [#"{"state":{"desired":{"lock":"open","mode":"eco"},"reported":{"lock":"open","mode":"eco"}}}"#],
            request: #"{"state":{"reported":{"lock":"locked"}}}"#,
            state: #"""
                {"desired":{"lock":"open","mode":"eco"},"reported":{"lock":"locked","mode":"eco"},
                 "delta":{"lock":"open"}}
                """#,
            delta: #"{"lock":"open"}"#),
        ShadowCase(
            source: interacting, title: "a device reporting the desired value clears the delta",
            before: [#"{"state":{"desired":{"color":"RED"},"reported":{"color":"GREEN"}}}"#],
            request: #"{"state":{"reported":{"color":"RED"}}}"#,
            state: #"{"desired":{"color":"RED"},"reported":{"color":"RED"}}"#),

        // `null` deletes.
        ShadowCase(
            source: interacting, title: "null deletes a desired field",
            before: [#"{"state":{"desired":{"engine":"ON","color":"RED"}}}"#],
            request: #"{"state":{"desired":{"engine":null}}}"#,
            state: #"{"desired":{"color":"RED"},"delta":{"color":"RED"}}"#,
            delta: #"{"color":"RED"}"#),
        ShadowCase(
            source: interacting, title: "null deletes a reported field",
            before: [#"{"state":{"reported":{"temp":55,"humidity":40}}}"#],
            request: #"{"state":{"reported":{"humidity":null}}}"#,
            state: #"{"reported":{"temp":55}}"#),
        ShadowCase(
            source: interacting, title: "null deletes a nested field and leaves its siblings",
            before: [
                #"{"state":{"desired":{"lights":{"color":"RED","level":3}},"reported":{"lights":{"color":"RED"}}}}"#
            ],
            request: #"{"state":{"desired":{"lights":{"level":null}}}}"#,
            state: #"{"desired":{"lights":{"color":"RED"}},"reported":{"lights":{"color":"RED"}}}"#),
        ShadowCase(
            source: documents, title: "deleting the last field removes the emptied object and section",
            before: [#"{"state":{"desired":{"lights":{"level":3}},"reported":{"temp":1}}}"#],
            request: #"{"state":{"desired":{"lights":{"level":null}}}}"#,
            state: #"{"reported":{"temp":1}}"#),
        ShadowCase(
            source: interacting, title: "null for a field that does not exist changes nothing",
            before: [#"{"state":{"reported":{"temp":1}}}"#],
            request: #"{"state":{"reported":{"missing":null,"nested":{"missing":null}}}}"#,
            state: #"{"reported":{"temp":1}}"#),
        ShadowCase(
            source: interacting, title: "deleting the only differing desired field leaves no delta",
            before: [#"{"state":{"desired":{"color":"RED"},"reported":{"color":"GREEN"}}}"#],
            request: #"{"state":{"desired":{"color":null}}}"#,
            state: #"{"reported":{"color":"GREEN"}}"#),
        ShadowCase(
            source: documents, title: "\"desired\": null removes the whole desired section",
            before: [#"{"state":{"desired":{"color":"blue","mode":"eco"},"reported":{"color":"blue"}}}"#],
            request: #"{"state":{"reported":{"color":"red"},"desired":null}}"#,
            state: #"{"reported":{"color":"red"}}"#),
        ShadowCase(
            source: documents, title: "both sections null leave an empty document",
            before: [#"{"state":{"desired":{"a":1},"reported":{"b":2}}}"#],
            request: #"{"state":{"desired":null,"reported":null}}"#,
            state: "{}"),

        // Versions.
        ShadowCase(
            source: interacting, title: "a version that is not the current one is a conflict",
            before: [#"{"state":{"desired":{"colors":["RED","GREEN","BLUE"]}}}"#],
            request: #"{"state":{"desired":{"colors":["BLUE"]}},"version":2}"#,
            error: (409, "Version conflict")),
        ShadowCase(
            source: interacting, title: "an older version is a conflict",
            before: [#"{"state":{"desired":{"a":1}}}"#, #"{"state":{"desired":{"a":2}}}"#],
            request: #"{"state":{"desired":{"a":3}},"version":1}"#,
            error: (409, "Version conflict")),
        ShadowCase(
            source: interacting, title: "the current version is accepted",
            before: [#"{"state":{"desired":{"a":1}}}"#, #"{"state":{"desired":{"a":2}}}"#],
            request: #"{"state":{"desired":{"a":3}},"version":2}"#,
            state: #"{"desired":{"a":3},"delta":{"a":3}}"#, delta: #"{"a":3}"#),

        // Documented errors.
        ShadowCase(source: errors, title: "a truncated document", request: #"{"state":"#, error: (400, "Invalid JSON")),
        ShadowCase(source: errors, title: "an empty payload", request: "", error: (400, "Invalid JSON")),
        ShadowCase(
            source: errors, title: "a document that is not an object", request: "[1,2]", error: (400, "Invalid JSON")),
        ShadowCase(
            source: errors, title: "no state", request: #"{"desired":{"a":1}}"#,
            error: (400, "Missing required node: state")),
        ShadowCase(
            source: errors, title: "a number for state", request: #"{"state":5}"#,
            error: (400, "State node must be an object")),
        ShadowCase(
            source: errors, title: "null for state", request: #"{"state":null}"#,
            error: (400, "State node must be an object")),
        ShadowCase(
            source: errors, title: "a number for desired", request: #"{"state":{"desired":5}}"#,
            error: (400, "Desired node must be an object")),
        ShadowCase(
            source: errors, title: "an array for desired", request: #"{"state":{"desired":[1]}}"#,
            error: (400, "Desired node must be an object")),
        ShadowCase(
            source: errors, title: "a string for reported", request: #"{"state":{"reported":"on"}}"#,
            error: (400, "Reported node must be an object")),
        ShadowCase(
            source: errors, title: "a string version", request: #"{"state":{"reported":{"a":1}},"version":"1"}"#,
            error: (400, "Invalid version")),
        ShadowCase(
            source: errors, title: "a negative version", request: #"{"state":{"reported":{"a":1}},"version":-1}"#,
            error: (400, "Invalid version")),
        ShadowCase(
            source: errors, title: "a fractional version", request: #"{"state":{"reported":{"a":1}},"version":1.5}"#,
            error: (400, "Invalid version")),
        ShadowCase(
            source: documents, title: "a client token longer than 64 bytes",
            request: #"{"state":{"reported":{"a":1}},"clientToken":"\#(String(repeating: "t", count: 65))"}"#,
            error: (400, "Invalid clientToken")),
        ShadowCase(
            source: errors, title: "a client token that is not a string",
            request: #"{"state":{"reported":{"a":1}},"clientToken":42}"#, error: (400, "Invalid clientToken")),
        ShadowCase(
            source: errors, title: "a section nested seven levels deep",
            request: #"{"state":{"desired":{"1":{"2":{"3":{"4":{"5":{"6":{"7":true}}}}}}}}}"#,
            error: (400, "JSON contains too many levels of nesting; maximum is 6")),
        ShadowCase(
            source: errors, title: "arrays count as levels",
            request: #"{"state":{"reported":{"a":[[[[[[1]]]]]]}}}"#,
            error: (400, "JSON contains too many levels of nesting; maximum is 6")),
        ShadowCase(
            source: errors, title: "a document nested far deeper is refused before it is built",
            request: #"{"state":{"reported":"# + String(repeating: "[", count: 5000)
                + String(repeating: "]", count: 5000) + "}}",
            error: (400, "JSON contains too many levels of nesting; maximum is 6")),
        ShadowCase(
            source: quotas, title: "the quota's five-level example is accepted",
            before: [#"{"state":{"reported":{"x":1}}}"#],
            request: #"{"state":{"desired":{"one":{"two":{"three":{"four":{"five":{}}}}}}}}"#,
            state: #"{"reported":{"x":1}}"#),
        ShadowCase(
            source: quotas, title: "a section six levels deep is accepted",
            request: #"{"state":{"reported":{"1":{"2":{"3":{"4":{"5":{"6":true}}}}}}}}"#,
            state: #"{"reported":{"1":{"2":{"3":{"4":{"5":{"6":true}}}}}}}"#),
        ShadowCase(
            source: errors, title: "a node other than desired and reported in state",
            request: #"{"state":{"delta":{"a":1}}}"#, error: (400, "State contains an invalid node")),
        ShadowCase(
            source: documents, title: "an array with a null element",
            request: #"{"state":{"desired":{"colors":[null,"RED","GREEN"]}}}"#,
            error: (400, "State contains an invalid node")),
        ShadowCase(
            source: quotas, title: "a state over 8 KB",
            request: #"{"state":{"reported":{"log":"\#(String(repeating: "x", count: 8200))"}}}"#,
            error: (413, "The payload exceeds the maximum size allowed")),
        ShadowCase(
            source: quotas, title: "an update whose merge would take the state over 8 KB",
            before: [#"{"state":{"reported":{"a":"\#(String(repeating: "x", count: 5000))"}}}"#],
            request: #"{"state":{"desired":{"b":"\#(String(repeating: "y", count: 4000))"}}}"#,
            error: (413, "The payload exceeds the maximum size allowed")),
        ShadowCase(
            source: quotas, title: "a request over the message size limit",
            request: #"{"state":{"reported":{"a":null}},"pad":"\#(String(repeating: " ", count: 140_000))"}"#,
            error: (413, "The payload exceeds the maximum size allowed")),
    ]

    @Test(arguments: cases)
    func documentedBehaviour(_ shadowCase: ShadowCase) throws {
        var shadow = try ShadowHarness()
        for (offset, payload) in shadowCase.before.enumerated() {
            let setup = shadow.update(payload, at: 100 + Int64(offset))
            try #require(setup.isAccepted, "setup update \(offset) was rejected: \(String(describing: setup.error))")
        }
        let recordBefore = shadow.record
        let result = shadow.update(shadowCase.request, at: 200)

        if let (code, message) = shadowCase.error {
            let error = try #require(result.error)
            #expect(error.code.rawValue == code)
            #expect(error.message == message)
            #expect(result.httpStatus == code)
            #expect(result.change == .none)
            #expect(shadow.record == recordBefore)
            let rejected = try #require(try result.published(.rejected))
            #expect(rejected == .object(["code": .int(Int64(code)), "message": .string(message), "timestamp": 200]))
            #expect(result.messages().count == 1)
            return
        }

        #expect(result.isAccepted, "rejected: \(String(describing: result.error))")
        #expect(shadow.record?.version == Int64(shadowCase.before.count) + 1)
        if let expectedState = shadowCase.state {
            #expect(shadow.currentState() == (try json(expectedState)))
        }
        let delta = try result.published(.delta)
        if let expectedDelta = shadowCase.delta {
            #expect(delta?["state"] == (try json(expectedDelta)))
        } else {
            #expect(delta == nil, "no /delta is published when the delta is empty")
        }
        #expect(try result.published(.accepted) != nil)
        #expect(try result.published(.documents) != nil)
    }
}
