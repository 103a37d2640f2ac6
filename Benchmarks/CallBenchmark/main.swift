// The call benchmark, in one run against the same SIP peer (sipp, Debian's sip-tester):
//  1. call setup — OneCall's SIP user agent and sipp's own UAC each place the same number of calls
//     (INVITE, 200 OK, ACK, BYE) to a sipp UAS, ten at a time: INVITE-to-200 p50/p99 and calls/s;
//  2. error to call — device errors (E3) published over MQTT to an in-process OneCall whose roster
//     points at a sipp UAS: from the publish to the INVITE being sent (the attempt's start), and to
//     the answered call's end. Prints one summary line.
//
//     swift run -c release onecall-bench-calls [--calls 200] [--errors 50] [--rate 20]

import Foundation
import Logging
import NIOCore
import OneCallApp
import OneCallCore
import OneCallMQTT
import OneCallSIP
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

struct Options {
    var calls = 200
    var errors = 50
    var rate = 20.0
    var concurrency = 10

    init(_ arguments: [String]) {
        var iterator = arguments.dropFirst().makeIterator()
        while let argument = iterator.next() {
            switch argument {
            case "--calls": calls = Int(iterator.next() ?? "") ?? calls
            case "--errors": errors = Int(iterator.next() ?? "") ?? errors
            case "--rate": rate = Double(iterator.next() ?? "") ?? rate
            case "--concurrency": concurrency = Int(iterator.next() ?? "") ?? concurrency
            default:
                FileHandle.standardError.write(Data("unknown argument \(argument)\n".utf8))
                exit(2)
            }
        }
    }
}

func percentile(_ values: [Double], _ p: Double) -> Double {
    guard !values.isEmpty else { return .nan }
    let sorted = values.sorted()
    return sorted[min(sorted.count - 1, max(0, Int((Double(sorted.count) * p).rounded(.up)) - 1))]
}

func milliseconds(_ values: [Double]) -> String {
    String(format: "p50 %.2f ms p99 %.2f ms", percentile(values, 0.5) * 1000, percentile(values, 0.99) * 1000)
}

func note(_ text: String) { FileHandle.standardError.write(Data("\(text)\n".utf8)) }

/// A UDP port on 127.0.0.1 that nobody holds now.
func freeUDPPort() -> Int {
    let descriptor = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
    defer { close(descriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    _ = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
        }
    }
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
    }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// sipp, started in a folder of its own.
struct Sipp {
    let process: Process
    let directory: URL

    static func start(_ arguments: [String]) throws -> Sipp {
        let directory = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("bench-sipp-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sipp")
        process.currentDirectoryURL = directory
        process.arguments = arguments + ["-nostdin"]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return Sipp(process: process, directory: directory)
    }

    func wait(timeout: Double) async -> Int32 {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { try? await Task.sleep(for: .milliseconds(20)) }
        if process.isRunning { process.terminate() }
        while process.isRunning { try? await Task.sleep(for: .milliseconds(20)) }
        return process.terminationStatus
    }
}

guard FileManager.default.isExecutableFile(atPath: "/usr/bin/sipp") else {
    note("sipp is missing: apt-get install sip-tester")
    exit(2)
}
let options = Options(CommandLine.arguments)
let clock: @Sendable () -> Double = { Date().timeIntervalSince1970 }
var logger = Logger(label: "bench")
logger.logLevel = .warning

// 1a. OneCall's user agent against a sipp UAS.
let oursPort = freeUDPPort()
let oursPeer = try Sipp.start([
    "-sn", "uas", "-i", "127.0.0.1", "-p", "\(oursPort)", "-m", "\(options.calls)", "-timeout", "120s",
])
try await Task.sleep(for: .milliseconds(300))
let agent = SIPUserAgent(
    configuration: SIPUserAgentConfiguration(proxyHost: "", domain: "127.0.0.1", maximumCalls: options.concurrency * 2),
    logger: logger)
try await agent.start()
let destination = try SIPURI(parsing: "sip:bench@127.0.0.1:\(oursPort)")
let setups = Mutex([Double]())
let failures = Mutex(0)
let oursStart = clock()
let next = Mutex(0)
let calls = options.calls
await withTaskGroup(of: Void.self) { group in
    for _ in 0..<options.concurrency {
        group.addTask {
            while next.withLock({ index in
                defer { index += 1 }
                return index
            }) < calls {
                let start = clock()
                switch await agent.dial(destination, ringTimeout: .seconds(10)) {
                case .answered(let call):
                    let setup = clock() - start
                    setups.withLock { $0.append(setup) }
                    await call.hangUp()
                default:
                    failures.withLock { $0 += 1 }
                }
            }
        }
    }
}
let oursSeconds = clock() - oursStart
await agent.shutdown()
_ = await oursPeer.wait(timeout: 10)
let ours = setups.withLock { $0 }
let oursRate = Double(ours.count) / oursSeconds

// 1b. sipp's UAC, the same calls, against another sipp UAS.
let peerPort = freeUDPPort()
let uas = try Sipp.start([
    "-sn", "uas", "-i", "127.0.0.1", "-p", "\(peerPort)", "-m", "\(options.calls)", "-timeout", "120s",
])
try await Task.sleep(for: .milliseconds(300))
let uacStart = clock()
let uac = try Sipp.start([
    "-sn", "uac", "127.0.0.1:\(peerPort)", "-i", "127.0.0.1", "-p", "\(freeUDPPort())", "-m", "\(options.calls)",
    "-l", "\(options.concurrency)", "-r", "100000", "-d", "0", "-timeout", "120s", "-trace_rtt", "-rtt_freq", "1",
])
let uacStatus = await uac.wait(timeout: 120)
let uacSeconds = clock() - uacStart
_ = await uas.wait(timeout: 10)
var theirs: [Double] = []
if let file = try? FileManager.default.contentsOfDirectory(atPath: uac.directory.path).first(where: {
    $0.hasSuffix("_rtt.csv")
}), let text = try? String(contentsOf: uac.directory.appendingPathComponent(file), encoding: .utf8) {
    // Date_ms;response_time_ms;rtd_no — whole milliseconds only.
    for line in text.split(separator: "\n").dropFirst() {
        let fields = line.split(separator: ";")
        if fields.count >= 2, let value = Double(fields[1]) { theirs.append(value / 1000) }
    }
}
let theirRate = Double(options.calls) / uacSeconds

// 2. Device errors to calls through the whole server.
let directory = NSTemporaryDirectory() + "onecall-bench-calls-\(getpid())"
try FileManager.default.createDirectory(atPath: directory + "/knowledge", withIntermediateDirectories: true)
try FileManager.default.createDirectory(atPath: directory + "/contact-center/flows", withIntermediateDirectories: true)
try ReferenceGuide.markdown.write(
    toFile: directory + "/knowledge/" + ReferenceGuide.fileName, atomically: true, encoding: .utf8)
let flow = #"""
    {"Version": "2019-10-30", "StartAction": "say",
     "Actions": [
      {"Identifier": "say", "Type": "MessageParticipant", "Parameters": {"Text": "Error $.Attributes.error_code."},
       "Transitions": {"NextAction": "bye", "Errors": [{"NextAction": "bye", "ErrorType": "NoMatchingError"}]}},
      {"Identifier": "bye", "Type": "DisconnectParticipant", "Parameters": {}, "Transitions": {}}]}
    """#
try flow.write(toFile: directory + "/contact-center/flows/short.json", atomically: true, encoding: .utf8)
try #"[{"name": "ops", "outbound_flow": "short"}]"#.write(
    toFile: directory + "/contact-center/queues.json", atomically: true, encoding: .utf8)
let operatorPort = freeUDPPort()
try
    #"[{"name": "bench", "queue": "ops", "devices": ["*"], "operators": [{"name": "op", "phone": "sip:op@127.0.0.1:\#(operatorPort)"}], "attempts_per_operator": 1, "rounds": 1}]"#
    .write(toFile: directory + "/contact-center/rosters.json", atomically: true, encoding: .utf8)
let operatorPeer = try Sipp.start([
    "-sn", "uas", "-i", "127.0.0.1", "-p", "\(operatorPort)", "-m", "\(options.errors)", "-timeout", "300s",
])
var configuration = OneCallConfiguration()
configuration.dataDirectory = directory
configuration.mqtt.port = 0
configuration.http.port = 0
configuration.logLevel = "warning"
configuration.telemetry.exportEnabled = false
try configuration.set("anomaly.enabled", false)
try configuration.set("contact_center.provider", "sip")
try configuration.set("contact_center.max_concurrent_calls", .int(64))
let server = try OneCallServer(configuration: configuration, logger: logger, clock: clock)
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
var published: [String: Double] = [:]
let errorsStart = clock()
for index in 0..<options.errors {
    let wait = errorsStart + Double(index) / options.rate - clock()
    if wait > 0 { try await Task.sleep(for: .microseconds(Int(wait * 1_000_000))) }
    let device = "bench-\(index)"
    var payload = ByteBuffer()
    payload.writeString(#"{"device_name": "\#(device)", "error_code": "E3"}"#)
    published[device] = clock()
    try await client.publish(topic: "aircon/errors", payload: payload, qos: .atLeastOnce)
}
var attempts: [String: CallAttempt] = [:]
for _ in 0..<1200 {
    for call in try await server.storage.calls(ticketID: nil, limit: options.errors * 2)
    where attempts[call.deviceID] == nil {
        if let attempt = try await server.storage.callAttempts(callID: call.id).first {
            attempts[call.deviceID] = attempt
        }
    }
    if attempts.count >= options.errors { break }
    try await Task.sleep(for: .milliseconds(100))
}
await client.disconnect()
await server.shutdown()
_ = await serverTask.result
_ = await operatorPeer.wait(timeout: 10)
try? FileManager.default.removeItem(atPath: directory)
let toInvite = attempts.compactMap { device, attempt in published[device].map { attempt.startedAt - $0 } }
let toAnswer = attempts.compactMap { device, attempt in
    published[device].flatMap { start in attempt.answeredAt.map { $0 - start } }
}
let answered = attempts.values.filter { $0.outcome == .answered }.count

note(
    "detail: OneCall UA \(ours.count)/\(options.calls) answered, \(failures.withLock { $0 }) failed; sipp UAC exit \(uacStatus), \(theirs.count) response times"
)
print(
    "calls \(options.calls) x \(options.concurrency) at a time to a sipp UAS: OneCall UA setup \(milliseconds(ours)), "
        + String(format: "%.0f calls/s", oursRate)
        + " | sipp UAC setup \(milliseconds(theirs)) (sipp counts whole ms), "
        + String(format: "%.0f calls/s", theirRate)
        + String(format: " | ratio %.2f", oursRate / theirRate)
        + " || E3 over MQTT to INVITE \(milliseconds(toInvite)), to answer \(milliseconds(toAnswer)) "
        + "(\(answered)/\(options.errors) answered at \(Int(options.rate))/s)")
exit(ours.count == options.calls && answered == options.errors ? 0 : 1)
