import NIOCore
import NIOEmbedded
import OneCallBroker
import Testing

@Suite("In-process subscriptions")
struct LocalSubscriptionTests {
    @Test func theBufferIsBoundedInMessagesAndBytesAndDropsAreCounted() async throws {
        let broker = Broker(configuration: BrokerConfiguration(), timers: EmbeddedEventLoop())
        let byMessages = try broker.subscribe(filter: "count/#", bufferLimit: 3, byteLimit: 1 << 20)
        let byBytes = try broker.subscribe(filter: "bytes/#", bufferLimit: 100, byteLimit: 10)
        for index in 0..<5 {
            try broker.publish(topic: "count/\(index)", payload: ByteBuffer(string: "abcd"), qos: .atLeastOnce)
            try broker.publish(topic: "bytes/\(index)", payload: ByteBuffer(string: "abcd"), qos: .atLeastOnce)
        }
        byMessages.cancel()
        byBytes.cancel()
        var counted: [String] = []
        for await message in byMessages.messages { counted.append(message.topic) }
        var sized: [String] = []
        for await message in byBytes.messages { sized.append(message.topic) }
        // The oldest are kept; what does not fit is dropped and counted, never buffered.
        #expect(counted == ["count/0", "count/1", "count/2"])
        #expect(sized == ["bytes/0", "bytes/1"])
        #expect(broker.statistics.value(.messagesDropped) == 5)
    }

    @Test func takingMessagesFreesRoomAgain() async throws {
        let broker = Broker(configuration: BrokerConfiguration(), timers: EmbeddedEventLoop())
        let subscription = try broker.subscribe(filter: "t", bufferLimit: 2, byteLimit: 1 << 20)
        var iterator = subscription.messages.makeAsyncIterator()
        for round in 0..<10 {
            try broker.publish(topic: "t", payload: ByteBuffer(string: "\(round)a"), qos: .atLeastOnce)
            try broker.publish(topic: "t", payload: ByteBuffer(string: "\(round)b"), qos: .atLeastOnce)
            #expect(await iterator.next().map { String(buffer: $0.payload) } == "\(round)a")
            #expect(await iterator.next().map { String(buffer: $0.payload) } == "\(round)b")
        }
        #expect(broker.statistics.value(.messagesDropped) == 0)
        subscription.cancel()
    }
}
