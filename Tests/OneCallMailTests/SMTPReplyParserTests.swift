import NIOCore
import Testing

@testable import OneCallMail

/// Reply syntax (RFC 5321 §4.2) and line framing, including fragmented and oversized input.
@Suite struct SMTPReplyParserTests {
    func parse(_ lines: [String], maximumLines: Int = 100) throws -> [SMTPReply] {
        var parser = SMTPReplyParser(maximumLines: maximumLines)
        return try lines.compactMap { try parser.consume(Array($0.utf8)) }
    }

    @Test func singleAndMultiLineReplies() throws {
        let replies = try parse([
            "220 mx.example ESMTP ready", "250-mx.example", "250-SIZE 100", "250 HELP", "354", "221 ",
        ])
        #expect(replies.count == 4)
        #expect(replies[0] == SMTPReply(220, "mx.example ESMTP ready"))
        #expect(replies[1] == SMTPReply(code: 250, lines: ["mx.example", "SIZE 100", "HELP"]))
        #expect(replies[1].description == "250-mx.example\n250-SIZE 100\n250 HELP")
        #expect(replies[1].wireFormat == "250-mx.example\r\n250-SIZE 100\r\n250 HELP\r\n")
        #expect(replies[2] == SMTPReply(354, ""))
        #expect(replies[3].code == 221)
    }

    @Test func malformedLinesAreRefused() {
        for bad in [["25"], ["250x"], ["abc def"], ["600 nope"], ["199 nope"], ["250-one", "251 other code"]] {
            #expect(throws: SMTPReplyParser.Failure.malformedLine) { try parse(bad) }
        }
    }

    @Test func replyLineCountIsBounded() {
        let lines = (0..<5).map { "250-line \($0)" } + ["250 last"]
        #expect(throws: SMTPReplyParser.Failure.tooManyLines) { try parse(lines, maximumLines: 5) }
        #expect((try? parse(lines, maximumLines: 6))?.count == 1)
    }

    @Test func framerHandlesFragmentsCRLFAndBareLF() {
        var framer = SMTPLineFramer(maximumLineLength: 100)
        var lines: [SMTPLineFramer.Line] = []
        for chunk in ["250-fi", "rst\r", "\n250 sec", "ond\n", "354 x\r\n"] {
            framer.append(ByteBuffer(string: chunk))
            while let line = framer.next() { lines.append(line) }
        }
        #expect(lines == [.line(Array("250-first".utf8)), .line(Array("250 second".utf8)), .line(Array("354 x".utf8))])
        #expect(framer.bufferedByteCount == 0)
    }

    @Test func framerDropsOverlongLinesWithoutBufferingThem() {
        var framer = SMTPLineFramer(maximumLineLength: 10)
        framer.append(ByteBuffer(string: "0123456789\r\n"))
        #expect(framer.next() == .line(Array("0123456789".utf8)))
        framer.append(ByteBuffer(string: "01234567890"))
        #expect(framer.next() == nil)
        for _ in 0..<100 {
            framer.append(ByteBuffer(string: String(repeating: "x", count: 50)))
            #expect(framer.next() == nil)
            #expect(framer.bufferedByteCount <= 61)
        }
        framer.append(ByteBuffer(string: "tail\r\nok\r\n"))
        #expect(framer.next() == .tooLong)
        #expect(framer.next() == .line(Array("ok".utf8)))
        framer.append(ByteBuffer(string: "01234567890123\r\n"))
        #expect(framer.next() == .tooLong)
    }
}
