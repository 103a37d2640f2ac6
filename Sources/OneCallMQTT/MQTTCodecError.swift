/// Why bytes from a peer are not a valid MQTT packet. The code is the reason code the spec gives
/// for closing the connection; the message says which rule was broken and holds no payload data.
public struct MQTTCodecError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The reason code to report (malformed packet, protocol error, packet too large, ...).
    public var reasonCode: MQTTReasonCode
    /// Which rule the packet broke.
    public var message: String

    /// Creates an error with a reason code and a description of the broken rule.
    public init(_ reasonCode: MQTTReasonCode, _ message: String) {
        self.reasonCode = reasonCode
        self.message = message
    }

    public var description: String { "MQTT \(reasonCode): \(message)" }
}
