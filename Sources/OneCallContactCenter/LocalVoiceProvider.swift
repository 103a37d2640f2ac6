import Foundation
import Synchronization

/// A voice provider (`local`) that places no real calls: it follows a ``LocalVoiceScript`` and writes what would
/// have been said and pressed to a transcript, for the demo and for tests. Nothing waits: a timeout is reported
/// at once.
///
/// Each call's transcript is kept in memory (``transcript(callID:attempt:)``) and, when a directory is given,
/// written to `DIRECTORY/CALLID-ATTEMPT.txt` when the call ends.
public final class LocalVoiceProvider: VoiceProvider {
    /// One dial: the request, how it went, and the transcript lines.
    public struct Call: Sendable, Hashable {
        /// The request.
        public var request: DialRequest
        /// Nil when answered; why not otherwise.
        public var failure: DialFailure?
        /// `dial: …`, `spoke: …`, `pressed: …`, `timeout`, `hung up: …`.
        public var lines: [String]
        /// Whether the call has ended.
        public var ended: Bool
    }

    /// The most calls kept in memory; older ones are dropped.
    public static let maximumCalls = 10_000
    /// The most transcript lines kept per call.
    public static let maximumLines = 1000

    private struct State {
        var script: LocalVoiceScript
        var dialCounts: [String: Int] = [:]
        var calls: [Call] = []
        var dropped = 0

        func index(of slot: Int) -> Int? {
            let index = slot - dropped
            return calls.indices.contains(index) ? index : nil
        }
    }

    /// `local`.
    public let name = "local"
    private let directory: URL?
    private let state: Mutex<State>

    /// A provider following `script`, writing transcripts under `transcriptDirectory` when given.
    public init(script: LocalVoiceScript = LocalVoiceScript(), transcriptDirectory: URL? = nil) {
        self.directory = transcriptDirectory
        self.state = Mutex(State(script: script))
    }

    /// Replaces the script (dial counts are kept).
    public func setScript(_ script: LocalVoiceScript) {
        state.withLock { $0.script = script }
    }

    /// Every call so far, oldest first.
    public var calls: [Call] { state.withLock { $0.calls } }

    /// The transcript lines of one call, or nil when unknown.
    public func transcript(callID: String, attempt: Int) -> [String]? {
        state.withLock { state in
            state.calls.last { $0.request.callID == callID && $0.request.attempt == attempt }?.lines
        }
    }

    /// Follows the script for `request.destination`: an answered channel, or the scripted failure.
    public func dial(_ request: DialRequest) async -> Result<any VoiceChannel, DialFailureError> {
        let (behavior, slot) = state.withLock { state -> (LocalVoiceScript.Behavior, Int) in
            let count = state.dialCounts[request.destination, default: 0]
            state.dialCounts[request.destination] = count + 1
            let behavior = state.script.behavior(for: request.destination, dialCount: count)
            if state.calls.count >= Self.maximumCalls {
                state.calls.removeFirst()
                state.dropped += 1
            }
            let who = request.operatorName.map { " (\($0))" } ?? ""
            state.calls.append(
                Call(request: request, failure: nil, lines: ["dial: \(request.destination)\(who)"], ended: false))
            return (behavior, state.dropped + state.calls.count - 1)
        }
        let failure: DialFailure
        switch behavior {
        case .answer(let keys, let hangUpAfter):
            append(slot, "answered")
            return .success(LocalVoiceChannel(provider: self, slot: slot, keys: keys, hangUpAfterPrompts: hangUpAfter))
        case .noAnswer: failure = .noAnswer
        case .busy: failure = .busy
        case .reject(let status, let reason): failure = .rejected(status: status, reason: reason)
        case .fail(let message): failure = .failed(message)
        }
        let error = DialFailureError(failure)
        state.withLock { state in
            guard let index = state.index(of: slot) else { return }
            state.calls[index].failure = failure
        }
        append(slot, "not connected: \(error.description)")
        end(slot)
        return .failure(error)
    }

    /// Appends a line to call `slot`'s transcript.
    func append(_ slot: Int, _ line: String) {
        state.withLock { state in
            guard let index = state.index(of: slot), state.calls[index].lines.count < Self.maximumLines else { return }
            state.calls[index].lines.append(line)
        }
    }

    /// Marks call `slot` ended and writes its transcript file, once.
    func end(_ slot: Int) {
        let call: Call? = state.withLock { state in
            guard let index = state.index(of: slot), !state.calls[index].ended else { return nil }
            state.calls[index].ended = true
            return state.calls[index]
        }
        guard let call, let directory else { return }
        let file = directory.appendingPathComponent(
            "\(Self.safeFileName(call.request.callID))-\(call.request.attempt).txt")
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try? Data((call.lines.joined(separator: "\n") + "\n").utf8).write(to: file, options: .atomic)
    }

    /// The call id with anything but letters, digits, `-`, `_` and `.` replaced, and no leading dot.
    static func safeFileName(_ text: String) -> String {
        var name = String(
            text.prefix(128).map { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) ? $0 : "_" })
        while name.hasPrefix(".") { name = "_" + name.dropFirst() }
        return name.isEmpty ? "call" : name
    }
}
