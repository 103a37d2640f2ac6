import OneCallCore
import Testing

@Suite("JSON")
struct JSONTests {
    @Test func parsesEveryKindOfValueAndKeepsMemberOrder() throws {
        let value = try JSONValue(
            parsing: #" {"z": 1, "a": [true, false, null], "n": -2.5e2, "s": "h\u00e9\n\ud83d\ude00", "o": {}} "#)
        #expect(value.objectValue?.keys == ["z", "a", "n", "s", "o"])
        #expect(value["z"] == .int(1))
        #expect(value["a"] == [true, false, nil])
        #expect(value["n"] == .double(-250))
        #expect(value["s"] == .string("hé\n😀"))
        #expect(value["o"] == .object(JSONObject()))
    }

    @Test func integersStayIntegersAndEqualityIsByMeaning() throws {
        #expect(try JSONValue(parsing: "5") == .int(5))
        if case .double = try JSONValue(parsing: "5.0") {} else { Issue.record("5.0 must be a double") }
        #expect(try JSONValue(parsing: "5.0") == .int(5))
        #expect(try JSONValue(parsing: "9223372036854775808") == .double(9_223_372_036_854_775_808))
        #expect(try JSONValue(parsing: #"{"a":1,"b":2}"#) == JSONValue(parsing: #"{"b":2,"a":1.0}"#))
        #expect(try JSONValue(parsing: "[1,2]") != JSONValue(parsing: "[2,1]"))
    }

    @Test func serializationRoundTrips() throws {
        let texts = [
            #"{"a":1,"b":[1.5,"x\"y\\z",null,true],"c":{"d":-0.001}}"#, #""\u0001\t""#, "[]", "{}", "1e+300",
        ]
        for text in texts {
            let value = try JSONValue(parsing: text)
            #expect(try JSONValue(parsing: value.jsonBytes) == value, "\(text)")
        }
        #expect(JSONValue.double(25).jsonString == "25.0")
        #expect(JSONValue.double(.nan).jsonString == "null")
        #expect(JSONValue.string("\u{1}").jsonString == #""\u0001""#)
    }

    @Test(arguments: [
        ("", JSONParseError.Code.unexpectedEnd), ("{", .unexpectedEnd), ("[1,]", .unexpectedCharacter),
        ("{\"a\" 1}", .unexpectedCharacter), ("01", .trailingData), ("1.", .invalidNumber), ("-", .invalidNumber),
        ("\"\\x\"", .invalidString), ("\"\u{1}\"", .invalidString), ("\"\\ud800\"", .invalidString),
        ("tru", .unexpectedEnd), ("nul1", .unexpectedCharacter), ("1 2", .trailingData), ("1e999", .invalidNumber),
        ("{'a':1}", .unexpectedCharacter),
    ])
    func refusesInvalidText(text: String, code: JSONParseError.Code) {
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: text) }
        do {
            _ = try JSONValue(parsing: text)
        } catch {
            #expect(error.code == code, "\(text): \(error)")
        }
    }

    @Test func refusesInvalidUTF8AndInputOverTheLimits() {
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: [0x22, 0xFF, 0x22]) }
        let deep = String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
        do {
            _ = try JSONValue(parsing: deep)
            Issue.record("65 levels must be refused")
        } catch {
            #expect(error.code == .tooDeep)
        }
        #expect(throws: Never.self) {
            _ = try JSONValue(parsing: String(repeating: "[", count: 64) + String(repeating: "]", count: 64))
        }
        do {
            _ = try JSONValue(parsing: "[1, 2, 3]", limits: JSONParseLimits(maximumBytes: 4))
            Issue.record("oversized text must be refused")
        } catch {
            #expect(error.code == .tooLarge)
        }
    }

    @Test func mutatedTextNeverCrashesTheParser() {
        var generator = SeededRandomNumberGenerator(seed: 7)
        let seed = Array(#"{"device_name":"u","v":[1,2.5e3,{"x":null,"y":"\u00e9"}],"ok":true}"#.utf8)
        var parsed = 0
        for _ in 0..<20_000 {
            var bytes = seed
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                let position = Int.random(in: 0..<bytes.count, using: &generator)
                switch Int.random(in: 0..<3, using: &generator) {
                case 0: bytes[position] = UInt8.random(in: 0...255, using: &generator)
                case 1: bytes.remove(at: position)
                default: bytes.insert(UInt8.random(in: 0...255, using: &generator), at: position)
                }
                if bytes.isEmpty { bytes = [0x30] }
            }
            if let value = try? JSONValue(parsing: bytes) {
                parsed += 1
                #expect((try? JSONValue(parsing: value.jsonBytes)) == value)
            }
        }
        #expect(parsed > 0)
    }

    @Test func uuidsAreVersion4AndDeterministicWithASeed() {
        var a = SeededRandomNumberGenerator(seed: 1)
        var b = SeededRandomNumberGenerator(seed: 1)
        let first = UUIDText.random(using: &a)
        #expect(first == UUIDText.random(using: &b))
        #expect(first.count == 36)
        let characters = Array(first)
        #expect(characters[14] == "4")
        #expect("89ab".contains(characters[19]))
    }

    @Test func randomTextIsLowercaseHexTwoCharactersABytes() {
        #expect(RandomText.hex([0x00, 0x01, 0xAB, 0xFF]) == "0001abff")
        let token = RandomText.hex(randomBytes: 32)
        #expect(token.count == 64)
        #expect(token.allSatisfy { "0123456789abcdef".contains($0) })
        #expect(token != RandomText.hex(randomBytes: 32))
    }

    @Test func largeObjectsAreBuiltAndComparedInLinearTime() throws {
        let count = 100_000
        let text = "{" + (0..<count).map { "\"k\($0)\":\($0)" }.joined(separator: ",") + ",\"k0\":-1}"
        let value = try JSONValue(parsing: text, limits: JSONParseLimits(maximumBytes: 4 << 20))
        #expect(value.objectValue?.count == count)
        #expect(value["k0"] == -1)
        let reversed = JSONObject(value.objectValue!.members.reversed())
        #expect(JSONValue.object(reversed) == value)
        #expect(CivilTime(epochSeconds: 1e300).year == 9999)
        #expect(CivilTime(epochSeconds: .nan).year == 1970)
    }
}
