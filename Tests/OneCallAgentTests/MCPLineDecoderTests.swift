import OneCallAgent
import Testing

@Suite("MCP stdio framing")
struct MCPLineDecoderTests {
    private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test("splits lines, strips CR, skips empty lines")
    func splits() {
        var decoder = MCPLineDecoder(maximumLineBytes: 100)
        #expect(
            decoder.feed(bytes("{\"a\":1}\n\r\n\n{\"b\":2}\r\n")) == [
                .line(bytes("{\"a\":1}")), .line(bytes("{\"b\":2}")),
            ])
        #expect(decoder.finish() == nil)
    }

    @Test("a line arriving one byte at a time comes out whole")
    func fragmented() {
        var decoder = MCPLineDecoder(maximumLineBytes: 100)
        let message = bytes("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}\n")
        var events: [MCPLineDecoder.Event] = []
        for byte in message { events += decoder.feed([byte]) }
        #expect(events == [.line(Array(message.dropLast()))])
    }

    @Test("a line over the limit is reported once and dropped, and the next line still comes")
    func oversized() {
        var decoder = MCPLineDecoder(maximumLineBytes: 8)
        #expect(decoder.feed(bytes("0123456789")) == [.oversized])
        #expect(decoder.feed(bytes("more bytes of the same line")) == [])
        #expect(decoder.feed(bytes("\nshort\n")) == [.line(bytes("short"))])
        #expect(decoder.feed(bytes("123456789\n12345678\r\n")) == [.oversized, .line(bytes("12345678"))])
    }

    @Test("the last line without a newline is handed over at the end")
    func unterminated() {
        var decoder = MCPLineDecoder(maximumLineBytes: 8)
        #expect(decoder.feed(bytes("abc")) == [])
        #expect(decoder.finish() == bytes("abc"))
        #expect(decoder.feed(bytes("abcdefghijk")) == [.oversized])
        #expect(decoder.finish() == nil)
    }
}
