import Foundation
import Synchronization

/// Speaks with espeak-ng: runs `espeak-ng --stdout -- <text>`, reads its
/// WAVE output (bounded), and resamples it to 8 kHz. Prompts are cached by text (bounded), since
/// a contact flow says the same sentences again and again.
public final class EspeakSynthesizer: SpeechSynthesizer {
    /// How espeak-ng is run and what is kept.
    public struct Options: Sendable, Hashable {
        /// The program: a path, or a name looked up in `PATH`.
        public var executable: String
        /// The voice (`-v`), such as `en-us`.
        public var voice: String
        /// The speed in words per minute (`-s`).
        public var wordsPerMinute: Int
        /// The longest text accepted, in characters.
        public var maximumTextLength: Int
        /// The most output accepted from the program, in octets (22.05 kHz speech is 44 kB a second).
        public var maximumOutputBytes: Int
        /// How long one synthesis may take.
        public var timeout: Duration
        /// The most prompts cached.
        public var cacheEntries: Int
        /// The most samples cached in all (8 kHz: 480,000 are one minute).
        public var cacheSamples: Int

        /// Creates options.
        public init(
            executable: String = "espeak-ng", voice: String = "en-us", wordsPerMinute: Int = 160,
            maximumTextLength: Int = 4_000, maximumOutputBytes: Int = 16 << 20, timeout: Duration = .seconds(30),
            cacheEntries: Int = 64, cacheSamples: Int = 4_800_000
        ) {
            self.executable = executable
            self.voice = voice
            self.wordsPerMinute = wordsPerMinute
            self.maximumTextLength = maximumTextLength
            self.maximumOutputBytes = maximumOutputBytes
            self.timeout = timeout
            self.cacheEntries = cacheEntries
            self.cacheSamples = cacheSamples
        }
    }

    private struct Cache {
        var entries: [String: [Int16]] = [:]
        var order: [String] = []
        var samples = 0
    }

    /// The sample rate of the output.
    public static let outputSampleRate = 8_000

    /// The options in use.
    public let options: Options
    private let cache = Mutex(Cache())

    /// Creates a synthesizer; nothing runs until ``synthesize(_:)``.
    public init(options: Options = Options()) {
        self.options = options
    }

    /// How many prompts are cached now.
    public var cachedPromptCount: Int { cache.withLock { $0.entries.count } }

    /// The program's path, or `nil` when it is not installed.
    public var executablePath: String? {
        if options.executable.contains("/") {
            return FileManager.default.isExecutableFile(atPath: options.executable) ? options.executable : nil
        }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(options.executable)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Speaks plain text into 8 kHz samples. Throws ``SpeechError``: ``SpeechError/Code/synthesizerMissing``
    /// (with the install command) when espeak-ng is not installed.
    public func synthesize(_ text: String) async throws -> [Int16] {
        // Control characters become spaces (an argument cannot hold NUL), then white space collapses.
        let printable = String(
            String.UnicodeScalarView(text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? " " : $0 }))
        let spoken = printable.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        guard spoken.count <= options.maximumTextLength else {
            throw SpeechError(.tooLarge, "text longer than \(options.maximumTextLength) characters")
        }
        if spoken.isEmpty { return [] }
        let key = "\(options.voice)|\(options.wordsPerMinute)|\(spoken)"
        if let cached = cache.withLock({ $0.entries[key] }) { return cached }
        guard let path = executablePath else {
            throw SpeechError(
                .synthesizerMissing, "espeak-ng is not installed: apt-get install espeak-ng",
                detail: options.executable)
        }
        let output = try await Self.run(
            path: path,
            arguments: ["--stdout", "-v", options.voice, "-s", String(options.wordsPerMinute), "--", spoken],
            maximumOutputBytes: options.maximumOutputBytes,
            timeout: options.timeout)
        let audio = try WAVAudio(parsing: output, maximumBytes: options.maximumOutputBytes)
        let samples = AudioResampler.resample(audio.samples, from: audio.sampleRate, to: Self.outputSampleRate)
        store(samples, for: key)
        return samples
    }

    private func store(_ samples: [Int16], for key: String) {
        guard samples.count <= options.cacheSamples, options.cacheEntries > 0 else { return }
        cache.withLock { cache in
            if cache.entries[key] != nil { return }
            while !cache.order.isEmpty,
                cache.order.count >= options.cacheEntries || cache.samples + samples.count > options.cacheSamples
            {
                let oldest = cache.order.removeFirst()
                cache.samples -= cache.entries.removeValue(forKey: oldest)?.count ?? 0
            }
            cache.entries[key] = samples
            cache.order.append(key)
            cache.samples += samples.count
        }
    }

    /// Runs the program off the cooperative pool: reads standard output up to the bound, and kills
    /// it on timeout or when the bound is passed.
    private static func run(
        path: String, arguments: [String], maximumOutputBytes: Int, timeout: Duration
    ) async throws(SpeechError) -> [UInt8] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let stdout = Pipe()
        let stderr = Pipe()
        // The text goes as an argument after `--`: no input pipe, so no SIGPIPE if the program exits early.
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = stdout
        process.standardError = stderr
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        do {
            try process.run()
        } catch {
            throw SpeechError(.synthesisFailed, "cannot start espeak-ng", detail: "\(error)")
        }
        let finished = Mutex(false)
        let (seconds, attoseconds) = timeout.components
        DispatchQueue.global().asyncAfter(
            deadline: .now() + .nanoseconds(Int(seconds * 1_000_000_000 + attoseconds / 1_000_000_000))
        ) {
            if !finished.withLock({ $0 }), process.isRunning { process.terminate() }
        }
        let errorOutput = Mutex<[UInt8]>([])
        let errorDone = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            // Keep at most 4 KiB of diagnostics; read to the end so the program never blocks on it.
            while let chunk = try? stderr.fileHandleForReading.read(upToCount: 4_096), !chunk.isEmpty {
                errorOutput.withLock { if $0.count < 4_096 { $0 += chunk.prefix(4_096 - $0.count) } }
            }
            errorDone.signal()
        }
        let result: Result<[UInt8], SpeechError> = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                var output: [UInt8] = []
                var overflow = false
                while let chunk = try? stdout.fileHandleForReading.read(upToCount: 65_536), !chunk.isEmpty {
                    if output.count + chunk.count > maximumOutputBytes {
                        overflow = true
                        process.terminate()
                        break
                    }
                    output += chunk
                }
                exited.wait()
                finished.withLock { $0 = true }
                errorDone.wait()
                if overflow {
                    continuation.resume(
                        returning: .failure(SpeechError(.tooLarge, "espeak-ng output exceeds the bound")))
                } else if process.terminationReason != .exit || process.terminationStatus != 0 {
                    let message = String(decoding: errorOutput.withLock { $0 }, as: UTF8.self)
                    continuation.resume(
                        returning: .failure(
                            SpeechError(
                                .synthesisFailed, "espeak-ng failed or timed out",
                                detail: "status \(process.terminationStatus): \(message)")))
                } else {
                    continuation.resume(returning: .success(output))
                }
            }
        }
        return try result.get()
    }
}
