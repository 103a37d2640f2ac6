/// A message the service publishes: a reply topic and its JSON payload.
public struct ShadowMessage: Sendable, Hashable, CustomStringConvertible {
    /// The topic, such as `$aws/things/lamp/shadow/update/accepted`.
    public var topic: String
    /// The UTF-8 JSON payload.
    public var payload: [UInt8]

    /// A message.
    public init(topic: String, payload: [UInt8]) {
        self.topic = topic
        self.payload = payload
    }

    /// The topic and the payload's size (payloads may hold customer data, so they are not printed).
    public var description: String { "\(topic) (\(payload.count) bytes)" }
}
