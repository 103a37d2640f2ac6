import Foundation
import OneCallApp
import Testing

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
    ) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        if let directory { process.currentDirectoryURL = directory }
        let out = Pipe()
        let err = Pipe()
        let inp = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = inp
        try process.run()
        if let input { inp.fileHandleForWriting.write(Data(input.utf8)) }
        try inp.fileHandleForWriting.close()
        let outData = ReadBox()
        let errData = ReadBox()
        let group = DispatchGroup()
        for (pipe, box) in [(out, outData), (err, errData)] {
            group.enter()
            DispatchQueue.global().async {
                box.data = pipe.fileHandleForReading.readDataToEndOfFile()
                group.leave()
            }
        }
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning {
            process.terminate()
            Thread.sleep(forTimeInterval: 0.5)
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
        process.waitUntilExit()
        group.wait()
        return Output(
            status: process.terminationStatus, stdout: String(decoding: outData.data, as: UTF8.self),
            stderr: String(decoding: errData.data, as: UTF8.self))
    }

    final class ReadBox: @unchecked Sendable { var data = Data() }

    /// Generates a CA, a server certificate for 127.0.0.1/localhost and a client certificate with
    /// the given CN, with Debian's `openssl`.
    static func makeCertificates(in dir: URL, clientCommonName: String = "device1") throws -> Certificates {
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
            let result = try run(openssl, step, timeout: 60)
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

    /// Starts a server from a configuration and waits until it listens.
    static func start(_ configuration: OneCallConfiguration) async throws -> RunningServer {
        let server = try OneCallServer(configuration: configuration)
        let (stream, continuation) = AsyncStream.makeStream(of: OneCallEndpoints.self)
        let task = Task {
            try await server.run(handleSignals: false) { endpoints in continuation.yield(endpoints) }
        }
        for await endpoints in stream { return RunningServer(server: server, endpoints: endpoints, task: task) }
        throw CancellationError()
    }

    /// Stops the server gracefully and waits for it.
    func stop() async {
        await server.shutdown()
        _ = await task.result
    }
}
