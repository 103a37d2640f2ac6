import ArgumentParser
import Foundation
import NIOCore
import OneCallApp
import OneCallCore
import OneCallMQTT
import OneCallSimulator

/// Where simulated devices and `onecall publish` connect.
struct BrokerOptions: ParsableArguments {
    @Option(help: "Broker host.") var host = "127.0.0.1"
    @Option(help: "Broker port (default 1883, 8883 with --tls).") var port: Int?
    @Option(help: "User name.") var username: String?
    @Option(help: "Password.") var password: String?
    @Flag(help: "Connect with TLS.") var tls = false
    @Option(help: "CA certificates (PEM) to trust, for TLS.") var cafile: String?
    @Option(help: "Client certificate (PEM), for TLS.") var cert: String?
    @Option(help: "Client private key (PEM), for TLS.") var key: String?
    @Option(help: "MQTT version: 3.1.1 or 5.") var mqttVersion = "5"

    func template(clientIdentifier: String) throws -> MQTTClientConfiguration {
        let version: MQTTProtocolVersion
        switch mqttVersion {
        case "5", "5.0": version = .v5
        case "3.1.1", "4": version = .v3_1_1
        default: throw fail(ValidationError("--mqtt-version: expected 3.1.1 or 5"))
        }
        let useTLS = tls || cafile != nil || cert != nil
        return MQTTClientConfiguration(
            host: host, port: port ?? (useTLS ? 8883 : 1883), clientIdentifier: clientIdentifier,
            protocolVersion: version, username: username, password: password.map { Array($0.utf8) },
            tls: useTLS
                ? try SimulatorLauncher.tlsConfiguration(
                    .init(caFile: cafile, certificateFile: cert, privateKeyFile: key)) : nil)
    }
}

struct Simulate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run simulated air conditioners against an MQTT broker (OneCall's or any other).",
        discussion: """
            Each device connects with its name as client id, publishes a reading on aircon/telemetry every \
            interval of simulated time, an aircon/errors message when a fault appears, its reported state on \
            its shadow, and obeys commands on aircon/commands/<device> and shadow deltas. --speed-up 60 makes \
            an hour a minute. Stops after --readings per device or --duration simulated seconds, or on Ctrl-C.
            """)
    @OptionGroup var broker: BrokerOptions
    @Option(help: "Number of devices.") var devices = 4
    @Option(help: "Device name prefix; devices are PREFIX1 … PREFIXN.") var prefix = "aircon_"
    @Option(help: "Seconds of simulated time between readings.") var interval: Double = 30
    @Option(help: "Simulated seconds per real second.") var speedUp: Double = 1
    @Option(help: "Random seed: the same seed gives the same readings.") var seed: UInt64 = 1
    @Option(help: "Stop after this many readings per device.") var readings: Int?
    @Option(help: "Stop after this many simulated seconds.") var duration: Double?
    @Option(help: "Simulated start time (epoch seconds or RFC 3339; default now).") var start: String?
    @Option(help: "Write every reading to this CSV file (the training data's columns).") var writeCsv: String?
    @Flag(help: "Do not use device shadows.") var noShadow = false

    func run() async throws {
        var startTime: Double?
        if let start {
            guard let seconds = Double(start) ?? CivilTime.parse(start) else {
                throw fail(ValidationError("--start: expected epoch seconds or an RFC 3339 time"))
            }
            startTime = seconds
        }
        let configuration = SimulatorConfiguration(
            deviceCount: devices, namePrefix: prefix, interval: interval, speedUp: speedUp, seed: seed,
            startTime: startTime, usesShadow: !noShadow, readingsPerDevice: readings, duration: duration,
            mqtt: try broker.template(clientIdentifier: ""))
        bootstrapLogging()
        let report: SimulatorReport
        do {
            report = try await SimulatorLauncher.run(configuration: configuration, csvPath: writeCsv)
        } catch {
            throw fail(error)
        }
        let total = report.total
        print(
            "simulated \(report.devices.count) devices: \(total.readingsPublished) readings published "
                + "(\(total.readingsTaken) taken), \(total.errorsPublished) errors, "
                + "\(total.shadowUpdatesPublished) shadow updates, \(total.commandsApplied) commands applied, "
                + "\(total.commandsRejected) rejected, \(total.messagesDropped) dropped")
    }
}

struct Publish: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Send a command to a device: inject_fault, clear_fault, set_wattage_mode, …",
        discussion: """
            Examples: onecall publish aircon_1 inject_fault low_pressure · onecall publish aircon_1 clear_fault · \
            onecall publish aircon_1 set_wattage_mode abnormal · onecall publish aircon_1 update_filter_status Clean \
            · onecall publish aircon_1 reset_runtime · onecall publish aircon_1 disconnect. With --shadow the \
            change goes to the device shadow's desired state instead of the command topic.
            """)
    @OptionGroup var broker: BrokerOptions
    @Argument(help: "The device.") var device: String
    @Argument(help: "The action.") var action: String
    @Argument(help: "The action's argument (fault type, wattage mode, filter status).") var argument: String?
    @Flag(help: "Set the shadow's desired state instead of publishing a command.") var shadow = false

    func run() async throws {
        let message: AirconCommandMessage
        do {
            let command = try AirconCommandMessage(device: device, action: action, argument: argument)
            message =
                shadow ? try AirconCommandMessage.shadowDesired(device: device, command: command.command) : command
        } catch {
            throw fail(error)
        }
        let client = MQTTClient(
            configuration: try broker.template(clientIdentifier: "onecall-publish-\(UUIDText.random().prefix(8))"))
        do {
            _ = try await client.connect()
            var payload = ByteBuffer()
            payload.writeBytes(message.payload)
            try await client.publish(topic: message.topic, payload: payload, qos: .atLeastOnce)
            await client.disconnect()
        } catch {
            await client.disconnect()
            throw fail(error)
        }
        print("\(message.topic) \(String(decoding: message.payload, as: UTF8.self))")
    }
}
