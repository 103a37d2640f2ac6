import Foundation
import OneCallAgent
import OneCallCore
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `Peers/openai_server.py`, a local server that speaks the OpenAI API, started for one test with a
/// scenario (see the script's docstring). It records every request it receives.
final class OpenAIPeer: @unchecked Sendable {
    /// Why the peer could not start.
    struct StartFailure: Error, CustomStringConvertible {
        var description: String
    }

    let port: Int
    private let process: Process
    private let directory: URL
    private let recordFile: URL

    /// Starts the server with `scenario`; fails loudly (never skips) when python3 is missing.
    init(_ scenario: JSONValue, sourceFile: String = #filePath) throws {
        guard let python = Self.findExecutable("python3") else {
            throw StartFailure(
                description: "python3 is required for the OpenAI peer server (Tests/OneCallAgentTests/Peers/"
                    + "openai_server.py) but was not found on PATH; install python3")
        }
        let script = URL(fileURLWithPath: sourceFile).deletingLastPathComponent()
            .appendingPathComponent("Peers/openai_server.py")
        guard FileManager.default.fileExists(atPath: script.path) else {
            throw StartFailure(description: "the peer script is missing at \(script.path)")
        }
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("onecall-openai-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let scenarioFile = directory.appendingPathComponent("scenario.json")
        try Data(scenario.jsonBytes).write(to: scenarioFile)
        recordFile = directory.appendingPathComponent("requests.jsonl")
        let stderrFile = directory.appendingPathComponent("stderr.txt")
        _ = FileManager.default.createFile(atPath: stderrFile.path, contents: nil)

        process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [
            script.path, "--port", "0", "--scenario", scenarioFile.path, "--record", recordFile.path,
            "--lifetime", "60",
        ]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = try FileHandle(forWritingTo: stderrFile)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let line = Self.readLine(output.fileHandleForReading.fileDescriptor, timeout: 10)
        guard let line, let port = Int(line) else {
            Self.stop(process)
            let errors = (try? String(contentsOf: stderrFile, encoding: .utf8)) ?? ""
            throw StartFailure(description: "the OpenAI peer did not print its port; stderr: \(errors)")
        }
        self.port = port
    }

    deinit { stop() }

    /// The base address for an `OpenAIConfiguration`.
    var baseURL: String { "http://127.0.0.1:\(port)" }

    /// A client of this peer.
    func client(
        apiKey: String? = nil, timeout: Duration = .seconds(5), maximumResponseBytes: Int = 4 << 20,
        embeddingsModel: String? = "test-embed"
    ) throws -> OpenAIClient {
        try OpenAIClient(
            configuration: OpenAIConfiguration(
                baseURL: baseURL, model: "test-chat", embeddingsModel: embeddingsModel, apiKey: apiKey,
                timeout: timeout, maximumResponseBytes: maximumResponseBytes))
    }

    /// The requests received so far, oldest first: `method`, `path`, `authorization`,
    /// `content_type` and the parsed `body`.
    func requests() throws -> [JSONValue] {
        guard let data = FileManager.default.contents(atPath: recordFile.path) else { return [] }
        return try String(decoding: data, as: UTF8.self).split(separator: "\n").map {
            try JSONValue(parsing: String($0))
        }
    }

    /// Stops the server and removes its files.
    func stop() {
        Self.stop(process)
        try? FileManager.default.removeItem(at: directory)
    }

    /// SIGTERM, up to two seconds' grace, then SIGKILL; never waits without a bound.
    private static func stop(_ process: Process) {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = Date().addingTimeInterval(2)
        while process.isRunning, Date() < deadline { usleep(10_000) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            let killed = Date().addingTimeInterval(2)
            while process.isRunning, Date() < killed { usleep(10_000) }
        }
    }

    private static func findExecutable(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// One line from `descriptor`, waiting at most `timeout` seconds.
    private static func readLine(_ descriptor: Int32, timeout: Double) -> String? {
        let deadline = Date().addingTimeInterval(timeout)
        var bytes: [UInt8] = []
        while Date() < deadline {
            var entry = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            let ready = poll(&entry, 1, 100)
            if ready < 0 { return nil }
            if ready == 0 { continue }
            var byte: UInt8 = 0
            guard read(descriptor, &byte, 1) == 1 else { return nil }
            if byte == UInt8(ascii: "\n") { return String(decoding: bytes, as: UTF8.self) }
            bytes.append(byte)
        }
        return nil
    }
}

/// The peer itself: it must answer like the API, or the other tests prove nothing.
@Suite("The OpenAI peer server", .serialized, .timeLimit(.minutes(1))) struct OpenAIPeerTests {
    @Test func servesTheModelListAndRecordsRequests() async throws {
        let peer = try OpenAIPeer(["api_key": "sk-peer"])
        defer { peer.stop() }
        let models = try await peer.client(apiKey: "sk-peer").models()
        #expect(models == ["test-chat", "test-embed"])
        let requests = try peer.requests()
        #expect(requests.count == 1)
        #expect(requests.first?["path"] == "/v1/models")
        #expect(requests.first?["authorization"] == "Bearer sk-peer")
    }

    @Test func refusesAWrongKeyLikeTheAPI() async throws {
        let peer = try OpenAIPeer(["api_key": "sk-right"])
        defer { peer.stop() }
        let error = await #expect(throws: OpenAIError.self) { try await peer.client(apiKey: "sk-wrong").models() }
        #expect(error?.code == .http(401))
        #expect(error?.message == "Incorrect API key provided.")
        #expect(error?.description.contains("sk-wrong") == false)
    }
}
