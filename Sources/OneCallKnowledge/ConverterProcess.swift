import Foundation

/// One run of an external converter (`unzip`, `pdftotext`): standard output and error go to files
/// in a private temporary directory (no pipe to fill up), the output is capped while the program
/// runs, and a program that outlives the time limit is terminated, then killed.
struct ConverterProcess {
    /// What a finished run produced.
    struct Result {
        var status: Int32
        var output: [UInt8]
        /// The start of standard error, for `KnowledgeError.detail`.
        var errorText: String
    }

    var executable: String
    var arguments: [String]
    var timeout: Double
    var maximumOutputBytes: Int
    /// The program's name in messages (`unzip`).
    var toolName: String

    func run(in directory: URL) throws(KnowledgeError) -> Result {
        let outputURL = directory.appendingPathComponent("stdout")
        let errorURL = directory.appendingPathComponent("stderr")
        let output: FileHandle
        let errors: FileHandle
        do {
            guard FileManager.default.createFile(atPath: outputURL.path, contents: nil),
                FileManager.default.createFile(atPath: errorURL.path, contents: nil)
            else { throw CocoaError(.fileWriteUnknown) }
            output = try FileHandle(forWritingTo: outputURL)
            errors = try FileHandle(forWritingTo: errorURL)
        } catch {
            throw KnowledgeError(
                code: .converterFailed, message: "could not create the \(toolName) output files",
                detail: "\(error)")
        }
        defer {
            try? output.close()
            try? errors.close()
        }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = output
        process.standardError = errors
        let finished = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in finished.signal() }
        do {
            try process.run()
        } catch {
            throw KnowledgeError(code: .converterFailed, message: "could not start \(toolName)", detail: "\(error)")
        }

        let started = DispatchTime.now()
        var stopReason: KnowledgeError?
        while finished.wait(timeout: .now() + .milliseconds(20)) == .timedOut {
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e9
            if elapsed > timeout {
                stopReason = KnowledgeError(
                    code: .converterTimedOut,
                    message: "\(toolName) ran for more than \(Int(timeout.rounded(.up))) s and was stopped")
            } else if Self.fileSize(outputURL) > maximumOutputBytes {
                stopReason = KnowledgeError(
                    code: .tooLarge,
                    message: "\(toolName) produced more than \(maximumOutputBytes) bytes and was stopped")
            }
            if stopReason != nil {
                stop(process, finished: finished)
                break
            }
        }
        if let stopReason { throw stopReason }

        let errorText = String(decoding: Self.read(errorURL, upTo: 2_048), as: UTF8.self)
        let bytes = Self.read(outputURL, upTo: maximumOutputBytes + 1)
        guard bytes.count <= maximumOutputBytes else {
            throw KnowledgeError(
                code: .tooLarge, message: "\(toolName) produced more than \(maximumOutputBytes) bytes")
        }
        return Result(status: process.terminationStatus, output: bytes, errorText: errorText)
    }

    /// Terminates the process, and kills it when it ignores that for a second.
    private func stop(_ process: Process, finished: DispatchSemaphore) {
        process.terminate()
        if finished.wait(timeout: .now() + .seconds(1)) == .timedOut {
            kill(process.processIdentifier, SIGKILL)
            _ = finished.wait(timeout: .now() + .seconds(5))
        }
    }

    private static func fileSize(_ url: URL) -> Int {
        let attributes = try? FileManager.default.attributesOfItem(atPath: url.path)
        return (attributes?[.size] as? NSNumber)?.intValue ?? 0
    }

    private static func read(_ url: URL, upTo count: Int) -> [UInt8] {
        guard let handle = try? FileHandle(forReadingFrom: url) else { return [] }
        defer { try? handle.close() }
        let data = (try? handle.read(upToCount: count)) ?? nil
        return data.map { [UInt8]($0) } ?? []
    }

    /// The absolute path of `name`: the configured path when given, else the first executable found
    /// on `PATH` or in the usual system directories.
    static func locate(_ name: String, configured: String?) -> String? {
        if let configured {
            return FileManager.default.isExecutableFile(atPath: configured) ? configured : nil
        }
        var directories = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map(String.init)
        directories += ["/usr/bin", "/bin", "/usr/local/bin", "/opt/homebrew/bin"]
        for directory in directories where !directory.isEmpty {
            let path = directory.hasSuffix("/") ? directory + name : directory + "/" + name
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }
}
