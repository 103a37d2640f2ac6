import Foundation

/// Why a request to an OpenAI-compatible endpoint failed.
///
/// `description` is safe to log: it holds the code, the HTTP status and the server's own error
/// message (shortened, control characters removed, the API key redacted). Response excerpts, which
/// may echo prompt text, are kept for `debugDescription`.
public struct OpenAIError: Error, Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    /// What kind of failure it is.
    public enum Code: Sendable, Hashable, CustomStringConvertible {
        /// No complete answer arrived within the configured timeout.
        case timeout
        /// The server answered with this HTTP status (400 or above).
        case http(Int)
        /// The answer was not the JSON shape the API documents.
        case invalidResponse
        /// The answer was larger than the configured maximum.
        case tooLarge
        /// The server could not be reached, or the connection broke.
        case network
        /// The request could not be made: bad configuration or arguments.
        case invalidRequest
        /// The calling task was cancelled.
        case cancelled

        /// A short, stable name (`timeout`, `http`, `invalid_response`, …) for logs and metrics.
        public var name: String {
            switch self {
            case .timeout: "timeout"
            case .http: "http"
            case .invalidResponse: "invalid_response"
            case .tooLarge: "too_large"
            case .network: "network"
            case .invalidRequest: "invalid_request"
            case .cancelled: "cancelled"
            }
        }

        public var description: String {
            if case .http(let status) = self { return "http(\(status))" }
            return name
        }
    }

    /// The longest server message kept, in characters.
    static let maximumMessageLength = 300

    public var code: Code
    /// A safe, short explanation: what we were doing, or the server's `error.message`.
    public var message: String
    /// Extra detail that may hold request or response text; for debugging only.
    public var detail: String?

    public init(_ code: Code, _ message: String, detail: String? = nil) {
        self.code = code
        self.message = message
        self.detail = detail
    }

    /// The HTTP status, when the server answered with an error status.
    public var status: Int? {
        if case .http(let status) = self.code { return status }
        return nil
    }

    public var description: String {
        switch code {
        case .http(let status): "OpenAI endpoint answered HTTP \(status): \(message)"
        default: "OpenAI request failed (\(code.name)): \(message)"
        }
    }

    public var debugDescription: String {
        guard let detail else { return description }
        return description + " — " + detail
    }

    /// `text` made safe for a log line: control characters replaced, `secret` redacted, cut to
    /// `maximumMessageLength` characters.
    static func sanitized(_ text: String, redacting secret: String?) -> String {
        var text = text
        if let secret, !secret.isEmpty { text = text.replacingOccurrences(of: secret, with: "[redacted]") }
        var result = ""
        for character in text {
            if result.count >= maximumMessageLength {
                result += "…"
                break
            }
            result.append(
                character.isNewline || character.asciiValue.map { $0 < 0x20 || $0 == 0x7F } == true
                    ? " " : character)
        }
        return result
    }
}
