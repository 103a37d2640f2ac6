/// Why speech synthesis failed. ``description`` is safe to log (it never holds the text spoken).
public struct SpeechError: Error, Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The kinds of failure.
    public enum Code: String, Sendable, Hashable {
        /// The synthesizer program is not installed.
        case synthesizerMissing
        /// The synthesizer ran but failed (non-zero exit, killed, timed out).
        case synthesisFailed
        /// Its output was not valid audio (bad RIFF/WAVE header, unsupported format).
        case invalidAudio
        /// The text or the audio exceeded a bound.
        case tooLarge
    }

    /// What went wrong.
    public var code: Code
    /// A fixed explanation, free of customer data.
    public var reason: String
    /// Details for debugging (stderr of the synthesizer, …).
    public var detail: String?

    /// Creates an error.
    public init(_ code: Code, _ reason: String, detail: String? = nil) {
        self.code = code
        self.reason = reason
        self.detail = detail
    }

    public var description: String { "speech \(code.rawValue): \(reason)" }

    public var debugDescription: String { description + (detail.map { "; \($0)" } ?? "") }
}
