import Foundation
import OneCallApp
import OneCallCore
import Testing

/// MQTT over WebSocket (MQTT 5.0 §6) with paho-mqtt's websockets transport, beside plain TCP
/// clients on the same broker; and what the WebSocket port does with input that is not MQTT.
@Suite(.serialized, .timeLimit(.minutes(2))) struct WebSocketListenerTests {
    @Test func pahoOverWebSocketTalksToTCPClientsAndBadInputIsRefused() async throws {
        let python = try TestEnvironment.requirePeer("python3", install: "apt-get install -y python3")
        var configuration = OneCallConfiguration()
        configuration.dataDirectory = try TestEnvironment.temporaryDirectory().path
        configuration.mqtt.port = 0
        configuration.http.port = 0
        try configuration.set("mqtt.websocket.port", .int(0))
        let server = try await RunningServer.start(configuration)
        let script = TestEnvironment.root.appendingPathComponent("Tests/OneCallAppTests/Peers/websocket_clients.py")
        let result = try await TestEnvironment.run(
            python,
            [script.path, "\(server.endpoints.mqttWebSocketPort ?? 0)", "\(server.endpoints.mqttPort)"],
            timeout: 60)
        await server.stop()
        try #require(result.status == 0, "\(result.stderr)")
        let report = try JSONValue(parsing: result.stdout)
        for label in ["v311", "v5"] {
            #expect(
                report[label]
                    == [
                        [.string("ws/\(label)/big"), 200_000, 1], [.string("ws/\(label)/from-ws"), 2, 1],
                        [.string("ws/\(label)/small"), 5, 1],
                    ], "\(report)")
        }
        #expect(report["plain_http"] == "HTTP/1.1 426 Upgrade Required")
        // An upgrade that offers no MQTT subprotocol is not upgraded.
        #expect(report["no_subprotocol"] == "HTTP/1.1 426 Upgrade Required", "\(report)")
        #expect(report["upgrade"] == "HTTP/1.1 101 Switching Protocols")
        #expect(report["upgrade_subprotocol"]?.arrayValue?.first?.stringValue?.lowercased().hasSuffix(": mqtt") == true)
        // A close frame with code 1003 (unacceptable data).
        #expect(report["text_frame_close"] == [0x88, 0x02, 0x03, 0xEB], "\(report)")
    }
}
