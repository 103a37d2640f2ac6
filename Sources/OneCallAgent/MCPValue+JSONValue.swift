import Foundation
import MCP
import OneCallCore

extension Value {
    /// The MCP SDK's spelling of a OneCall JSON value. Object members lose their order (the SDK keeps
    /// objects in a dictionary); integers, doubles, strings and nesting carry over unchanged.
    public init(_ json: JSONValue) {
        switch json {
        case .null: self = .null
        case .bool(let value): self = .bool(value)
        case .int(let value):
            if let exact = Int(exactly: value) { self = .int(exact) } else { self = .double(Double(value)) }
        case .double(let value): self = .double(value)
        case .string(let value): self = .string(value)
        case .array(let elements): self = .array(elements.map(Value.init))
        case .object(let object):
            var members: [String: Value] = [:]
            members.reserveCapacity(object.count)
            for member in object { members[member.key] = Value(member.value) }
            self = .object(members)
        }
    }
}

extension JSONValue {
    /// A OneCall JSON value from the MCP SDK's. Object members come out sorted by key, so that the
    /// same message always gives the same value; binary data (which the SDK decodes from a
    /// `data:` URL string) becomes that `data:` URL string again.
    public init(_ value: MCP.Value) {
        switch value {
        case .null: self = .null
        case .bool(let flag): self = .bool(flag)
        case .int(let number): self = .int(Int64(number))
        case .double(let number): self = .double(number)
        case .string(let text): self = .string(text)
        case .data(let mimeType, let data): self = .string(data.dataURLEncoded(mimeType: mimeType))
        case .array(let elements): self = .array(elements.map(JSONValue.init))
        case .object(let members): self = .object(JSONObject(members))
        }
    }
}

extension JSONObject {
    /// A OneCall JSON object from an MCP SDK object, its members sorted by key.
    public init(_ members: [String: MCP.Value]) {
        self.init(
            members.sorted { $0.key < $1.key }.map { Member(key: $0.key, value: JSONValue($0.value)) }
        )
    }
}
