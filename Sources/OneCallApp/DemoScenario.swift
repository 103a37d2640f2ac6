import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import OneCallBroker
import OneCallCore
import OneCallMQTT
import OneCallSimulator
import ServiceLifecycle

/// `onecall demo`: the server on embedded defaults, with a short scripted scenario that shows what
/// works so far. It grows with each capability.
public struct DemoScenario: Service {
    let server: OneCallServer
    let duration: Double?
    private let ready = NIOLockedValueBox<OneCallEndpoints?>(nil)

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
        ) { [ready] endpoints in
            ready.withLockedValue { $0 = endpoints }
            print(
                """

                OneCall demo is running.
                  MQTT broker   mqtt://127.0.0.1:\(endpoints.mqttPort)   (MQTT 3.1.1 and 5.0, anonymous on loopback)
                  Health        http://127.0.0.1:\(endpoints.httpPort)/healthz
                  Metrics       http://127.0.0.1:\(endpoints.httpPort)/metrics

                Four simulated air conditioners publish on an accelerated clock (an hour a minute).
                Try:
                  mosquitto_sub -p \(endpoints.mqttPort) -t 'aircon/#' -v
                  onecall devices list --url http://127.0.0.1:\(endpoints.httpPort)
                  onecall telemetry query aircon_1 --newest-first --limit 3 --url http://127.0.0.1:\(endpoints.httpPort)
                  onecall publish --port \(endpoints.mqttPort) aircon_3 inject_fault compressor_failure
                  onecall events list --url http://127.0.0.1:\(endpoints.httpPort)
                  curl http://127.0.0.1:\(endpoints.httpPort)/things/aircon_1/shadow

                """)
        }
    }

    /// The reference's four units, registered before the simulated devices connect (demo data; the
    /// registry takes any devices through `devices.file`, the REST API or `onecall devices import`).
    static let referenceDevices = #"""
        {"devices": [
          {"device_id": "aircon_1", "type": "aircon", "address": "Street 1", "city": "San Diego", "state": "CA", "zip": "92130", "country": "US", "site_owner": "Customer 1", "site_owner_contact": "+11234567890"},
          {"device_id": "aircon_2", "type": "aircon", "address": "Street 2", "city": "Los Angeles", "state": "CA", "zip": "90001", "country": "US", "site_owner": "Customer 2", "site_owner_contact": "+11234567891"},
          {"device_id": "aircon_3", "type": "aircon", "address": "Street 3", "city": "Seattle", "state": "WA", "zip": "98104", "country": "US", "site_owner": "Customer 3", "site_owner_contact": "+11234567892"},
          {"device_id": "aircon_4", "type": "aircon", "address": "Street 4", "city": "New York", "state": "NY", "zip": "10003", "country": "US", "site_owner": "Customer 4", "site_owner_contact": "+11234567893"}
        ]}
        """#

    /// The scripted part: four simulated air conditioners on an accelerated clock (an hour a minute)
    /// publish through the embedded broker; every few seconds the demo shows what arrived in the
    /// store; a fault injected after a few seconds becomes an error event. With a duration it stops
    /// by itself.
    public func run() async throws {
        let registry = server.registry
        _ = try await registry.importDevices(DeviceImport.descriptions(from: Array(Self.referenceDevices.utf8)))
        let endpoints = try await readyEndpoints()
        let simulator = try SimulatorRunner(
            configuration: SimulatorConfiguration(
                deviceCount: 4, speedUp: 60, seed: UInt64(Date().timeIntervalSince1970),
                mqtt: MQTTClientConfiguration(port: endpoints.mqttPort, clientIdentifier: "")),
            logger: Logger(label: "onecall.demo"))
        let telemetry = try server.broker.subscribe(filter: "aircon/telemetry")
        let events = server.events.events()
        // The demo's tasks end by cancellation when the demo is over; that is not a failure.
        await withDiscardingTaskGroup { group in
            group.addTask { try? await simulator.run() }
            group.addTask {
                for await event in events {
                    print(
                        "demo: error event \(event.errorCode) from \(event.deviceID) (source \(event.source.rawValue))")
                }
            }
            group.addTask {
                var last: [String: JSONValue] = [:]
                var lastPrint = ContinuousClock.now
                for await message in telemetry.messages {
                    guard let reading = try? JSONValue(parsing: message.payload.readableBytesView),
                        let name = reading["device_name"]?.stringValue
                    else { continue }
                    last[name] = reading
                    if ContinuousClock.now - lastPrint >= .seconds(3) {
                        lastPrint = ContinuousClock.now
                        await show(last)
                    }
                }
            }
            group.addTask {
                guard (try? await Task.sleep(for: .seconds(min(5, (duration ?? 10) / 2)))) != nil,
                    let command = try? AirconCommandMessage(
                        device: "aircon_2", action: "inject_fault", argument: "low_pressure")
                else { return }
                var payload = ByteBuffer()
                payload.writeBytes(command.payload)
                print("demo: injecting a low-pressure fault into aircon_2 (\(command.topic))")
                _ = try? server.broker.publish(topic: command.topic, payload: payload, qos: .atLeastOnce)
            }
            if let duration {
                try? await cancelWhenGracefulShutdown {
                    try await Task.sleep(for: .milliseconds(Int(duration * 1000)))
                }
            } else {
                try? await gracefulShutdown()
            }
            telemetry.cancel()
            group.cancelAll()
        }
    }

    private func show(_ last: [String: JSONValue]) async {
        let stored = (try? await server.storage.readingCount(deviceID: nil)) ?? 0
        print("demo: \(stored) readings stored")
        for (name, reading) in last.sorted(by: { $0.key < $1.key }) {
            func value(_ key: String) -> String { reading[key].map { $0.stringValue ?? $0.jsonString } ?? "-" }
            print(
                "  \(name)  indoor \(value("indoor_temperature_c")) °C  outdoor \(value("outdoor_temperature_c")) °C  "
                    + "\(value("power_consumption_watts")) W  compressor \(value("compressor_status"))  "
                    + "\(value("refrigerant_pressure_psi")) PSI  error \(value("error_code"))")
        }
    }

    /// Waits for the server's endpoints (set by `start()` once every listener is bound).
    private func readyEndpoints() async throws -> OneCallEndpoints {
        for _ in 0..<600 {
            if let endpoints = ready.withLockedValue({ $0 }) { return endpoints }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw ConfigurationError(key: "demo", reason: "the server did not start")
    }
}
