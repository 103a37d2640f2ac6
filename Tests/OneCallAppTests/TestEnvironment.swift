import Foundation
import OneCallApp
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Paths, peers and processes the end-to-end tests share.
enum TestEnvironment {
    /// The repository root (tests read only files of this repository).
    static let root: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The `onecall` executable built beside the test bundle.
    static var executable: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("onecall")
    }

    /// A fresh temporary directory.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("onecall-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// The full path of a command on PATH (or the usual sbin places), or `nil`.
    static func which(_ command: String) -> String? {
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "") + ":/usr/sbin:/sbin"
        for dir in path.split(separator: ":") {
            let candidate = "\(dir)/\(command)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Fails loudly, with the install command, when a peer the test needs is missing.
    static func requirePeer(_ command: String, install: String) throws -> String {
        guard let path = which(command) else {
            Issue.record("'\(command)' is missing: \(install) (scripts/test installs it)")
            throw PeerMissing(command: command)
        }
        return path
    }

    struct PeerMissing: Error { let command: String }

    /// The result of a finished process.
    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs a command to completion (bounded by `timeout` seconds) and captures its output.
    static func run(
        _ executable: String, _ arguments: [String], timeout: Double = 300, input: String? = nil,
        environment: [String: String]? = nil, directory: URL? = nil
    ) async throws -> Output {
        try await offPool {
            try runBlocking(
                executable, arguments, timeout: timeout, input: input, environment: environment, directory: directory)
        }
    }

    /// Runs blocking work on its own thread, never on one of Swift concurrency's few pool threads
    /// (which the servers under test need), and awaits its result.
    static func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result { try work() })
            }
        }
    }

    private static func runBlocking(
        _ executable: String, _ arguments: [String], timeout: Double, input: String?,
        environment: [String: String]?, directory: URL?
    ) throws -> Output {
        // Output goes to files, not pipes: a pipe's reader waits for every process that inherited
        // its write end (any child spawned concurrently), a file does not.
        let scratch = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let out = scratch.appendingPathComponent("stdout").path
        let err = scratch.appendingPathComponent("stderr").path
        let inp = scratch.appendingPathComponent("stdin").path
        _ = FileManager.default.createFile(atPath: inp, contents: Data((input ?? "").utf8))
        let child = try ChildProcess(
            executable, arguments, stdin: inp, stdout: out, stderr: err, directory: directory?.path,
            environment: environment)
        let status = child.wait(timeout: timeout)
        return Output(
            status: status,
            stdout: String(decoding: FileManager.default.contents(atPath: out) ?? Data(), as: UTF8.self),
            stderr: String(decoding: FileManager.default.contents(atPath: err) ?? Data(), as: UTF8.self))
    }

    /// Generates a CA, a server certificate for 127.0.0.1/localhost and a client certificate with
    /// the given CN, with Debian's `openssl`.
    static func makeCertificates(in dir: URL, clientCommonName: String = "device1") async throws -> Certificates {
        let openssl = try requirePeer("openssl", install: "apt-get install -y openssl")
        let p = { (name: String) in dir.appendingPathComponent(name).path }
        let steps: [[String]] = [
            [
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", p("ca.key"), "-out", p("ca.pem"), "-days",
                "2",
                "-subj", "/CN=OneCall Test CA",
            ],
            [
                "req", "-newkey", "rsa:2048", "-nodes", "-keyout", p("server.key"), "-out", p("server.csr"), "-subj",
                "/CN=localhost",
            ],
            [
                "x509", "-req", "-in", p("server.csr"), "-CA", p("ca.pem"), "-CAkey", p("ca.key"), "-CAcreateserial",
                "-out", p("server.pem"), "-days", "2", "-extfile", p("server.ext"),
            ],
            [
                "req", "-newkey", "rsa:2048", "-nodes", "-keyout", p("client.key"), "-out", p("client.csr"),
                "-subj", "/CN=\(clientCommonName)",
            ],
            [
                "x509", "-req", "-in", p("client.csr"), "-CA", p("ca.pem"), "-CAkey", p("ca.key"), "-CAcreateserial",
                "-out", p("client.pem"), "-days", "2",
            ],
        ]
        try "subjectAltName=DNS:localhost,IP:127.0.0.1\n".write(
            toFile: p("server.ext"), atomically: true, encoding: .utf8)
        for step in steps {
            let result = try await run(openssl, step, timeout: 60)
            guard result.status == 0 else { throw CertificateError(message: result.stderr) }
        }
        return Certificates(
            ca: p("ca.pem"), serverCertificate: p("server.pem"), serverKey: p("server.key"),
            clientCertificate: p("client.pem"), clientKey: p("client.key"))
    }

    struct CertificateError: Error { let message: String }

    /// Certificate files for a TLS test.
    struct Certificates {
        var ca, serverCertificate, serverKey, clientCertificate, clientKey: String
    }
}

extension TestEnvironment {
    /// Starts Mosquitto on a random loopback port, anonymous, and gives the process (stop it) and
    /// the port; fails with how to install it when it is missing.
    static func startMosquitto() async throws -> (process: ChildProcess, port: Int) {
        let mosquitto = try requirePeer("mosquitto", install: "apt-get install -y mosquitto")
        let port = Int.random(in: 20_000...40_000)
        let conf = try temporaryDirectory().appendingPathComponent("mosquitto.conf").path
        try "listener \(port) 127.0.0.1\nallow_anonymous true\n".write(toFile: conf, atomically: true, encoding: .utf8)
        let process = try ChildProcess(mosquitto, ["-c", conf])
        // Ready once it accepts a connection (a fixed sleep lost the race on a loaded machine).
        for _ in 0..<200 {
            if canConnect(port: port) { return (process, port) }
            try await Task.sleep(for: .milliseconds(50))
        }
        process.stop()
        throw PeerMissing(command: "mosquitto (not listening on \(port) after 10 s)")
    }

    /// Whether something accepts TCP connections on 127.0.0.1:`port`.
    static func canConnect(port: Int) -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}

/// A `OneCallServer` running in this process until `stop()`.
final class RunningServer: @unchecked Sendable {
    let server: OneCallServer
    let endpoints: OneCallEndpoints
    private let task: Task<Void, any Error>

    private init(server: OneCallServer, endpoints: OneCallEndpoints, task: Task<Void, any Error>) {
        self.server = server
        self.endpoints = endpoints
        self.task = task
    }

    /// Starts a server from a configuration and waits until it listens; a server that fails to start
    /// throws its error, one that is not ready within 30 s is cancelled and reported.
    static func start(_ configuration: OneCallConfiguration) async throws -> RunningServer {
        let server = try OneCallServer(configuration: configuration)
        let (stream, continuation) = AsyncStream.makeStream(of: OneCallEndpoints.self)
        let task = Task {
            defer { continuation.finish() }
            try await server.run(handleSignals: false) { endpoints in continuation.yield(endpoints) }
        }
        let watchdog = Task {
            try await Task.sleep(for: .seconds(30))
            task.cancel()
        }
        defer { watchdog.cancel() }
        for await endpoints in stream { return RunningServer(server: server, endpoints: endpoints, task: task) }
        try await task.value
        throw StartFailure()
    }

    struct StartFailure: Error, CustomStringConvertible {
        var description: String { "the server stopped before it was ready" }
    }

    /// Starts a server, runs `body` with it and stops it, whether `body` returns or throws.
    static func with<Result>(
        _ configuration: OneCallConfiguration, _ body: (RunningServer) async throws -> Result
    ) async throws -> Result {
        let server = try await start(configuration)
        do {
            let result = try await body(server)
            await server.stop()
            return result
        } catch {
            await server.stop()
            throw error
        }
    }

    /// A configuration for a test server: a fresh data directory, MQTT and HTTP on free ports.
    static func configuration() throws -> OneCallConfiguration {
        var configuration = OneCallConfiguration()
        configuration.dataDirectory = try TestEnvironment.temporaryDirectory().path
        configuration.mqtt.port = 0
        configuration.http.port = 0
        return configuration
    }

    /// Stops the server gracefully and waits for it.
    func stop() async {
        await server.shutdown()
        _ = await task.result
    }
}
