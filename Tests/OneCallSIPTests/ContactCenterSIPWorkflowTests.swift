import Foundation
import Logging
import NIOCore
import OneCallApp
import OneCallCore
import OneCallMQTT
import OneCallSimulator
import Testing

/// The contact center's loop over real SIP, end to end: a simulated air conditioner reports a
/// compressor failure (E3), triage opens the ticket and requests the call, the server dials the
/// roster's first operator (sipp, who lets it ring), cancels at the ring timeout, escalates to the
/// second operator (sipp, who answers and presses 1 as RFC 4733 events), and the keypress
/// acknowledges the ticket; every attempt is on the call's record.
@Suite("Contact center over SIP", .serialized, .timeLimit(.minutes(2)))
struct ContactCenterSIPWorkflowTests {
    /// A short flow of the site's own (the default flow reads the whole ticket aloud first).
    static let flow = #"""
        {"Version": "2019-10-30", "StartAction": "ask",
         "Actions": [
          {"Identifier": "ask", "Type": "GetParticipantInput",
           "Parameters": {"Text": "Ticket for $.Attributes.device_id, error $.Attributes.error_code. Press 1 to acknowledge.",
                          "InputTimeLimitSeconds": "5"},
           "Transitions": {"NextAction": "bye",
             "Conditions": [{"NextAction": "ack", "Condition": {"Operator": "Equals", "Operands": ["1"]}}],
             "Errors": [{"NextAction": "bye", "ErrorType": "InputTimeLimitExceeded"},
                        {"NextAction": "bye", "ErrorType": "NoMatchingCondition"},
                        {"NextAction": "bye", "ErrorType": "NoMatchingError"}]}},
          {"Identifier": "ack", "Type": "UpdateContactAttributes",
           "Parameters": {"Attributes": {"onecall_action": "acknowledge"}},
           "Transitions": {"NextAction": "bye", "Errors": [{"NextAction": "bye", "ErrorType": "NoMatchingError"}]}},
          {"Identifier": "bye", "Type": "DisconnectParticipant", "Parameters": {}, "Transitions": {}}
         ]}
        """#

    @Test
    func anE3CallsTheRosterOverSIPAndKeyOneAcknowledges() async throws {
        try SippPeer.requireEspeak()
        let ringing = try await SippPeer.start(scenario: "uas_ring_no_answer.xml", timeoutSeconds: 60)
        defer { ringing.stop() }
        let answering = try await SippPeer.start(scenario: "uas_rfc4733_keypress.xml", timeoutSeconds: 60)
        defer { answering.stop() }

        let data = FileManager.default.temporaryDirectory.appendingPathComponent("onecall-sip-\(UUID().uuidString)")
        let definitions = data.appendingPathComponent("contact-center")
        try FileManager.default.createDirectory(
            at: definitions.appendingPathComponent("flows"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(
            at: data.appendingPathComponent("knowledge"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: data) }
        try ReferenceGuide.markdown.write(
            to: data.appendingPathComponent("knowledge/\(ReferenceGuide.fileName)"), atomically: true, encoding: .utf8)
        try Self.flow.write(
            to: definitions.appendingPathComponent("flows/short.json"), atomically: true, encoding: .utf8)
        try #"[{"name": "ops", "outbound_flow": "short", "outbound_caller_id": "+15550100"}]"#.write(
            to: definitions.appendingPathComponent("queues.json"), atomically: true, encoding: .utf8)
        let rosters = """
            [{"name": "plant", "queue": "ops", "devices": ["unit-*"],
              "operators": [{"name": "Ana", "phone": "sip:ana@127.0.0.1:\(ringing.sipPort)"},
                            {"name": "Bo", "phone": "sip:bo@127.0.0.1:\(answering.sipPort)"}],
              "attempts_per_operator": 1, "rounds": 1, "ring_timeout_seconds": 2}]
            """
        try rosters.write(to: definitions.appendingPathComponent("rosters.json"), atomically: true, encoding: .utf8)

        var configuration = OneCallConfiguration()
        configuration.dataDirectory = data.path
        configuration.mqtt.port = 0
        configuration.http.port = 0
        configuration.logLevel = "warning"
        try configuration.set("anomaly.enabled", false)
        try configuration.set("contact_center.provider", "sip")
        try configuration.set("sip.bind", "127.0.0.1:0")
        var logger = Logger(label: "onecall")
        logger.logLevel = .warning
        let server = try OneCallServer(configuration: configuration, logger: logger)
        let (ready, continuation) = AsyncStream.makeStream(of: OneCallEndpoints.self)
        let running = Task { try await server.run(handleSignals: false) { continuation.yield($0) } }
        var endpoints: OneCallEndpoints?
        for await value in ready {
            endpoints = value
            break
        }
        let port = try #require(endpoints).mqttPort

        // One simulated unit; a compressor failure injected into it is its E3.
        let simulator = try SimulatorRunner(
            configuration: SimulatorConfiguration(
                deviceCount: 1, namePrefix: "unit-", speedUp: 60, seed: 5,
                mqtt: MQTTClientConfiguration(port: port, clientIdentifier: "")))
        let fleet = Task { try await simulator.run(readingsPerDevice: 1_000_000) }
        defer { fleet.cancel() }
        let storage = server.storage
        for _ in 0..<500 where try await storage.readingCount(deviceID: "unit-1") < 1 {
            try await Task.sleep(for: .milliseconds(20))
        }
        let fault = try AirconCommandMessage(device: "unit-1", action: "inject_fault", argument: "compressor_failure")
        var payload = ByteBuffer()
        payload.writeBytes(fault.payload)
        _ = try server.broker.publish(topic: fault.topic, payload: payload, qos: .atLeastOnce)

        var call: CallRequest?
        for _ in 0..<600 {
            call = try await storage.calls(ticketID: nil, limit: 1).first
            if call?.status.isFinal == true { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        let finished = try #require(call)
        let attempts = try await storage.callAttempts(callID: finished.id)
        let ticket = try #require(try await storage.ticket(id: finished.ticketID))
        let ringingResult = await ringing.finish()
        let answeringResult = await answering.finish()
        await server.shutdown()
        _ = await running.result

        #expect(ticket.errorCode == "E3")
        #expect(ticket.deviceID == "unit-1")
        #expect(finished.status == .acknowledged, "\(finished) \(attempts)")
        #expect(finished.roster == "plant")
        #expect(attempts.map(\.operatorName) == ["Ana", "Bo"], "\(attempts)")
        #expect(attempts.map(\.outcome) == [.noAnswer, .acknowledged], "\(attempts)")
        #expect(attempts.map(\.provider) == ["sip", "sip"])
        #expect(attempts.last?.digits == "1")
        #expect(attempts.first?.answeredAt == nil)
        #expect(attempts.last?.answeredAt != nil)
        #expect(attempts.last?.transcript.contains { $0.contains("Ticket for unit-1, error E3") } == true)
        #expect(ticket.status == .acknowledged)
        #expect(ticket.acknowledgedBy == "Bo (phone)")
        // Ana's phone saw the INVITE, then the CANCEL; Bo's saw the call through to our BYE.
        #expect(ringingResult.status == 0, "\(ringingResult.report)")
        #expect(answeringResult.status == 0, "\(answeringResult.report)")
        #expect(answeringResult.messages.contains("From: \"OneCall\""), "\(answeringResult.messages.prefix(2000))")
        // The queue's caller id is asserted; From stays the account's, which a PBX matches.
        #expect(answeringResult.messages.contains("P-Asserted-Identity: <sip:+15550100@"))
    }
}
