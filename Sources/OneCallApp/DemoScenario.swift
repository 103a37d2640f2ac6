import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import OneCallAnomaly
import OneCallBroker
import OneCallCore
import OneCallMQTT
import OneCallMail
import OneCallSimulator
import OneCallStorage
import ServiceLifecycle

/// `onecall demo`: the server on embedded defaults, with a short scripted scenario that shows what
/// works so far. It grows with each capability.
public struct DemoScenario: Service {
    let server: OneCallServer
    let duration: Double?
    let sink: SMTPSink?
    private let ready = NIOLockedValueBox<OneCallEndpoints?>(nil)

    /// Creates the demo around a server; with a `duration` it stops after that many seconds.
    /// `sink` is the SMTP server the demo started to capture ticket e-mail (see `prepare`).
    public init(server: OneCallServer, duration: Double?, sink: SMTPSink? = nil) {
        self.server = server
        self.duration = duration
        self.sink = sink
    }

    /// Completes a configuration for the demo: without an SMTP server configured, starts a local
    /// SMTP sink that keeps each message (as an .eml file in `DATA_DIR/mail`) and sends ticket
    /// e-mail there; with an empty knowledge base, adds the reference troubleshooting guide.
    public static func prepare(_ configuration: inout OneCallConfiguration) async throws -> SMTPSink? {
        let knowledge = WorkflowServices.knowledgeDirectory(configuration)
        try FileManager.default.createDirectory(atPath: knowledge, withIntermediateDirectories: true)
        let documents = (try? FileManager.default.contentsOfDirectory(atPath: knowledge)) ?? []
        if documents.isEmpty {
            try ReferenceGuide.markdown.write(
                toFile: (knowledge as NSString).appendingPathComponent(ReferenceGuide.fileName), atomically: true,
                encoding: .utf8)
        }
        let model = AnomalyModelFile.path(configuration)
        if configuration.anomaly.enabled && configuration.anomaly.detector != "unsupervised"
            && !FileManager.default.fileExists(atPath: model)
        {
            let result = try ClassifierTrainer.train(
                SimulatedTrainingData.table(), options: .init(label: "wattage_mode", positive: "abnormal"),
                trainedAt: Date().timeIntervalSince1970)
            try AnomalyModelFile.save(result.classifier, path: model)
            print(
                "demo: trained the wattage classifier on simulated readings (held-out accuracy "
                    + String(format: "%.1f %%", result.heldOut.accuracy * 100) + ") into \(model)")
        }
        guard configuration.workflow.smtpHost == nil else { return nil }
        let mail = (configuration.dataDirectory as NSString).appendingPathComponent("mail")
        try FileManager.default.createDirectory(atPath: mail, withIntermediateDirectories: true)
        let sink = SMTPSink(configuration: SMTPSinkConfiguration(hostname: "sink.onecall.demo", directory: mail))
        let port = try await sink.start()
        configuration.workflow.smtpHost = "127.0.0.1"
        configuration.workflow.smtpPort = port
        configuration.workflow.smtpSecurity = "none"
        configuration.workflow.smtpFrom = "onecall@onecall.demo"
        configuration.workflow.smtpTo = ["operator@onecall.demo"]
        return sink
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
                  Console       http://127.0.0.1:\(endpoints.httpPort)/   (devices, tickets, calls, the chat)
                  MQTT broker   mqtt://127.0.0.1:\(endpoints.mqttPort)   (MQTT 3.1.1 and 5.0, anonymous on loopback)
                  Health        http://127.0.0.1:\(endpoints.httpPort)/healthz
                  Metrics       http://127.0.0.1:\(endpoints.httpPort)/metrics

                Ask in the console's chat, or here:
                  onecall ask --url http://127.0.0.1:\(endpoints.httpPort) "Please tell me about the device aircon_1"
                  onecall ask --url http://127.0.0.1:\(endpoints.httpPort) "Please tell me about the error W1"
                  onecall ask --url http://127.0.0.1:\(endpoints.httpPort) "What is wrong right now?"
                  onecall ask --url http://127.0.0.1:\(endpoints.httpPort) "average power of aircon_4 in the last hour"

                Four simulated air conditioners publish on an accelerated clock (an hour a minute).
                Try:
                  mosquitto_sub -p \(endpoints.mqttPort) -t 'aircon/#' -v
                  onecall devices list --url http://127.0.0.1:\(endpoints.httpPort)
                  onecall telemetry query aircon_1 --newest-first --limit 3 --url http://127.0.0.1:\(endpoints.httpPort)
                  onecall publish --port \(endpoints.mqttPort) aircon_3 inject_fault compressor_failure
                  onecall events list --url http://127.0.0.1:\(endpoints.httpPort)
                  onecall tickets list --url http://127.0.0.1:\(endpoints.httpPort)
                  onecall kb plan --code E3 --data-dir \(server.configuration.dataDirectory)
                  curl http://127.0.0.1:\(endpoints.httpPort)/things/aircon_1/shadow

                The demo injects E1, E2 and E3 and shows the tickets, the e-mail (caught by a local SMTP
                sink), the calls (the local voice provider speaks the flow and presses 1) and the cleared fault;
                then it turns aircon_4 to abnormal wattage, which raises a W1 anomaly about 20 s later.
                  onecall publish --port \(endpoints.mqttPort) aircon_2 set_wattage_mode abnormal
                  curl http://127.0.0.1:\(endpoints.httpPort)/metrics | grep anomaly

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
            group.addTask { await injectFaults() }
            group.addTask { await followTickets() }
            if let sink {
                group.addTask {
                    for await message in sink.messages {
                        print("demo: e-mail accepted by the SMTP sink: \(message.header("Subject") ?? "(no subject)")")
                    }
                }
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

    /// The reference's error scenario: one fault of each kind, a little apart, and a repeat of the
    /// first, which counts on its ticket instead of opening another.
    private func injectFaults() async {
        let start = min(1.5, (duration ?? 10) / 6)
        let faults = [
            ("aircon_1", "high_temperature"), ("aircon_2", "low_pressure"), ("aircon_3", "compressor_failure"),
        ]
        for (offset, fault) in faults.enumerated() {
            guard (try? await Task.sleep(for: .milliseconds(Int((start + Double(offset) * 0.7) * 1000)))) != nil,
                let command = try? AirconCommandMessage(device: fault.0, action: "inject_fault", argument: fault.1)
            else { return }
            var payload = ByteBuffer()
            payload.writeBytes(command.payload)
            print("demo: injecting \(fault.1) into \(fault.0)")
            _ = try? server.broker.publish(topic: command.topic, payload: payload, qos: .atLeastOnce)
        }
        guard (try? await Task.sleep(for: .seconds(1))) != nil else { return }
        let repeated: JSONValue = [
            "device_name": "aircon_1", "error_code": "E1", "timestamp": .int(Int64(Date().timeIntervalSince1970)),
        ]
        var payload = ByteBuffer()
        payload.writeBytes(repeated.jsonBytes)
        print("demo: aircon_1 reports E1 again")
        _ = try? server.broker.publish(topic: "aircon/errors", payload: payload, qos: .atLeastOnce)
        guard (try? await Task.sleep(for: .seconds(1))) != nil,
            let abnormal = try? AirconCommandMessage(
                device: "aircon_4", action: "set_wattage_mode", argument: "abnormal")
        else { return }
        var wattage = ByteBuffer()
        wattage.writeBytes(abnormal.payload)
        let anomaly = server.configuration.anomaly
        print(
            "demo: aircon_4 switches to abnormal wattage; a W1 anomaly follows once \(Int(anomaly.threshold * 100)) % "
                + "of its readings in the last \(Int(anomaly.period / 60)) simulated minutes are abnormal")
        _ = try? server.broker.publish(topic: abnormal.topic, payload: wattage, qos: .atLeastOnce)
    }

    /// Prints what happens to tickets: opened, repeated, each action's outcome, calls, cleared faults.
    private func followTickets() async {
        var seen: [String: Ticket] = [:]
        var calls: Set<String> = []
        var attemptsShown: [String: (attempts: Int, final: Bool)] = [:]
        while !Task.isCancelled {
            guard (try? await Task.sleep(for: .milliseconds(250))) != nil else { return }
            let tickets = (try? await server.workflow.tickets.tickets(TicketQuery(limit: 50))) ?? []
            for ticket in tickets.reversed() {
                let short = ticket.uniqueID.prefix(8)
                let before = seen[ticket.uniqueID]
                if before == nil {
                    let tools = ticket.actions.map(\.tool).joined(separator: ", ")
                    print(
                        "demo: ticket \(short) opened for \(ticket.deviceID) \(ticket.errorCode)"
                            + (ticket.title.map { " (\($0))" } ?? "") + ": \(tools.isEmpty ? "no actions" : tools)")
                }
                if let before, ticket.occurrences > before.occurrences {
                    print("demo: ticket \(short) counts \(ticket.occurrences) occurrences (no new e-mail or call)")
                }
                for action in ticket.actions where action.status != .pending && action.status != .running {
                    guard before?.actions.first(where: { $0.id == action.id })?.status != action.status else {
                        continue
                    }
                    var detail = action.lastError ?? ""
                    if action.tool == "clear_fault", let topic = action.result?["topic"]?.stringValue {
                        detail = "command on \(topic)"
                    }
                    print("demo: ticket \(short) \(action.tool) \(action.status.rawValue) \(detail)")
                }
                if ticket.faultClearedAt != nil && before?.faultClearedAt == nil {
                    print("demo: \(ticket.deviceID) reports no error again: ticket \(short) resolved by the device")
                }
                seen[ticket.uniqueID] = ticket
            }
            for call in (try? await server.workflow.tickets.calls(ticketID: nil, limit: 50)) ?? [] {
                if calls.insert(call.id).inserted {
                    print(
                        "demo: call requested about \(call.deviceID) to \(call.contactName ?? "the site operator")"
                            + " (\(call.contact ?? "no number"))")
                }
                await showAttempts(of: call, shown: &attemptsShown)
            }
        }
    }

    /// Prints the attempts of a call not shown yet (whom it rang, what was said, what was pressed),
    /// then how the call ended.
    private func showAttempts(of call: CallRequest, shown: inout [String: (attempts: Int, final: Bool)]) async {
        var progress = shown[call.id] ?? (0, false)
        if call.attempts > progress.attempts, let attempts = try? await server.storage.callAttempts(callID: call.id) {
            for attempt in attempts.dropFirst(progress.attempts) {
                print(
                    "demo: call \(call.id.prefix(8)) attempt \(attempt.number) to \(attempt.operatorName ?? "?") "
                        + "(\(attempt.destination)) by \(attempt.provider): \(attempt.outcome.rawValue)"
                        + (attempt.digits.isEmpty ? "" : ", pressed \(attempt.digits)")
                        + String(format: ", %.1f s", attempt.duration))
                for line in attempt.transcript where line.hasPrefix("spoke:") || line.hasPrefix("input:") {
                    print("demo:   \(line)")
                }
            }
            progress.attempts = attempts.count
        }
        if call.status.isFinal && !progress.final && progress.attempts >= call.attempts {
            print("demo: call \(call.id.prefix(8)) \(call.status.rawValue): \(call.outcome ?? "")")
            progress.final = true
        }
        shown[call.id] = progress
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
