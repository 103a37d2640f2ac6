import Foundation
import MCP
import OneCallAgent
import OneCallCore
import Testing

@Suite("JSONValue <-> MCP.Value")
struct MCPValueConversionTests {
    @Test("every kind of value survives the round trip")
    func roundTrip() {
        let json: JSONValue = [
            "null": nil, "true": true, "int": 42, "negative": -7, "big": .int(Int64.max), "double": 2.5,
            "string": "héllo \"quoted\"", "array": [1, "two", [3.0], [:]],
            "object": ["nested": ["deep": [nil, false]]],
        ]
        let value = Value(json)
        #expect(value.objectValue?["int"] == .int(42))
        #expect(value.objectValue?["big"] == .int(Int.max))
        #expect(value.objectValue?["double"] == .double(2.5))
        #expect(value.objectValue?["null"] == .null)
        #expect(JSONValue(value) == json)
    }

    @Test("objects from the SDK come out with their keys sorted")
    func sortedKeys() {
        let object = JSONObject(["b": .int(2), "a": .int(1), "c": .object(["z": .null, "y": .bool(true)])])
        #expect(object.keys == ["a", "b", "c"])
        #expect(object["c"]?.objectValue?.keys == ["y", "z"])
    }

    @Test("SDK data values become their data: URL again")
    func dataURL() {
        let value = Value.data(mimeType: "image/png", Data([0x89, 0x50, 0x4E, 0x47]))
        #expect(JSONValue(value) == .string("data:image/png;base64,iVBORw=="))
    }

    @Test("a tool schema is unchanged after the trip through the SDK's JSON")
    func schemaThroughCoding() throws {
        let schema = try JSONValue(
            parsing:
                #"{"type":"object","properties":{"n":{"type":"number","minimum":0.5,"maximum":10}},"required":["n"]}"#)
        let encoded = try JSONEncoder().encode(Value(schema))
        #expect(try JSONValue(parsing: [UInt8](encoded)) == schema)
    }
}
