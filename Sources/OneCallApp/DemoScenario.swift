import Foundation
import Logging
import NIOCore
import OneCallBroker
import OneCallMQTT
import ServiceLifecycle

/// `onecall demo`: the server on embedded defaults, with a short scripted scenario that shows what
/// works so far. It grows with each capability.
public struct DemoScenario: Service {
    let server: OneCallServer
    let duration: Double?

    /// Creates the demo around a server; with a `duration` it stops after that many seconds.
    public init(server: OneCallServer, duration: Double?) {
        self.server = server
        self.duration = duration
    }

    /// Runs the server with the scenario beside it.
    public func start() async throws {
        try await server.run(
            companions: [
                .init(service: self, successTerminationBehavior: duration == nil ? .ignore : .gracefullyShutdownGroup)
            ]
        ) { endpoints in
            print(
                """

                OneCall demo is running.
                  MQTT broker   mqtt://127.0.0.1:\(endpoints.mqttPort)   (MQTT 3.1.1 and 5.0, anonymous on loopback)
                  Health        http://127.0.0.1:\(endpoints.httpPort)/healthz
                  Metrics       http://127.0.0.1:\(endpoints.httpPort)/metrics

                Try:
                  mosquitto_sub -p \(endpoints.mqttPort) -t 'aircon/#' -v
                  mosquitto_pub -p \(endpoints.mqttPort) -t aircon/telemetry -q 1 -m '{"device_name":"aircon_1","indoor_temperature_c":24.5}'
                  mosquitto_sub -p \(endpoints.mqttPort) -t '$SYS/broker/#' -v -C 5

                """)
        }
    }

    /// The scripted part: a round trip through the in-process API, then (with a duration) a wait.
    public func run() async throws {
        let broker = server.broker
        let subscription = try broker.subscribe(filter: "aircon/#")
        let reading = #"{"device_name":"demo_unit","indoor_temperature_c":24.5,"error_code":"None"}"#
        try broker.publish(topic: "aircon/telemetry", payload: ByteBuffer(string: reading), qos: .atLeastOnce)
        for await message in subscription.messages {
            print("demo: in-process subscriber received \(message.topic): \(String(buffer: message.payload))")
            break
        }
        subscription.cancel()
        if let duration {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .milliseconds(Int(duration * 1000))) }
        }
    }
}
