import NIOCore
import OneCallMQTT
import Testing

@testable import OneCallBroker

@Suite struct OutboundFlowTests {
    func pending(_ topic: String, _ qos: MQTTQoS, expiresAt: Double? = nil) -> OutboundFlow.Pending {
        .init(
            message: BrokerMessage(topic: topic, payload: ByteBuffer(string: topic), qos: qos, expiresAt: expiresAt),
            qos: qos, retain: false, identifiers: [])
    }

    func drain(_ flow: inout OutboundFlow, now: Double = 0) -> [OutboundFlow.Outgoing] {
        var out: [OutboundFlow.Outgoing] = []
        var expired = 0
        while let o = flow.next(now: now, expired: &expired) { out.append(o) }
        return out
    }

    func topics(_ items: [OutboundFlow.Outgoing]) -> [String] {
        items.compactMap {
            if case .publish(let p, _, _) = $0 { return p.message.topic }
            return nil
        }
    }

    @Test func windowLimitsInflightAndAcksReleaseInOrder() {
        var flow = OutboundFlow(window: 2, maximumQueued: 10)
        for i in 1...4 { _ = flow.enqueue(pending("t\(i)", .atLeastOnce)) }
        let first = drain(&flow)
        #expect(topics(first) == ["t1", "t2"])
        #expect(flow.inflightCount == 2)
        guard case .publish(_, let id1?, false) = first[0] else { Issue.record("no id"); return }
        let r1 = flow.acknowledge(id1)
        #expect(r1)
        let r2 = flow.acknowledge(id1)
        #expect(!r2, "a second PUBACK for the same id is ignored")
        #expect(topics(drain(&flow)) == ["t3"])
    }

    @Test func qos0WaitsBehindAFullWindowToKeepOrder() {
        var flow = OutboundFlow(window: 1, maximumQueued: 10)
        _ = flow.enqueue(pending("a", .atLeastOnce))
        _ = flow.enqueue(pending("b", .atLeastOnce))
        _ = flow.enqueue(pending("c", .atMostOnce))
        #expect(topics(drain(&flow)) == ["a"])
        #expect(flow.queuedCount == 2)
    }

    @Test func queueOverflowDropsTheNewMessage() {
        var flow = OutboundFlow(window: 1, maximumQueued: 2)
        let r3 = flow.enqueue(pending("a", .atLeastOnce))
        #expect(r3 == .queued)
        let r4 = flow.enqueue(pending("b", .atLeastOnce))
        #expect(r4 == .queued)
        let r5 = flow.enqueue(pending("c", .atLeastOnce))
        #expect(r5 == .dropped)
        #expect(topics(drain(&flow)) == ["a"])
    }

    @Test func qos2FlowAndResendAfterReconnect() {
        var flow = OutboundFlow(window: 10, maximumQueued: 10)
        _ = flow.enqueue(pending("x", .exactlyOnce))
        _ = flow.enqueue(pending("y", .exactlyOnce))
        _ = flow.enqueue(pending("z", .atLeastOnce))
        let sent = drain(&flow)
        guard case .publish(_, let idX?, _) = sent[0], case .publish(_, let idY?, _) = sent[1] else {
            Issue.record("missing ids")
            return
        }
        let r6 = flow.received(pubrec: idX, failed: false)
        #expect(r6)
        // After a reconnect: x needs PUBREL, y and z are sent again with DUP, in the original order.
        let resend = flow.resend()
        #expect(resend.count == 3)
        guard case .pubrel(let r) = resend[0], case .publish(let py, idY, true) = resend[1],
            case .publish(let pz, _, true) = resend[2]
        else {
            Issue.record("unexpected resend \(resend)")
            return
        }
        #expect(r == idX)
        #expect(py.message.topic == "y")
        #expect(pz.message.topic == "z")
        let r7 = flow.received(pubcomp: idX)
        #expect(r7)
        let r8 = flow.received(pubcomp: idX)
        #expect(!r8)
        #expect(flow.inflightCount == 2)
    }

    @Test func failedPubrecEndsTheFlow() {
        var flow = OutboundFlow(window: 1, maximumQueued: 10)
        _ = flow.enqueue(pending("x", .exactlyOnce))
        guard case .publish(_, let id?, _) = drain(&flow)[0] else { return }
        let r9 = flow.received(pubrec: id, failed: true)
        #expect(!r9)
        #expect(flow.inflightCount == 0)
    }

    @Test func expiredMessagesAreDroppedAndCounted() {
        var flow = OutboundFlow(window: 5, maximumQueued: 10)
        _ = flow.enqueue(pending("old", .atLeastOnce, expiresAt: 10))
        _ = flow.enqueue(pending("fresh", .atLeastOnce, expiresAt: 100))
        var expired = 0
        var out: [OutboundFlow.Outgoing] = []
        while let o = flow.next(now: 50, expired: &expired) { out.append(o) }
        #expect(topics(out) == ["fresh"])
        #expect(expired == 1)
    }

    @Test func packetIdentifiersSkipThoseInUse() {
        var flow = OutboundFlow(window: 65535, maximumQueued: 70_000)
        for i in 0..<65_535 { _ = flow.enqueue(pending("t\(i)", .atLeastOnce)) }
        let sent = drain(&flow)
        #expect(sent.count == 65_535)
        var ids = Set<UInt16>()
        for case .publish(_, let id?, _) in sent { ids.insert(id) }
        #expect(ids.count == 65_535)
        #expect(!ids.contains(0))
    }

    @Test func offlineDropsQueuedQoS0Only() {
        var flow = OutboundFlow(window: 0, maximumQueued: 10)
        _ = flow.enqueue(pending("a", .atMostOnce))
        _ = flow.enqueue(pending("b", .atLeastOnce))
        let r10 = flow.dropQueuedQoS0()
        #expect(r10 == 1)
        #expect(flow.queuedCount == 1)
    }
}

extension OutboundFlowTests {
    @Test func queuedBytesAreBounded() {
        var flow = OutboundFlow(window: 1, maximumQueued: 100, maximumQueuedBytes: 10)
        let big = OutboundFlow.Pending(
            message: BrokerMessage(topic: "t", payload: ByteBuffer(repeating: 0, count: 6)), qos: .atLeastOnce,
            retain: false, identifiers: [])
        let first = flow.enqueue(big)
        let second = flow.enqueue(big)
        #expect(first == .queued)
        #expect(second == .dropped, "7 + 7 bytes exceed the 10-byte bound")
        #expect(flow.queuedBytes == 7)
        var expired = 0
        _ = flow.next(now: 0, expired: &expired)
        #expect(flow.queuedBytes == 0)
        let third = flow.enqueue(big)
        #expect(third == .queued)
    }
}
