import OneCallCore
import OneCallRules
import Testing

/// "Working with binary payloads": non-JSON payloads pass through `SELECT *` and through functions that
/// read no fields; a statement that reads JSON fields fails for them.
@Suite struct RuleBinaryPayloadTests {
    static let bytes: [UInt8] = [0x00, 0xFF, 0x10, 0x80, 0x7B]

    static func input(timestamp: Int64 = 24) -> RuleInput {
        RuleInput(topic: "topic/subtopic", payloadBytes: bytes, clientID: "c", timestamp: timestamp, newUUID: { "u" })
    }

    @Test func payloadsThatAreNotJSONAreBinary() {
        #expect(RulePayload(bytes: Self.bytes) == .binary(Self.bytes))
        #expect(RulePayload(bytes: Array("{\"a\":1}".utf8)) == .json(["a": 1]))
        #expect(RulePayload(bytes: Array("hello".utf8)) == .binary(Array("hello".utf8)))
        #expect(RulePayload(bytes: []) == .binary([]))
        #expect(
            RulePayload(bytes: Array("[1,2]".utf8), limits: JSONParseLimits(maximumBytes: 3))
                == .binary(Array("[1,2]".utf8)))
    }

    @Test func selectStarPassesTheBytesThrough() throws {
        let statement = try RuleStatement(parsing: "SELECT * FROM 'topic/subtopic'")
        #expect(try statement.evaluate(Self.input())?.payload == .binary(Self.bytes))
    }

    @Test func functionsThatReadNoFieldsWork() throws {
        let statement = try RuleStatement(
            parsing: "SELECT encode(*, 'base64') AS data, timestamp() AS ts FROM 'topic/subtopic'")
        let output = try statement.evaluate(Self.input())
        #expect(output?.payload == .json(["data": .string(Base64Reference.encode(Self.bytes)), "ts": 24]))
        let filtered = try RuleStatement(parsing: "SELECT * FROM 'topic/subtopic' WHERE timestamp() % 12 = 0")
        #expect(try filtered.evaluate(Self.input())?.payload == .binary(Self.bytes))
        #expect(try filtered.evaluate(Self.input(timestamp: 25)) == nil)
    }

    @Test(arguments: [
        "SELECT * FROM 'topic/subtopic' WHERE device_type = 'thermostat'",
        "SELECT *, timestamp() AS timestamp FROM 'topic/subtopic'",
        "SELECT VALUE * FROM 'topic/subtopic'",
        "SELECT upper(*) AS x FROM 'topic/subtopic'",
    ])
    func statementsThatReadJSONFail(sql: String) throws {
        let statement = try RuleStatement(parsing: sql)
        #expect(throws: RuleEvaluationError(code: .payloadNotJSON)) { try statement.evaluate(Self.input()) }
    }

    @Test func encodeOfAJSONPayloadEncodesItsText() throws {
        let statement = try RuleStatement(parsing: "SELECT VALUE encode(*, 'BASE64') FROM '#'")
        let output = try statement.evaluate(RuleFixture.input(#"{"a": 1}"#))
        #expect(output?.payload == .json(.string(Base64Reference.encode(Array(#"{"a":1}"#.utf8)))))
    }
}

/// An independent, bit-by-bit Base64 encoder to check the module's against.
enum Base64Reference {
    static func encode(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
        var bits: [Bool] = bytes.flatMap { byte in (0..<8).map { byte & (0x80 >> $0) != 0 } }
        while bits.count % 6 != 0 { bits.append(false) }
        var text = ""
        for start in stride(from: 0, to: bits.count, by: 6) {
            let index = bits[start..<start + 6].reduce(0) { $0 << 1 | ($1 ? 1 : 0) }
            text.append(alphabet[index])
        }
        while text.count % 4 != 0 { text.append("=") }
        return text
    }
}
