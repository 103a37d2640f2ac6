import Foundation
import OneCallCore
import Testing

/// A real SMTP server (Python's aiosmtpd, `pip install aiosmtpd`) that saves each message it
/// accepts as JSON (envelope, headers, body) in a directory.
final class AiosmtpdPeer: @unchecked Sendable {
    static let script = TestEnvironment.root.appendingPathComponent("Tests/OneCallMailTests/Peers/aiosmtpd_peer.py")
        .path

    let process: ChildProcess
    let port: Int
    let directory: URL

    private init(process: ChildProcess, port: Int, directory: URL) {
        self.process = process
        self.port = port
        self.directory = directory
    }

    /// Starts the peer; fails saying what to install when Python or aiosmtpd is missing.
    static func start(lifetime: Int = 600) async throws -> AiosmtpdPeer {
        let python = try TestEnvironment.requirePeer("python3", install: "apt-get install -y python3")
        let directory = try TestEnvironment.temporaryDirectory()
        let out = directory.appendingPathComponent("stdout").path
        let err = directory.appendingPathComponent("stderr").path
        let process = try ChildProcess(
            python, [script, "--out", directory.path, "--lifetime", "\(lifetime)"], stdout: out, stderr: err)
        for _ in 0..<300 {
            if let text = try? String(contentsOfFile: out, encoding: .utf8),
                let port = text.split(separator: "\n").first.flatMap({ Int($0) })
            {
                return AiosmtpdPeer(process: process, port: port, directory: directory)
            }
            if let status = process.poll() {
                let reason = (try? String(contentsOfFile: err, encoding: .utf8)) ?? ""
                if status == 3 { Issue.record("aiosmtpd is missing: pip install aiosmtpd (scripts/test does)") }
                throw TestEnvironment.PeerMissing(command: "aiosmtpd (exit \(status): \(reason))")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        process.stop()
        throw TestEnvironment.PeerMissing(command: "aiosmtpd (no port printed)")
    }

    /// The messages accepted so far, in order of arrival.
    func messages() -> [JSONValue] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".json") }.compactMap { Int($0.dropLast(5)) }.sorted().compactMap {
            guard let data = FileManager.default.contents(atPath: directory.appendingPathComponent("\($0).json").path)
            else { return nil }
            return try? JSONValue(parsing: Array(data))
        }
    }

    func stop() { process.stop() }
}
