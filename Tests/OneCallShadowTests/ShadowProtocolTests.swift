import OneCallCore
import OneCallShadow
import Testing

/// The messages the service publishes, checked byte for byte against the examples in the AWS IoT
/// Developer Guide, and the lifecycle of versions, client tokens and deletions.
@Suite struct ShadowProtocolTests {
    /// Re-serialises a documented example compactly, keeping its member order.
    static func compact(_ text: String) throws -> String { try json(text).jsonString }

    /// "Simulating Device Shadow service communications": the named shadow `simShadow1` of
    /// `mySimulatedThing`, every message compared byte for byte with the page's examples.
    @Test func simulationWalkthrough() throws {
        var shadow = try ShadowHarness(thing: "mySimulatedThing", shadow: "simShadow1")
        let missing = shadow.send(.get, at: 1_591_140_000)
        #expect(missing.error == .noShadow(named: "simShadow1"))
        #expect(missing.error?.message == "No shadow exists with name: 'simShadow1'")
        #expect(missing.messages().map(\.topic) == ["$aws/things/mySimulatedThing/shadow/name/simShadow1/get/rejected"])

        // The page's shadow is at version 3 when it starts; two earlier reports get it there.
        let report = #"""
            {"state":{"reported":{"ID":"SmartLamp21","ColorRGB":[128,128,128]}},
             "clientToken":"426bfd96-e720-46d3-95cd-014e3ef12bb6"}
            """#
        shadow.update(report, at: 1_591_140_100)
        shadow.update(report, at: 1_591_140_200)
        shadow.update(report, at: 1_591_140_517)

        let get = shadow.send(.get, at: 1_591_141_111)
        #expect(
            try get.published(.accepted)?.jsonString
                == Self.compact(
                    #"""
                    {"state":{"reported":{"ID":"SmartLamp21","ColorRGB":[128,128,128]}},
                     "metadata":{"reported":{"ID":{"timestamp":1591140517},
                       "ColorRGB":[{"timestamp":1591140517},{"timestamp":1591140517},{"timestamp":1591140517}]}},
                     "version":3,"timestamp":1591141111}
                    """#))

        let appUpdate = shadow.update(
            #"{"state":{"desired":{"ColorRGB":[255,255,0]}},"clientToken":"21b21b21-bfd2-4279-8c65-e2f697ff4fab"}"#,
            at: 1_591_141_596)
        #expect(
            try appUpdate.published(.accepted)?.jsonString
                == Self.compact(
                    #"""
                    {"state":{"desired":{"ColorRGB":[255,255,0]}},
                     "metadata":{"desired":{"ColorRGB":[{"timestamp":1591141596},{"timestamp":1591141596},
                       {"timestamp":1591141596}]}},
                     "version":4,"timestamp":1591141596,"clientToken":"21b21b21-bfd2-4279-8c65-e2f697ff4fab"}
                    """#))
        #expect(
            try appUpdate.published(.delta)?.jsonString
                == Self.compact(
                    #"""
                    {"version":4,"timestamp":1591141596,"state":{"ColorRGB":[255,255,0]},
                     "metadata":{"ColorRGB":[{"timestamp":1591141596},{"timestamp":1591141596},
                       {"timestamp":1591141596}]},
                     "clientToken":"21b21b21-bfd2-4279-8c65-e2f697ff4fab"}
                    """#))

        let deviceUpdate = shadow.update(
            #"{"state":{"reported":{"ColorRGB":[255,255,0]}},"clientToken":"a4dc2227-9213-4c6a-a6a5-053304f60258"}"#,
            at: 1_591_142_747)
        #expect(
            try deviceUpdate.published(.accepted)?.jsonString
                == Self.compact(
                    #"""
                    {"state":{"reported":{"ColorRGB":[255,255,0]}},
                     "metadata":{"reported":{"ColorRGB":[{"timestamp":1591142747},{"timestamp":1591142747},
                       {"timestamp":1591142747}]}},
                     "version":5,"timestamp":1591142747,"clientToken":"a4dc2227-9213-4c6a-a6a5-053304f60258"}
                    """#))
        #expect(try deviceUpdate.published(.delta) == nil)
        let stamps = { (t: Int) in "[{\"timestamp\":\(t)},{\"timestamp\":\(t)},{\"timestamp\":\(t)}]" }
        #expect(
            try deviceUpdate.published(.documents)?.jsonString
                == Self.compact(
                    #"""
                    {"previous":{"state":{"desired":{"ColorRGB":[255,255,0]},
                                          "reported":{"ID":"SmartLamp21","ColorRGB":[128,128,128]}},
                                 "metadata":{"desired":{"ColorRGB":\#(stamps(1591141596))},
                                             "reported":{"ID":{"timestamp":1591140517},
                                                         "ColorRGB":\#(stamps(1591140517))}},
                                 "version":4},
                     "current":{"state":{"desired":{"ColorRGB":[255,255,0]},
                                         "reported":{"ID":"SmartLamp21","ColorRGB":[255,255,0]}},
                                "metadata":{"desired":{"ColorRGB":\#(stamps(1591141596))},
                                            "reported":{"ID":{"timestamp":1591140517},
                                                        "ColorRGB":\#(stamps(1591142747))}},
                                "version":5},
                     "timestamp":1591142747,"clientToken":"a4dc2227-9213-4c6a-a6a5-053304f60258"}
                    """#))

        let finalGet = shadow.send(.get, at: 1_591_143_269)
        #expect(
            try finalGet.published(.accepted)?.jsonString
                == Self.compact(
                    #"""
                    {"state":{"desired":{"ColorRGB":[255,255,0]},
                              "reported":{"ID":"SmartLamp21","ColorRGB":[255,255,0]}},
                     "metadata":{"desired":{"ColorRGB":\#(stamps(1591141596))},
                                 "reported":{"ID":{"timestamp":1591140517},"ColorRGB":\#(stamps(1591142747))}},
                     "version":5,"timestamp":1591143269}
                    """#))
    }

    /// "Interacting with shadows", Optimistic locking: version 9 against 10 is refused with the
    /// request's client token; version 10 is accepted and the document becomes version 11.
    @Test func optimisticLockingExample() throws {
        var shadow = try ShadowHarness()
        for second in 1...10 {
            shadow.update(#"{"state":{"desired":{"colors":["RED","GREEN","BLUE"]}}}"#, at: Int64(second))
        }
        #expect(shadow.record?.version == 10)

        let stale = shadow.update(
            #"{"state":{"desired":{"colors":["BLUE"]}},"version":9,"clientToken":"426bfd96-e720-46d3-95cd-014e3ef12bb6"}"#,
            at: 20)
        #expect(
            try stale.published(.rejected)
                == json(
                    #"{"code":409,"message":"Version conflict","timestamp":20,"clientToken":"426bfd96-e720-46d3-95cd-014e3ef12bb6"}"#
                ))
        #expect(stale.httpStatus == 409)
        #expect(shadow.record?.version == 10)

        let current = shadow.update(#"{"state":{"desired":{"colors":["BLUE"]}},"version":10}"#, at: 21)
        #expect(current.isAccepted)
        #expect(shadow.record?.version == 11)
        #expect(shadow.record?.document?.desired == ["colors": ["BLUE"]])
    }

    /// "Versioning shadow documents": every accepted update increments the version, even one that
    /// changes no value; a rejected one does not.
    @Test func versionCountsAcceptedUpdates() throws {
        var shadow = try ShadowHarness()
        #expect(shadow.update(#"{"state":{"reported":{"on":true}}}"#, at: 1).isAccepted)
        #expect(shadow.record?.version == 1)
        shadow.update(#"{"state":{"reported":{"on":true}}}"#, at: 2)
        #expect(shadow.record?.version == 2)
        #expect(shadow.update(#"{"state":{"reported":5}}"#, at: 3).error == .reportedNotObject)
        #expect(shadow.update(#"{"state":{"reported":{"on":false}},"version":1}"#, at: 4).error == .versionConflict)
        #expect(shadow.record?.version == 2)
        let accepted = try #require(try shadow.update(#"{"state":{}}"#, at: 5).published(.accepted))
        #expect(accepted["version"] == 3)
        #expect(accepted["state"] == [:])
    }

    /// "Client tokens in shadow documents": the token comes back on every reply to the request that
    /// carried it, and on nothing else.
    @Test func clientTokenIsEchoed() throws {
        var shadow = try ShadowHarness()
        shadow.update(#"{"state":{"reported":{"color":"GREEN"}}}"#, at: 1)
        let update = shadow.update(#"{"state":{"desired":{"color":"RED"}},"clientToken":"abc"}"#, at: 2)
        for reply in [ShadowTopic.Reply.accepted, .delta, .documents] {
            #expect(try update.published(reply)?["clientToken"] == "abc", "\(reply)")
        }
        let untokened = shadow.update(#"{"state":{"desired":{"color":"BLUE"}}}"#, at: 3)
        for reply in [ShadowTopic.Reply.accepted, .delta, .documents] {
            #expect(try untokened.published(reply)?["clientToken"] == nil, "\(reply)")
        }
        let rejected = shadow.update(#"{"state":{"desired":7},"clientToken":"xyz"}"#, at: 4)
        #expect(try rejected.published(.rejected)?["clientToken"] == "xyz")
        let longToken = String(repeating: "t", count: 65)
        let invalidToken = shadow.update(#"{"state":{"desired":{"a":1}},"clientToken":"\#(longToken)"}"#, at: 5)
        #expect(try invalidToken.published(.rejected)?["clientToken"] == nil)
        let exactly64 = String(repeating: "t", count: 64)
        #expect(shadow.update(#"{"state":{"desired":{"a":1}},"clientToken":"\#(exactly64)"}"#, at: 6).isAccepted)

        // Get and delete read only a client token from their payload; anything else is ignored.
        #expect(try shadow.send(.get, #"{"clientToken":"g1"}"#, at: 7).published(.accepted)?["clientToken"] == "g1")
        #expect(try shadow.send(.get, "not json", at: 8).published(.accepted)?["clientToken"] == nil)
        #expect(try shadow.send(.get, #"{"clientToken":7}"#, at: 9).published(.accepted)?["clientToken"] == nil)
        #expect(try shadow.send(.delete, #"{"clientToken":"d1"}"#, at: 10).published(.accepted)?["clientToken"] == "d1")
        #expect(try shadow.send(.delete, #"{"clientToken":"d2"}"#, at: 11).published(.rejected)?["clientToken"] == "d2")
    }

    /// "Device Shadow service documents", Document properties: each field carries the time it was
    /// last written; an update stamps only the fields it names.
    @Test func metadataStampsOnlyUpdatedFields() throws {
        var shadow = try ShadowHarness()
        shadow.update(#"{"state":{"reported":{"temp":20,"fan":{"speed":1,"mode":"auto"}}}}"#, at: 100)
        shadow.update(#"{"state":{"reported":{"fan":{"speed":2}},"desired":{"temp":18}}}"#, at: 200)
        let document = try #require(shadow.record?.document)
        #expect(
            document.reportedMetadata
                == [
                    "temp": ["timestamp": 100],
                    "fan": ["speed": ["timestamp": 200], "mode": ["timestamp": 100]],
                ])
        #expect(document.desiredMetadata == ["temp": ["timestamp": 200]])
        #expect(document.timestamp == 200)

        // A type change rebuilds the field's metadata; a deletion removes it.
        shadow.update(#"{"state":{"reported":{"fan":"off","temp":null}}}"#, at: 300)
        #expect(shadow.record?.document?.reportedMetadata == ["fan": ["timestamp": 300]])
    }

    /// `/update/accepted` carries the request's state as sent — the `null`s that deleted fields
    /// included — with a timestamp for each field of it, and nothing of the rest of the document.
    @Test func acceptedEchoesTheRequestState() throws {
        var shadow = try ShadowHarness()
        shadow.update(#"{"state":{"desired":{"a":1,"b":{"c":2,"d":3}},"reported":{"x":1}}}"#, at: 1)
        let result = shadow.update(#"{"state":{"desired":{"a":null,"b":{"c":5}},"reported":null}}"#, at: 2)
        #expect(
            try result.published(.accepted)?.jsonString
                == Self.compact(
                    #"""
                    {"state":{"desired":{"a":null,"b":{"c":5}},"reported":null},
                     "metadata":{"desired":{"a":{"timestamp":2},"b":{"c":{"timestamp":2}}},"reported":{"timestamp":2}},
                     "version":2,"timestamp":2}
                    """#))
        #expect(shadow.currentState() == (try json(#"{"desired":{"b":{"c":5,"d":3}},"delta":{"b":{"c":5,"d":3}}}"#)))
    }

    /// "Device Shadow MQTT topics", /update/documents: the first version has no `previous`; later
    /// ones carry the document before and after, without the delta.
    @Test func documentsCarryPreviousAndCurrent() throws {
        var shadow = try ShadowHarness()
        let first = try #require(try shadow.update(#"{"state":{"desired":{"on":true}}}"#, at: 1).published(.documents))
        #expect(first["previous"] == nil)
        #expect(
            first
                == (try json(
                    #"""
                    {"current":{"state":{"desired":{"on":true}},"metadata":{"desired":{"on":{"timestamp":1}}},"version":1},
                     "timestamp":1}
                    """#)))
        let second = try #require(
            try shadow.update(#"{"state":{"reported":{"on":false}}}"#, at: 2).published(.documents))
        #expect(second["previous"]?["version"] == 1)
        #expect(second["previous"]?["state"] == (try json(#"{"desired":{"on":true}}"#)))
        #expect(second["current"]?["version"] == 2)
        #expect(second["current"]?["state"] == (try json(#"{"desired":{"on":true},"reported":{"on":false}}"#)))
        #expect(second["current"]?["state"]?["delta"] == nil)
    }

    /// GET returns the delta in `state` and the metadata of `desired` and `reported`.
    @Test func getIncludesDelta() throws {
        var shadow = try ShadowHarness()
        shadow.update(#"{"state":{"desired":{"color":"RED"},"reported":{"color":"GREEN"}}}"#, at: 5)
        let get = try #require(try shadow.send(.get, at: 9).published(.accepted))
        #expect(
            get.jsonString
                == (try Self.compact(
                    #"""
                    {"state":{"desired":{"color":"RED"},"reported":{"color":"GREEN"},"delta":{"color":"RED"}},
                     "metadata":{"desired":{"color":{"timestamp":5}},"reported":{"color":{"timestamp":5}}},
                     "version":1,"timestamp":9}
                    """#)))
    }

    /// "Device Shadow error messages", 404, and "Interacting with shadows", Deleting a shadow: get and
    /// delete of a missing shadow; delete answers with the version it removed; the version is not
    /// reset, so a shadow re-created within 48 hours continues from it; after that it starts again.
    @Test func deletionAndVersions() throws {
        var classic = try ShadowHarness(thing: "lamp")
        #expect(
            try classic.send(.get, at: 1).published(.rejected)
                == json(#"{"code":404,"message":"No shadow exists with name: 'lamp'","timestamp":1}"#))
        #expect(classic.send(.delete, at: 1).error == .noShadow(named: "lamp"))

        for second in 1...4 { classic.update(#"{"state":{"reported":{"n":\#(second)}}}"#, at: Int64(second)) }
        let delete = classic.send(.delete, at: 1_591_057_529)
        #expect(try delete.published(.accepted)?.jsonString == #"{"version":4,"timestamp":1591057529}"#)
        #expect(delete.change == .store(.deleted(version: 4, deletedAt: 1_591_057_529)))
        #expect(classic.send(.get, at: 1_591_057_530).error == .noShadow(named: "lamp"))
        #expect(classic.send(.delete, at: 1_591_057_530).error?.code == .notFound)

        // Re-created within 48 hours: the version follows the deleted one, and there is no previous.
        var recreated = classic
        let next = recreated.update(#"{"state":{"reported":{"n":5}},"version":4}"#, at: 1_591_057_600)
        #expect(next.isAccepted)
        #expect(recreated.record?.version == 5)
        #expect(try next.published(.documents)?["previous"] == nil)
        #expect(recreated.record?.document?.reported == ["n": 5])

        // After 48 hours the deleted version is forgotten.
        var later = classic
        let deletedAt: Int64 = 1_591_057_529
        #expect(later.record?.isExpired(now: deletedAt + 48 * 3600) == true)
        #expect(later.record?.isExpired(now: deletedAt + 48 * 3600 - 1) == false)
        later.update(#"{"state":{"reported":{"n":1}}}"#, at: deletedAt + 48 * 3600)
        #expect(later.record?.version == 1)

        var named = try ShadowHarness(thing: "lamp", shadow: "config")
        #expect(named.send(.get, at: 1).error?.message == "No shadow exists with name: 'config'")
    }

    /// Strings that are not UTF-8 get 415 ("Device Shadow error messages").
    @Test func invalidUTF8IsUnsupportedEncoding() throws {
        var shadow = try ShadowHarness()
        let payload = Array(#"{"state":{"reported":{"name":""#.utf8) + [0xC3, 0x28] + Array(#""}}}"#.utf8)
        let result = shadow.send(.update, payload, at: 1)
        #expect(result.error == .unsupportedEncoding)
        #expect(result.httpStatus == 415)
    }

    /// Replies go to the topics of the shadow addressed: `…/shadow/…` for the classic shadow,
    /// `…/shadow/name/{name}/…` for a named one.
    @Test func repliesUseTheShadowsTopics() throws {
        var classic = try ShadowHarness(thing: "lamp")
        let update = classic.update(#"{"state":{"desired":{"on":true}}}"#, at: 1)
        #expect(
            update.messages().map(\.topic) == [
                "$aws/things/lamp/shadow/update/accepted", "$aws/things/lamp/shadow/update/delta",
                "$aws/things/lamp/shadow/update/documents",
            ])
        var named = try ShadowHarness(thing: "lamp", shadow: "config")
        #expect(
            named.update(#"{"state":{"reported":{"on":true}}}"#, at: 1).messages().map(\.topic) == [
                "$aws/things/lamp/shadow/name/config/update/accepted",
                "$aws/things/lamp/shadow/name/config/update/documents",
            ])
        #expect(
            named.update("{", at: 2).messages().map(\.topic) == ["$aws/things/lamp/shadow/name/config/update/rejected"])
        #expect(named.send(.get, at: 3).messages().map(\.topic) == ["$aws/things/lamp/shadow/name/config/get/accepted"])
        #expect(
            named.send(.delete, at: 4).messages().map(\.topic) == [
                "$aws/things/lamp/shadow/name/config/delete/accepted"
            ])
        #expect(classic.record?.version == 1)
    }

    /// "Device Shadow REST API" and "Device Shadow error messages": the REST caller gets the status and
    /// the document; errors publish nothing over MQTT; accepted updates and deletes still publish.
    @Test func restAPI() throws {
        let service = ShadowService()
        let post = try ShadowRequest(httpMethod: "POST", thingName: "lamp", shadowName: nil)
        #expect(post == ShadowRequest(id: try ShadowID(thingName: "lamp"), operation: .update))
        #expect(try ShadowRequest(httpMethod: "GET", thingName: "lamp", shadowName: "cfg").operation == .get)
        #expect(try ShadowRequest(httpMethod: "DELETE", thingName: "lamp", shadowName: "cfg").operation == .delete)
        #expect(throws: ShadowError.methodNotAllowed) {
            try ShadowRequest(httpMethod: "PUT", thingName: "lamp", shadowName: nil)
        }
        #expect(throws: ShadowError.self) { try ShadowRequest(httpMethod: "GET", thingName: "a b", shadowName: nil) }
        #expect(throws: ShadowError.self) { try ShadowRequest(httpMethod: "GET", thingName: "lamp", shadowName: "") }

        let updated = service.handle(
            post, payload: Array(#"{"state":{"desired":{"on":true}}}"#.utf8), record: nil, now: 7)
        #expect(updated.httpStatus == 200)
        #expect(try JSONValue(parsing: updated.body)["version"] == 1)
        #expect(updated.messages(via: .http).map(\.topic) == updated.messages(via: .mqtt).map(\.topic))
        guard case .store(let record) = updated.change else {
            Issue.record("an accepted update stores its document")
            return
        }

        let get = service.handle(
            try ShadowRequest(httpMethod: "GET", thingName: "lamp", shadowName: nil), payload: [UInt8](),
            record: record, now: 8)
        #expect(get.httpStatus == 200)
        #expect(try JSONValue(parsing: get.body)["state"]?["delta"] == ["on": true])
        #expect(get.messages(via: .http).isEmpty)

        let conflict = service.handle(
            post, payload: Array(#"{"state":{"desired":{"on":false}},"version":7}"#.utf8), record: record, now: 9)
        #expect(conflict.httpStatus == 409)
        #expect(try JSONValue(parsing: conflict.body)["message"] == "Version conflict")
        #expect(conflict.messages(via: .http).isEmpty)

        let delete = service.handle(
            try ShadowRequest(httpMethod: "DELETE", thingName: "lamp", shadowName: nil), payload: [UInt8](),
            record: record, now: 10)
        #expect(delete.httpStatus == 200)
        #expect(delete.messages(via: .http).map(\.topic) == ["$aws/things/lamp/shadow/delete/accepted"])
    }

    /// The app persists a record as JSON; reading it back gives the same record, and a corrupt one
    /// is a 500 error rather than a crash.
    @Test func storedFormRoundTrips() throws {
        var shadow = try ShadowHarness()
        shadow.update(#"{"state":{"desired":{"a":[1,{"b":2}],"c":{"d":"e"}},"reported":{"a":[1]}}}"#, at: 10)
        shadow.update(#"{"state":{"reported":{"c":{"d":"e"}}}}"#, at: 11)
        let record = try #require(shadow.record)
        let text = record.storedJSON.jsonBytes
        #expect(try ShadowRecord(stored: JSONValue(parsing: text)) == record)
        #expect(try ShadowDocument(stored: record.storedJSON) == record.document)

        let tombstone = ShadowRecord.deleted(version: 9, deletedAt: 123)
        #expect(tombstone.storedJSON == ["version": 9, "deletedAt": 123])
        #expect(try ShadowRecord(stored: tombstone.storedJSON) == tombstone)

        for corrupt in [
            #"[]"#, #"{"state":{}}"#, #"{"version":"1","timestamp":1}"#,
            #"{"version":1,"timestamp":1,"state":{"desired":3}}"#, #"{"version":1,"deletedAt":"x"}"#,
        ] {
            let stored = try json(corrupt)
            let error = #expect(throws: ShadowError.self, "\(corrupt)") { try ShadowRecord(stored: stored) }
            #expect(error?.code == .internalFailure)
            #expect(error?.message == "Internal service failure")
            #expect(error?.detail != nil)
        }

        // A stored section without metadata is stamped with the document's time.
        let bare = try ShadowDocument(stored: json(#"{"state":{"reported":{"x":[1,2]}},"version":3,"timestamp":50}"#))
        #expect(bare.reportedMetadata == ["x": [["timestamp": 50], ["timestamp": 50]]])
        #expect(bare.version == 3)
    }

    /// A document built in code drops `null`s and empty objects, as an update would.
    @Test func documentFromValues() {
        let document = ShadowDocument(
            desired: ["a": 1, "b": nil, "c": [:], "d": ["e": nil]], reported: ["a": 2], version: 4, timestamp: 9)
        #expect(document.desired == ["a": 1])
        #expect(document.reported == ["a": 2])
        #expect(document.delta == ["a": 1])
        #expect(document.desiredMetadata == ["a": ["timestamp": 9]])
        #expect(document.version == 4)
        #expect(document.stateByteCount == #"{"desired":{"a":1},"reported":{"a":2}}"#.utf8.count)
        #expect(ShadowDocument(timestamp: 1).delta == nil)
    }

    /// A request built in code is held to the same rules as one parsed from a payload.
    @Test func programmaticRequestsAreValidated() throws {
        let service = ShadowService()
        let id = try ShadowID(thingName: "lamp")
        let cases: [(ShadowUpdateRequest, ShadowError)] = [
            (ShadowUpdateRequest(desired: 5), .desiredNotObject),
            (ShadowUpdateRequest(reported: ["a": [nil]]), .invalidStateNode),
            (ShadowUpdateRequest(reported: ["a": 1], version: -2), .invalidVersion),
            (
                ShadowUpdateRequest(reported: ["a": 1], clientToken: String(repeating: "x", count: 65)),
                .invalidClientToken
            ),
        ]
        for (request, expected) in cases {
            #expect(service.update(id, request: request, record: nil, now: 1).error == expected)
        }
        let tokened = service.update(
            id, request: ShadowUpdateRequest(desired: 5, clientToken: "t"), record: nil, now: 1)
        #expect(tokened.error == ShadowError.desiredNotObject.echoing("t"))
        #expect(service.update(id, request: ShadowUpdateRequest(reported: ["a": 1]), record: nil, now: 1).isAccepted)
    }

    /// Limits are configurable; the messages quote the configured values.
    @Test func customLimits() throws {
        var shadow = try ShadowHarness(limits: ShadowLimits(maximumStateBytes: 40, maximumStateDepth: 2))
        #expect(shadow.update(#"{"state":{"reported":{"a":{"b":1}}}}"#, at: 1).isAccepted)
        #expect(
            shadow.update(#"{"state":{"reported":{"a":{"b":{"c":1}}}}}"#, at: 2).error?.message
                == "JSON contains too many levels of nesting; maximum is 2")
        #expect(
            shadow.update(#"{"state":{"reported":{"long":"0123456789012345678901"}}}"#, at: 3).error == .payloadTooLarge
        )
        #expect(shadow.record?.version == 1)
    }
}
