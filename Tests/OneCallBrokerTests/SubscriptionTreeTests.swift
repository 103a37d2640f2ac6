import OneCallCore
import OneCallMQTT
import Testing

@testable import OneCallBroker

@Suite struct SubscriptionTreeTests {
    let configuration = BrokerConfiguration()

    func session(_ id: String) -> BrokerSession { BrokerSession(clientIdentifier: id, configuration: configuration) }

    @Test func overlappingSubscriptionsGiveOneDeliveryWithHighestQoSAndAllIdentifiers() throws {
        var tree = SubscriptionTree()
        let a = session("a")
        tree.insert(
            try SharedFilter(parsing: "x/#"), entry: .init(session: a, options: .init(qos: .atMostOnce), identifier: 1))
        tree.insert(
            try SharedFilter(parsing: "x/+"), entry: .init(session: a, options: .init(qos: .exactlyOnce), identifier: 2)
        )
        tree.insert(
            try SharedFilter(parsing: "x/y"),
            entry: .init(session: a, options: .init(qos: .atLeastOnce), identifier: nil))
        let deliveries = tree.match(topic: "x/y", publisher: nil)
        #expect(deliveries.count == 1)
        #expect(deliveries[0].qos == .exactlyOnce)
        #expect(Set(deliveries[0].identifiers) == [1, 2])
    }

    @Test func noLocalSkipsThePublishersOwnSubscription() throws {
        var tree = SubscriptionTree()
        let a = session("a")
        let b = session("b")
        tree.insert(try SharedFilter(parsing: "t"), entry: .init(session: a, options: .init(noLocal: true)))
        tree.insert(try SharedFilter(parsing: "t"), entry: .init(session: b, options: .init(noLocal: true)))
        let ids = tree.match(topic: "t", publisher: "a").map(\.session.clientIdentifier)
        #expect(ids == ["b"])
    }

    @Test func sharedGroupsDeliverToOneMemberInTurn() throws {
        var tree = SubscriptionTree()
        let filter = try SharedFilter(parsing: "$share/g/jobs/+")
        let members = [session("m1"), session("m2"), session("m3")]
        for m in members { tree.insert(filter, entry: .init(session: m, options: .init())) }
        var counts: [String: Int] = [:]
        for _ in 0..<9 {
            let d = tree.match(topic: "jobs/1", publisher: nil)
            #expect(d.count == 1)
            counts[d[0].session.clientIdentifier, default: 0] += 1
        }
        #expect(counts == ["m1": 3, "m2": 3, "m3": 3])
    }

    @Test func dollarTopicsAreNotMatchedByLeadingWildcards() throws {
        var tree = SubscriptionTree()
        let a = session("a")
        tree.insert(try SharedFilter(parsing: "#"), entry: .init(session: a, options: .init()))
        tree.insert(try SharedFilter(parsing: "+/broker"), entry: .init(session: a, options: .init()))
        #expect(tree.match(topic: "$SYS/broker", publisher: nil).isEmpty)
        tree.insert(try SharedFilter(parsing: "$SYS/#"), entry: .init(session: a, options: .init()))
        #expect(tree.match(topic: "$SYS/broker", publisher: nil).count == 1)
    }

    @Test func multiLevelWildcardMatchesTheParentLevel() throws {
        var tree = SubscriptionTree()
        tree.insert(try SharedFilter(parsing: "sport/#"), entry: .init(session: session("a"), options: .init()))
        #expect(tree.match(topic: "sport", publisher: nil).count == 1)
        #expect(tree.match(topic: "sport/tennis/x", publisher: nil).count == 1)
        #expect(tree.match(topic: "sports", publisher: nil).isEmpty)
    }

    @Test func removeForgetsAndCounts() throws {
        var tree = SubscriptionTree()
        let a = session("a")
        let f = try SharedFilter(parsing: "a/b/c")
        let inserted = tree.insert(f, entry: .init(session: a, options: .init()))
        let replaced = tree.insert(f, entry: .init(session: a, options: .init(qos: .atLeastOnce)))
        #expect(!inserted)
        #expect(replaced, "replacing reports existed")
        #expect(tree.count == 1)
        let removed = tree.remove(f, clientIdentifier: "a")
        let removedAgain = tree.remove(f, clientIdentifier: "a")
        #expect(removed)
        #expect(!removedAgain)
        #expect(tree.count == 0)
        #expect(tree.match(topic: "a/b/c", publisher: nil).isEmpty)
    }
}
