import OneCallCore

/// A message payload as the rules engine sees it: JSON when the bytes are a JSON text, raw bytes
/// otherwise. Rules read fields only from JSON; `SELECT *` passes raw bytes through unchanged (AWS IoT
/// "binary payloads").
public enum RulePayload: Sendable, Hashable {
    /// A payload that is a JSON text.
    case json(JSONValue)
    /// A payload that is not JSON (or is empty), kept as given.
    case binary([UInt8])

    /// Reads a payload: JSON if the bytes parse as JSON within `limits`, binary otherwise.
    public init(bytes: some Collection<UInt8>, limits: JSONParseLimits = .default) {
        if let value = try? JSONValue(parsing: bytes, limits: limits) {
            self = .json(value)
        } else {
            self = .binary(Array(bytes))
        }
    }

    /// The payload as bytes: compact JSON text, or the raw bytes.
    public var bytes: [UInt8] {
        switch self {
        case .json(let value): value.jsonBytes
        case .binary(let bytes): bytes
        }
    }

    /// The JSON value, or `nil` for a binary payload.
    public var jsonValue: JSONValue? {
        if case .json(let value) = self { return value }
        return nil
    }
}
