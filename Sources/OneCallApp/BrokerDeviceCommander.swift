import Foundation
import NIOCore
import OneCallAgent
import OneCallBroker
import OneCallCore
import OneCallHTTP

/// `clear_fault` on the embedded broker: the command on the device's command topic (QoS 1), and
/// the desired state on its classic shadow, so that a device that was offline acts on it when it
/// comes back. Topic and payloads are configuration (the defaults are the reference's).
struct BrokerDeviceCommander: DeviceCommander {
    let broker: Broker
    let shadows: any ShadowEndpoint
    let configuration: ClearFaultConfiguration

    func clearFault(deviceID: String, ticketID: String) async throws -> JSONObject {
        let topic = configuration.topic(for: deviceID)
        var payload = ByteBuffer()
        payload.writeBytes(JSONValue.object(configuration.payload).jsonBytes)
        do {
            try broker.publish(topic: topic, payload: payload, qos: .atLeastOnce)
        } catch {
            throw ActionFailure("cannot publish on \(topic): \(error)", isTransient: false)
        }
        var result: JSONObject = ["topic": .string(topic), "payload": .object(configuration.payload)]
        if let desired = configuration.desired {
            let body: JSONValue = ["state": ["desired": .object(desired)]]
            let reply = await shadows.handle(
                thingName: deviceID, shadowName: nil, operation: .update, body: body.jsonBytes)
            guard reply.status < 400 else {
                let message = String(decoding: reply.body.prefix(512), as: UTF8.self)
                throw ActionFailure(
                    "the shadow refused the desired state: \(message)", isTransient: reply.status >= 500)
            }
            result["shadow_desired"] = .object(desired)
        }
        return result
    }
}

/// What `clear_fault` sends: a topic template (`{device_id}` is replaced), a command payload, and
/// the desired shadow state (none: the shadow is left alone).
public struct ClearFaultConfiguration: Sendable, Hashable {
    public var topicTemplate = "aircon/commands/{device_id}"
    public var payload: JSONObject = ["action": "clear_fault"]
    public var desired: JSONObject? = ["error_code": "None"]

    public init() {}

    func topic(for deviceID: String) -> String {
        topicTemplate.replacingOccurrences(of: "{device_id}", with: deviceID)
    }
}
