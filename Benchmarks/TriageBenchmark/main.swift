// The error-path benchmark: device errors published over MQTT to an in-process OneCall, measured
// from the publish to the ticket's commit, to the e-mail accepted by a real SMTP server (with and
// without the SMTP conversation, which is the peer's time plus the network), and to the call
// request's commit; beside it, in the same run and on the same disk, the floor: a durable
// single-row SQLite commit. Prints one summary line.
//
//     swift run -c release onecall-bench-triage --smtp-port 8025 [--errors 1000] [--rate 200]

import Foundation
import Logging
import NIOCore
import OneCallAgent
import OneCallApp
import OneCallCore
import OneCallMQTT
import OneCallStorage
import OneCallStorageSQLite
import Synchronization

struct Options {
    var errors = 1000
    var rate = 200.0
    var smtpPort: Int?

    init(_ arguments: [String]) {
        var iterator = arguments.dropFirst().makeIterator()
        while let argument = iterator.next() {
            switch argument {
            case "--errors": errors = Int(iterator.next() ?? "") ?? errors
            case "--rate": rate = Double(iterator.next() ?? "") ?? rate
            case "--smtp-port": smtpPort = Int(iterator.next() ?? "")
            default:
                FileHandle.standardError.write(Data("unknown argument \(argument)\n".utf8))
                exit(2)
            }
        }
    }
}

/// Times per error, in seconds since 1970.
struct Timeline {
    var published: Double?
    var ticketStored: Double?
    var mailAccepted: Double?
    var smtpSeconds: Double?
    var callRequested: Double?
}

func percentile(_ values: [Double], _ p: Double) -> Double {
    guard !values.isEmpty else { return .nan }
    let sorted = values.sorted()
    return sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)]
}

func milliseconds(_ values: [Double]) -> String {
    String(format: "p50 %.2f ms p99 %.2f ms", percentile(values, 0.5) * 1000, percentile(values, 0.99) * 1000)
}

let options = Options(CommandLine.arguments)
guard let smtpPort = options.smtpPort else {
    FileHandle.standardError.write(Data("usage: onecall-bench-triage --smtp-port PORT [--errors N] [--rate R]\n".utf8))
    exit(2)
}
let clock: @Sendable () -> Double = { Date().timeIntervalSince1970 }
let directory = NSTemporaryDirectory() + "onecall-bench-triage-\(getpid())"
try FileManager.default.createDirectory(atPath: directory + "/knowledge", withIntermediateDirectories: true)
try ReferenceGuide.markdown.write(
    toFile: directory + "/knowledge/" + ReferenceGuide.fileName, atomically: true, encoding: .utf8)

// The floor: one durable single-row commit, as a ticket's is, on the same disk.
let floorStore = try SQLiteStorage(path: directory + "/floor.sqlite")
var commits: [Double] = []
for index in 0..<options.errors {
    let event = ErrorEvent(
        id: UUIDText.random(), deviceID: "floor-\(index)", errorCode: "E3", timestamp: clock(), receivedAt: clock(),
        source: .mqtt)
    let start = clock()
    try await floorStore.append([event])
    commits.append(clock() - start)
}

var configuration = OneCallConfiguration()
configuration.dataDirectory = directory
configuration.mqtt.port = 0
configuration.http.port = 0
configuration.logLevel = "warning"
configuration.telemetry.exportEnabled = false
// Port 0: no SMTP server, to see the path without the peer's load on the machine.
if smtpPort > 0 {
    try configuration.set("smtp.host", "127.0.0.1")
    try configuration.set("smtp.port", .int(Int64(smtpPort)))
    try configuration.set("smtp.security", "none")
    try configuration.set("smtp.to", "ops@example.com")
}
var logger = Logger(label: "onecall")
logger.logLevel = .warning
let server = try OneCallServer(configuration: configuration, logger: logger, clock: clock)

let timelines = Mutex([String: Timeline]())
let devices = Mutex([String: String]())
server.workflow.agent.observe { result, time in
    guard case .opened(let ticket) = result else { return }
    devices.withLock { $0[ticket.uniqueID] = ticket.deviceID }
    timelines.withLock { $0[ticket.deviceID, default: Timeline()].ticketStored = time }
}
server.workflow.dispatcher?.observe { action, outcome, time in
    guard case .done(let result, _) = outcome, let device = devices.withLock({ $0[action.ticketID] }) else { return }
    timelines.withLock { timelines in
        switch action.tool {
        case "log_ticket":
            timelines[device, default: Timeline()].mailAccepted = time
            timelines[device, default: Timeline()].smtpSeconds = (result["smtp_ms"]?.doubleValue ?? 0) / 1000
        case "call_operator":
            timelines[device, default: Timeline()].callRequested = time
        default:
            break
        }
    }
}

let (ready, readyContinuation) = AsyncStream.makeStream(of: OneCallEndpoints.self)
let serverTask = Task { try await server.run(handleSignals: false) { readyContinuation.yield($0) } }
var endpoints: OneCallEndpoints?
for await value in ready {
    endpoints = value
    break
}
guard let endpoints else { fatalError("the server did not start") }

let client = MQTTClient(configuration: MQTTClientConfiguration(port: endpoints.mqttPort, clientIdentifier: "bench"))
try await client.connect()
let interval = 1 / options.rate
let start = clock()
for index in 0..<options.errors {
    let due = start + Double(index) * interval
    let wait = due - clock()
    if wait > 0 { try await Task.sleep(for: .microseconds(Int(wait * 1_000_000))) }
    let device = "bench-\(index)"
    var payload = ByteBuffer()
    payload.writeString(#"{"device_name": "\#(device)", "error_code": "E3"}"#)
    let published = clock()
    timelines.withLock { $0[device, default: Timeline()].published = published }
    try await client.publish(topic: "aircon/errors", payload: payload, qos: .atLeastOnce)
}
// Wait for every call (at most 60 s).
for _ in 0..<600 {
    let done = timelines.withLock { $0.values.filter { $0.callRequested != nil && $0.mailAccepted != nil }.count }
    if done >= options.errors { break }
    try await Task.sleep(for: .milliseconds(100))
}
await client.disconnect()
// When each error reached the rule pipeline (the event's arrival time), to split the path.
var received: [String: Double] = [:]
for event in try await server.storage.events(deviceID: nil, limit: options.errors + 10) {
    received[event.deviceID] = event.receivedAt
}
await server.shutdown()
_ = await serverTask.result

let all = timelines.withLock { Array($0.values) }
let complete = all.filter {
    $0.published != nil && $0.ticketStored != nil && $0.mailAccepted != nil && $0.callRequested != nil
}
let ticket = complete.map { $0.ticketStored! - $0.published! }
let mail = complete.map { $0.mailAccepted! - $0.published! }
let mailOurs = complete.map { $0.mailAccepted! - $0.published! - ($0.smtpSeconds ?? 0) }
let smtp = complete.map { $0.smtpSeconds ?? 0 }
let call = complete.map { $0.callRequested! - $0.published! }
let arrival = received.compactMap { device, time in timelines.withLock { $0[device]?.published }.map { time - $0 } }
let triage = received.compactMap { device, time in timelines.withLock { $0[device]?.ticketStored }.map { $0 - time } }
FileHandle.standardError.write(
    Data("detail: publish to rule pipeline \(milliseconds(arrival)) | arrival to ticket \(milliseconds(triage))\n".utf8)
)
try? FileManager.default.removeItem(atPath: directory)
print(
    "triage \(complete.count)/\(options.errors) errors at \(Int(options.rate))/s: "
        + "ticket stored \(milliseconds(ticket)) | e-mail accepted \(milliseconds(mail)) "
        + "(without the SMTP conversation \(milliseconds(mailOurs)); SMTP itself \(milliseconds(smtp))) | "
        + "call requested \(milliseconds(call)) | sqlite single-row commit \(milliseconds(commits))")
exit(complete.count == options.errors ? 0 : 1)
