import OneCallCore

/// One message offered to a rule: where it was published, what it carries and who sent it, plus the
/// clock and identifier source that `timestamp()` and `newuuid()` read (injected, so tests are exact).
public struct RuleInput: Sendable {
    /// The topic the message was published to; `topic()` and `topic(n)` read it.
    public var topic: String
    /// The message payload.
    public var payload: RulePayload
    /// The publishing client's identifier; `clientid()` returns `n/a` when it is `nil` (not sent over MQTT).
    public var clientID: String?
    /// The publisher's authenticated identity (user name or certificate CN); `principal()` reads it.
    public var principal: String?
    /// When the message was received, in milliseconds since 1970; `timestamp()` returns it.
    public var timestamp: Int64
    /// Makes the identifiers that `newuuid()` returns; a random version 4 UUID by default.
    public var newUUID: @Sendable () -> String

    /// Creates an input from a payload that is already read.
    public init(
        topic: String, payload: RulePayload, clientID: String? = nil, principal: String? = nil, timestamp: Int64,
        newUUID: @escaping @Sendable () -> String = { UUIDText.random() }
    ) {
        self.topic = topic
        self.payload = payload
        self.clientID = clientID
        self.principal = principal
        self.timestamp = timestamp
        self.newUUID = newUUID
    }

    /// Creates an input from payload bytes, read as JSON when they are JSON (see ``RulePayload``).
    public init(
        topic: String, payloadBytes: some Collection<UInt8>, clientID: String? = nil, principal: String? = nil,
        timestamp: Int64, newUUID: @escaping @Sendable () -> String = { UUIDText.random() }
    ) {
        self.init(
            topic: topic, payload: RulePayload(bytes: payloadBytes), clientID: clientID, principal: principal,
            timestamp: timestamp, newUUID: newUUID)
    }
}
