import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A real SIP peer for the end-to-end tests: sipp (Debian's `sip-tester`) running one scenario
/// from `Peers/` as a UDP peer on 127.0.0.1, with its SIP and media ports chosen free.
final class SippPeer: Sendable {
    /// What the peer reported when it exited.
    struct Result: Sendable {
        /// sipp's exit status: 0 when every call of the scenario succeeded.
        var status: Int32
        /// Its error log (unexpected messages, failed actions).
        var errors: String
        /// Every message it sent and received.
        var messages: String

        /// A summary for a failed expectation.
        var report: String { "sipp exited \(status)\n--- errors ---\n\(errors)\n--- messages ---\n\(messages)" }
    }

    /// A peer program is not installed.
    struct Missing: Error, CustomStringConvertible {
        var description: String
    }

    /// The port sipp listens on for SIP.
    let sipPort: Int
    /// The port sipp uses for media.
    let mediaPort: Int
    private let process: Process
    private let directory: URL

    private init(process: Process, directory: URL, sipPort: Int, mediaPort: Int) {
        self.process = process
        self.directory = directory
        self.sipPort = sipPort
        self.mediaPort = mediaPort
    }

    /// The sipp program, or an error telling how to install it.
    static func executable() throws -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") + ["/usr/bin", "/usr/local/bin"] {
            let candidate = "\(directory)/sipp"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw Missing(description: "sipp is not installed: apt-get install sip-tester")
    }

    /// The espeak-ng program, or an error telling how to install it.
    static func requireEspeak() throws {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") + ["/usr/bin"] {
            if FileManager.default.isExecutableFile(atPath: "\(directory)/espeak-ng") { return }
        }
        throw Missing(description: "espeak-ng is not installed: apt-get install espeak-ng")
    }

    /// The folder of the scenario files.
    static let scenarios = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Peers")

    /// Starts sipp with a scenario for one call, and returns once it listens.
    static func start(scenario: String, timeoutSeconds: Int = 20) async throws -> SippPeer {
        let sipp = try executable()
        let sipPort = try freeUDPPort()
        var mediaPort = try freeUDPPort()
        mediaPort -= mediaPort % 2
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sipp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: sipp)
        process.currentDirectoryURL = directory
        process.arguments = [
            "-sf", scenarios.appendingPathComponent(scenario).path, "-i", "127.0.0.1", "-p", String(sipPort),
            "-mi", "127.0.0.1", "-mp", String(mediaPort), "-m", "1", "-timeout", "\(timeoutSeconds)s",
            "-timeout_error", "-nostdin", "-trace_err", "-error_file",
            directory.appendingPathComponent("errors.log").path,
            "-trace_msg", "-message_file", directory.appendingPathComponent("messages.log").path,
        ]
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let peer = SippPeer(process: process, directory: directory, sipPort: sipPort, mediaPort: mediaPort)
        // Wait until sipp holds its port (binding it ourselves then fails).
        for _ in 0..<200 {
            if !canBind(port: sipPort) { return peer }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(10))
        }
        let result = await peer.finish()
        throw Missing(description: "sipp did not start listening: \(result.report)")
    }

    /// Waits for sipp to exit (it does after its one call, or at its timeout) and reads its logs.
    func finish() async -> Result {
        // Polled: Foundation's waitUntilExit spins on Linux.
        while process.isRunning { try? await Task.sleep(for: .milliseconds(20)) }
        let errors = (try? String(contentsOf: directory.appendingPathComponent("errors.log"), encoding: .utf8)) ?? ""
        let messages =
            (try? String(contentsOf: directory.appendingPathComponent("messages.log"), encoding: .utf8)) ?? ""
        try? FileManager.default.removeItem(at: directory)
        return Result(status: process.terminationStatus, errors: errors, messages: messages)
    }

    /// Stops sipp if it still runs (after a failed test).
    func stop() {
        if process.isRunning { process.terminate() }
    }

    /// A UDP port on 127.0.0.1 that nobody holds now.
    static func freeUDPPort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard descriptor >= 0 else { throw Missing(description: "cannot open a socket") }
        defer { close(descriptor) }
        var address = loopback(port: 0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0 else { throw Missing(description: "cannot bind a socket") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    private static func canBind(port: Int) -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var address = loopback(port: port)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        return address
    }
}
