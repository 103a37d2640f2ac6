import OneCallCore
import OneCallMQTT

/// A message a simulated device wants published.
public struct SimulatorMessage: Sendable, Hashable {
    /// What the message is, with what the driver needs to account for it.
    public enum Kind: Sendable, Hashable {
        /// A telemetry reading.
        case telemetry(SimulatorRecord)
        /// An error message, sent when a code appears.
        case error(AirconErrorCode)
        /// A shadow update carrying this reported state.
        case shadowUpdate(reported: JSONObject)
        /// A request for the shadow document.
        case shadowGet
    }

    /// What the message is.
    public var kind: Kind
    /// The topic name.
    public var topic: String
    /// The JSON payload.
    public var payload: [UInt8]
    /// The quality of service to publish at.
    public var qos: MQTTQoS

    /// Creates a message.
    public init(kind: Kind, topic: String, payload: [UInt8], qos: MQTTQoS) {
        self.kind = kind
        self.topic = topic
        self.payload = payload
        self.qos = qos
    }
}
