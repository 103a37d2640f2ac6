import OneCallCore
import OneCallShadow
import Testing

/// Request and reply topics ("Device Shadow MQTT topics") and the names they carry (UpdateThingShadow:
/// thing names `[a-zA-Z0-9:_-]{1,128}`, shadow names `[$a-zA-Z0-9:_-]{1,64}`).
@Suite struct ShadowTopicTests {
    @Test(
        arguments: [
            ("$aws/things/lamp/shadow/get", "lamp", nil, ShadowOperation.get),
            ("$aws/things/lamp/shadow/update", "lamp", nil, .update),
            ("$aws/things/lamp/shadow/delete", "lamp", nil, .delete),
            ("$aws/things/lamp/shadow/name/config/get", "lamp", "config", .get),
            ("$aws/things/lamp/shadow/name/config/update", "lamp", "config", .update),
            ("$aws/things/Lamp_01:a-b/shadow/name/$package/delete", "Lamp_01:a-b", "$package", .delete),
            ("$aws/things/name/shadow/name/name/update", "name", "name", .update),
        ] as [(String, String, String?, ShadowOperation)])
    func requestTopics(topic: String, thing: String, shadow: String?, operation: ShadowOperation) throws {
        let request = try #require(try ShadowRequest(topic: topic))
        #expect(request.id.thingName == thing)
        #expect(request.id.shadowName == shadow)
        #expect(request.id.isClassic == (shadow == nil))
        #expect(request.operation == operation)
        #expect(request.topic == topic)
    }

    @Test(arguments: [
        "$aws/things/lamp/shadow/update/accepted",
        "$aws/things/lamp/shadow/update/delta",
        "$aws/things/lamp/shadow/name/config/update/documents",
        "$aws/things/lamp/shadow/name/config/get/rejected",
        "$aws/things/lamp/shadow/list",
        "$aws/things/lamp/shadow/name/config",
        "$aws/things/lamp/shadow/names/config/get",
        "$aws/things/lamp/shadow",
        "$aws/things/lamp/jobs/get",
        "aws/things/lamp/shadow/get",
        "things/lamp/shadow/get",
        "$aws/things/lamp/shadow/GET",
        "",
    ])
    func otherTopicsAreNotRequests(topic: String) throws {
        #expect(try ShadowRequest(topic: topic) == nil)
    }

    @Test(arguments: [
        ("$aws/things/my lamp/shadow/get", ShadowNameError(code: .invalidThingName, reason: .invalidCharacter)),
        ("$aws/things/lamp.1/shadow/update", ShadowNameError(code: .invalidThingName, reason: .invalidCharacter)),
        ("$aws/things/$lamp/shadow/update", ShadowNameError(code: .invalidThingName, reason: .invalidCharacter)),
        ("$aws/things/lämp/shadow/update", ShadowNameError(code: .invalidThingName, reason: .invalidCharacter)),
        ("$aws/things//shadow/get", ShadowNameError(code: .invalidThingName, reason: .empty)),
        (
            "$aws/things/\(String(repeating: "a", count: 129))/shadow/get",
            ShadowNameError(code: .invalidThingName, reason: .tooLong)
        ),
        ("$aws/things/lamp/shadow/name//get", ShadowNameError(code: .invalidShadowName, reason: .empty)),
        ("$aws/things/lamp/shadow/name/a.b/get", ShadowNameError(code: .invalidShadowName, reason: .invalidCharacter)),
        (
            "$aws/things/lamp/shadow/name/\(String(repeating: "s", count: 65))/get",
            ShadowNameError(code: .invalidShadowName, reason: .tooLong)
        ),
    ])
    func invalidNames(topic: String, expected: ShadowNameError) {
        #expect(throws: expected) { try ShadowRequest(topic: topic) }
    }

    @Test func nameLengthBoundaries() throws {
        let thing = String(repeating: "t", count: 128)
        let shadow = String(repeating: "s", count: 64)
        let id = try ShadowID(thingName: thing, shadowName: shadow)
        #expect(id.description == "\(thing)/\(shadow)")
        #expect(id.displayName == shadow)
        #expect(try ShadowID(thingName: "lamp").displayName == "lamp")
        #expect(ShadowNameError(code: .invalidThingName, reason: .tooLong).description.contains("128"))
    }

    @Test func replyTopics() throws {
        let classic = try ShadowID(thingName: "lamp")
        let named = try ShadowID(thingName: "lamp", shadowName: "config")
        #expect(ShadowTopic.prefix(for: classic) == "$aws/things/lamp/shadow")
        #expect(ShadowTopic.prefix(for: named) == "$aws/things/lamp/shadow/name/config")
        #expect(ShadowTopic.reply(.accepted, to: .get, for: classic) == "$aws/things/lamp/shadow/get/accepted")
        #expect(ShadowTopic.reply(.rejected, to: .delete, for: classic) == "$aws/things/lamp/shadow/delete/rejected")
        #expect(
            ShadowTopic.reply(.documents, to: .update, for: named)
                == "$aws/things/lamp/shadow/name/config/update/documents")
        #expect(
            ShadowTopic.reply(.delta, to: .update, for: named) == "$aws/things/lamp/shadow/name/config/update/delta")
    }

    /// The service's subscriptions receive every request and none of its own replies, which would
    /// otherwise loop back into it.
    @Test func subscriptionFiltersMatchRequestsOnly() throws {
        for filter in ShadowTopic.subscriptionFilters { try Topic.validateFilter(filter) }
        func isReceived(_ topic: String) -> Bool {
            ShadowTopic.subscriptionFilters.contains { Topic.matches(filter: $0, name: topic) }
        }
        for id in [try ShadowID(thingName: "lamp"), try ShadowID(thingName: "lamp", shadowName: "config")] {
            for operation in ShadowOperation.allCases {
                #expect(isReceived(ShadowTopic.request(operation, for: id)))
                for reply in ShadowTopic.Reply.allCases {
                    #expect(!isReceived(ShadowTopic.reply(reply, to: operation, for: id)))
                }
            }
        }
    }
}
