// The anomaly benchmark: how fast each detector scores readings on one core and how much state it
// keeps per device, and how long after a simulated device switches to abnormal wattage the W1
// ticket is open — beside the reference's design (an hourly batch job over the previous hour),
// whose delay follows from its schedule. Prints one summary line.
//
//     swift run -c release onecall-bench-anomaly [--readings 200000] [--devices 10000] [--speed-up 60]

import Foundation
import Logging
import NIOCore
import OneCallAnomaly
import OneCallApp
import OneCallCore
import OneCallMQTT
import OneCallSimulator
import OneCallStorage

struct Options {
    var readings = 200_000
    var devices = 10_000
    var speedUp = 60.0

    init(_ arguments: [String]) {
        var iterator = arguments.dropFirst().makeIterator()
        while let argument = iterator.next() {
            switch argument {
            case "--readings": readings = Int(iterator.next() ?? "") ?? readings
            case "--devices": devices = Int(iterator.next() ?? "") ?? devices
            case "--speed-up": speedUp = Double(iterator.next() ?? "") ?? speedUp
            default:
                FileHandle.standardError.write(Data("unknown argument \(argument)\n".utf8))
                exit(2)
            }
        }
    }
}

/// Resident memory of this process, in bytes (Linux `/proc/self/statm`).
func residentBytes() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
    let fields = text.split(separator: " ")
    return fields.count > 1 ? (Int(fields[1]) ?? 0) * Int(sysconf(Int32(_SC_PAGESIZE))) : 0
}

func seconds(_ work: () -> Void) -> Double {
    let start = ContinuousClock.now
    work()
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}

let options = Options(CommandLine.arguments)

// Readings: simulated units in the reference's layout, half an hour of abnormal wattage now and then.
let table = SimulatedTrainingData.table(devices: 8, readings: 2000, seed: 7)
let timestampIndex = table.index(of: "timestamp")!
let deviceIndex = table.index(of: "device_name")!
let excluded: Set<String> = ["timestamp", "device_name", "wattage_mode"]
let readings = table.rows.map { row in
    TelemetryReading(
        timestamp: CivilTime.parse(row[timestampIndex]) ?? 0, columns: table.columns, fields: row,
        excluding: excluded)
}
let deviceOf = table.rows.map { $0[deviceIndex] }
let classifier = try ClassifierTrainer.train(
    SimulatedTrainingData.table(seed: 3), options: .init(label: "wattage_mode", positive: "abnormal"), trainedAt: 0
).classifier

// 1. The classifier alone.
var sink = 0.0
let classifierTime = seconds {
    for index in 0..<options.readings { sink += classifier.probability(readings[index % readings.count]) }
}
// 2. The unsupervised multivariate detector, one per device.
var detectors: [String: DeviceAnomalyDetector] = [:]
let detectorTime = seconds {
    for index in 0..<options.readings {
        let position = index % readings.count
        let cycle = Double(index / readings.count) * 1e6
        var reading = readings[position]
        reading.timestamp += cycle
        sink += detectors[deviceOf[position], default: DeviceAnomalyDetector()].update(reading).value
    }
}
let detectorBytes = detectors.values.map(\.stateSize).max() ?? 0
// 3. The monitor (detector + classifier + window), and its memory per device over many devices.
var monitor = AnomalyMonitor(classifier: classifier)
let monitorTime = seconds {
    for index in 0..<options.readings {
        let position = index % readings.count
        var reading = readings[position]
        reading.timestamp += Double(index / readings.count) * 1e6
        sink += monitor.observe(deviceID: deviceOf[position], reading: reading).score.value
    }
}
let before = residentBytes()
var fleet = AnomalyMonitor(configuration: .init(maximumDevices: options.devices), classifier: classifier)
for device in 0..<options.devices {
    for step in 0..<30 {
        var reading = readings[(device * 30 + step) % readings.count]
        reading.timestamp = Double(step) * 30
        sink += fleet.observe(deviceID: "device-\(device)", reading: reading).score.value
    }
}
let monitorBytesPerDevice = max(0, residentBytes() - before) / max(1, options.devices)
// 4. The univariate detectors (NAB's), on a seasonal series.
var univariate = UnivariateDetectorKind.onecall.makeDetector()
var zscore = UnivariateDetectorKind.zscore.makeDetector()
let series: [Double] = (0..<options.readings).map { index -> Double in
    let phase = Double(index) / 48
    return 50 + 10 * sin(phase) + Double(index % 7)
}
let univariateTime = seconds {
    for (index, value) in series.enumerated() {
        sink += univariate.update(timestamp: Double(index) * 300, value: value).value
    }
}
let zscoreTime = seconds {
    for (index, value) in series.enumerated() {
        sink += zscore.update(timestamp: Double(index) * 300, value: value).value
    }
}

// 5. The delay to the W1 ticket: four simulated devices on the accelerated clock through the
// embedded broker; one switches to abnormal wattage after 130 readings (a full evaluation period).
let directory = FileManager.default.temporaryDirectory.appendingPathComponent("onecall-bench-anomaly-\(getpid())").path
try? FileManager.default.removeItem(atPath: directory)
var configuration = OneCallConfiguration()
configuration.dataDirectory = directory
configuration.mqtt.port = 0
configuration.http.port = 0
configuration.logLevel = "warning"
configuration.telemetry.exportEnabled = false
try AnomalyModelFile.save(classifier, path: AnomalyModelFile.path(configuration))
var logger = Logger(label: "bench")
logger.logLevel = .warning
let server = try OneCallServer(configuration: configuration, logger: logger)
let (ready, readyContinuation) = AsyncStream.makeStream(of: OneCallEndpoints.self)
let serverTask = Task { try await server.run(handleSignals: false) { readyContinuation.yield($0) } }
var endpoints: OneCallEndpoints?
for await value in ready {
    endpoints = value
    break
}
guard let endpoints else { fatalError("the server did not start") }
let simulator = try SimulatorRunner(
    configuration: SimulatorConfiguration(
        deviceCount: 4, speedUp: options.speedUp, seed: 5,
        mqtt: MQTTClientConfiguration(port: endpoints.mqttPort, clientIdentifier: "")))
let fleetTask = Task { try await simulator.run(readingsPerDevice: 1_000_000) }
while try await server.storage.readingCount(deviceID: "aircon_2") < 130 { try await Task.sleep(for: .milliseconds(10)) }
let lastNormal =
    try await server.storage.readings(TelemetryQuery(deviceID: "aircon_2", limit: 1, newestFirst: true)).first?
    .timestamp ?? 0
let switchedAt = ContinuousClock.now
_ = try server.broker.publish(
    topic: "aircon/commands/aircon_2",
    payload: ByteBuffer(
        bytes: try AirconCommandMessage(device: "aircon_2", action: "set_wattage_mode", argument: "abnormal").payload),
    qos: .atLeastOnce)
var ticket: Ticket?
while ticket == nil && ContinuousClock.now - switchedAt < .seconds(600) {
    ticket = try await server.workflow.tickets.tickets(TicketQuery(errorCode: "W1")).first
    if ticket == nil { try await Task.sleep(for: .milliseconds(5)) }
}
let wall = ContinuousClock.now - switchedAt
let wallSeconds = Double(wall.components.seconds) + Double(wall.components.attoseconds) / 1e18
fleetTask.cancel()
_ = await fleetTask.result
await server.shutdown()
_ = try? await serverTask.value
try? FileManager.default.removeItem(atPath: directory)
guard let ticket, let end = ticket.anomalyEnd else { fatalError("no W1 ticket within 600 s") }
let simulatedDelay = end - lastNormal

let rate = { (time: Double) in String(format: "%.0f", Double(options.readings) / time) }
print(
    "anomaly: classifier \(rate(classifierTime)) readings/s, multivariate detector \(rate(detectorTime)) readings/s "
        + "(\(detectorBytes) B/device), monitor \(rate(monitorTime)) readings/s "
        + "(\(monitorBytesPerDevice) B/device resident over \(options.devices) devices), "
        + "univariate onecall \(rate(univariateTime)) obs/s vs zscore \(rate(zscoreTime)) obs/s; "
        + String(
            format:
                "W1 ticket %.0f simulated min after the switch (%.1f s wall at %.0fx, device %@) vs reference hourly batch 60-120 min",
            simulatedDelay / 60, wallSeconds, options.speedUp, ticket.deviceID)
        + (sink.isNaN ? " " : ""))
