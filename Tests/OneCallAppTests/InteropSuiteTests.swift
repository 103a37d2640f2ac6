import Foundation
import OneCallApp
import OneCallBroker
import Testing

/// Runs the independent interoperability suite in `Tests/Interop` (paho-mqtt and the Mosquitto
/// command-line clients, MQTT 3.1.1 and 5.0) against OneCall's broker, configured as the suite's
/// README describes: an open listener with an ACL on one server; a password listener and a TLS listener
/// that requires client certificates (CN is the user name) on another.
@Suite(.serialized, .timeLimit(.minutes(10))) struct InteropSuiteTests {
    static func brokerLimits(_ c: inout OneCallConfiguration) throws {
        try c.set("mqtt.max_packet_size", .int(65536))
        try c.set("mqtt.receive_maximum", .int(20))
        try c.set("mqtt.topic_alias_maximum", .int(10))
        try c.set("mqtt.max_keepalive", .int(120))
        try c.set("mqtt.max_queued_messages", .int(100))
        try c.set("mqtt.max_inflight_messages", .int(20))
        try c.set("mqtt.connect_timeout", .int(10))
        try c.set("mqtt.sys_interval", .int(1))
    }

    @Test func pahoAndMosquittoClientsPass() async throws {
        let python = try TestEnvironment.requirePeer("python3", install: "apt-get install -y python3")
        _ = try TestEnvironment.requirePeer("mosquitto_pub", install: "apt-get install -y mosquitto-clients")
        let probe = try await TestEnvironment.run(python, ["-c", "import paho.mqtt, pytest"], timeout: 60)
        guard probe.status == 0 else {
            Issue.record("paho-mqtt or pytest is missing: python3 -m pip install paho-mqtt pytest (scripts/test does)")
            return
        }
        let dir = try TestEnvironment.temporaryDirectory()
        let certificates = try await TestEnvironment.makeCertificates(in: dir)
        let interop = TestEnvironment.root.appendingPathComponent("Tests/Interop")

        var open = OneCallConfiguration()
        try open.set("data_dir", .string(dir.appendingPathComponent("open").path))
        try open.set("mqtt.port", .int(0))
        try open.set("http.port", .int(0))
        try open.set("mqtt.acl_file", .string(interop.appendingPathComponent("mosquitto/acl_plain").path))
        try Self.brokerLimits(&open)

        let passwd = dir.appendingPathComponent("passwd").path
        // Few iterations: these are throwaway test secrets.
        let lines = try [("device1", "secret1"), ("admin", "adminpw")].map {
            try PasswordFile.line(username: $0.0, password: $0.1, iterations: 1000)
        }
        try (lines.joined(separator: "\n") + "\n").write(toFile: passwd, atomically: true, encoding: .utf8)
        var auth = OneCallConfiguration()
        try auth.set("data_dir", .string(dir.appendingPathComponent("auth").path))
        try auth.set("mqtt.port", .int(0))
        try auth.set("http.port", .int(0))
        try auth.set("mqtt.password_file", .string(passwd))
        try auth.set("mqtt.allow_anonymous", .bool(false))
        try auth.set("mqtt.acl_file", .string(interop.appendingPathComponent("mosquitto/acl_auth").path))
        try auth.set("mqtt.tls.port", .int(0))
        try auth.set("mqtt.tls.certificate", .string(certificates.serverCertificate))
        try auth.set("mqtt.tls.private_key", .string(certificates.serverKey))
        try auth.set("mqtt.tls.ca", .string(certificates.ca))
        try auth.set("mqtt.tls.require_client_certificate", .bool(true))
        try Self.brokerLimits(&auth)

        let openServer = try await RunningServer.start(open)
        let authServer = try await RunningServer.start(auth)
        let arguments = [
            "-m", "pytest", interop.path, "-q", "-p", "no:cacheprovider", "--broker", "onecall",
            "--host", "127.0.0.1", "--port", "\(openServer.endpoints.mqttPort)",
            "--auth-port", "\(authServer.endpoints.mqttPort)",
            "--tls-port", "\(authServer.endpoints.mqttTLSPort ?? 0)",
            "--cafile", certificates.ca, "--client-cert", certificates.clientCertificate,
            "--client-key", certificates.clientKey,
        ]
        let result = try await TestEnvironment.run(python, arguments, timeout: 600, directory: interop)
        await openServer.stop()
        await authServer.stop()
        let summary = result.stdout.split(separator: "\n").last.map(String.init) ?? ""
        print("interop suite: \(summary)")
        #expect(
            result.status == 0, "interop suite failed:\n\(result.stdout.suffix(20_000))\n\(result.stderr.suffix(4000))")
        #expect(summary.contains("passed"))
    }
}
