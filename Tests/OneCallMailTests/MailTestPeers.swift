import Foundation
import Testing

/// Python peers for the end-to-end tests: finding python3 and aiosmtpd (failing loudly, with the
/// install command, when either is missing), running scripts from `Peers/`, and temporary directories.
enum MailTestPeers {
    static let peersDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Peers")

    struct PeerMissing: Error, CustomStringConvertible {
        var description: String
    }

    /// A fresh temporary directory.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("onecall-mail-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// The path of python3; records a failure naming the install command when it is missing.
    static func requirePython() throws -> String {
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
            .map { "\($0)/python3" }.first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let path else {
            let message = "python3 is missing: apt-get install python3 python3-pip, then pip install aiosmtpd"
            Issue.record(Comment(rawValue: message))
            throw PeerMissing(description: message)
        }
        return path
    }

    /// The path of python3 with aiosmtpd importable; records a failure naming the install command otherwise.
    static func requireAiosmtpd() async throws -> String {
        let python = try requirePython()
        let check = try await run(python, ["-c", "import aiosmtpd"], timeout: 60)
        guard check.status == 0 else {
            let message = "aiosmtpd is missing for \(python): pip install aiosmtpd (\(check.stderr.suffix(200)))"
            Issue.record(Comment(rawValue: message))
            throw PeerMissing(description: message)
        }
        return python
    }

    /// The result of a finished process.
    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Runs a process to completion (killed after `timeout` seconds), output captured in files.
    static func run(_ executable: String, _ arguments: [String], timeout: Double = 120) async throws -> Output {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let process = try start(executable, arguments, in: directory)
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
        if process.isRunning {
            process.terminate()
            while process.isRunning { try await Task.sleep(for: .milliseconds(20)) }
        }
        return Output(
            status: process.terminationStatus,
            stdout: (try? String(contentsOf: directory.appendingPathComponent("stdout"), encoding: .utf8)) ?? "",
            stderr: (try? String(contentsOf: directory.appendingPathComponent("stderr"), encoding: .utf8)) ?? "")
    }

    /// Starts a process whose standard output and error go to `stdout` and `stderr` in `directory`.
    static func start(_ executable: String, _ arguments: [String], in directory: URL) throws -> Process {
        let out = directory.appendingPathComponent("stdout")
        let err = directory.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        try process.run()
        return process
    }
}

/// An aiosmtpd server started from `Peers/aiosmtpd_peer.py`, with what it received.
final class AiosmtpdPeer: @unchecked Sendable {
    /// One message as the server saw it (the script's JSON record).
    struct Received: Decodable {
        var mailFrom: String
        var rcptTos: [String]
        var subject: String
        var from: String
        var to: String
        var cc: String
        var messageId: String
        var date: String
        var contentType: String
        var transferEncoding: String
        var body: String
        var tls: Bool
        var authenticated: Bool
        var login: String?
        var clientName: String?
    }

    let port: Int
    let directory: URL
    private let process: Process

    /// The test CA that signed the server's certificate (with `--tls`).
    var caFile: String { directory.appendingPathComponent("tls/ca.pem").path }

    private init(port: Int, directory: URL, process: Process) {
        self.port = port
        self.directory = directory
        self.process = process
    }

    /// Starts the server with the script's options and waits for its port.
    static func start(_ arguments: [String] = []) async throws -> AiosmtpdPeer {
        let python = try await MailTestPeers.requireAiosmtpd()
        let directory = try MailTestPeers.temporaryDirectory()
        let script = MailTestPeers.peersDirectory.appendingPathComponent("aiosmtpd_peer.py").path
        let process = try MailTestPeers.start(
            python,
            [
                script, "--out", directory.appendingPathComponent("mail").path, "--tls-dir",
                directory.appendingPathComponent("tls").path, "--lifetime", "120",
            ] + arguments, in: directory)
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            let text = (try? String(contentsOf: directory.appendingPathComponent("stdout"), encoding: .utf8)) ?? ""
            if text.hasSuffix("\n"), let port = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
                return AiosmtpdPeer(port: port, directory: directory, process: process)
            }
            if !process.isRunning { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        if process.isRunning { process.terminate() }
        let stderr = (try? String(contentsOf: directory.appendingPathComponent("stderr"), encoding: .utf8)) ?? ""
        let message =
            "aiosmtpd peer did not start (pip install aiosmtpd; openssl needed for TLS): \(stderr.suffix(500))"
        Issue.record(Comment(rawValue: message))
        throw MailTestPeers.PeerMissing(description: message)
    }

    /// The messages received so far, in order.
    func received() throws -> [Received] {
        let mail = directory.appendingPathComponent("mail")
        var records: [Received] = []
        var index = 1
        while case let file = mail.appendingPathComponent("\(index).json"),
            FileManager.default.fileExists(atPath: file.path)
        {
            let decoder = JSONDecoder()
            decoder.keyDecodingStrategy = .convertFromSnakeCase
            records.append(try decoder.decode(Received.self, from: Data(contentsOf: file)))
            index += 1
        }
        return records
    }

    /// The raw data of the `index`th message (from 1).
    func rawMessage(_ index: Int) throws -> String {
        try String(contentsOf: directory.appendingPathComponent("mail/\(index).eml"), encoding: .utf8)
    }

    /// Stops the server (SIGTERM, waiting up to 5 s) and removes its files.
    func stop() {
        if process.isRunning { process.terminate() }
        for _ in 0..<250 where process.isRunning { usleep(20_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        try? FileManager.default.removeItem(at: directory)
    }
}
