/// Why a SIP operation failed. ``description`` is safe to log (no numbers, credentials or
/// message text); details that may hold customer data are in ``debugDescription``.
public struct SIPError: Error, Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The kinds of failure.
    public enum Code: String, Sendable, Hashable {
        /// A message, header, URI or body does not follow its grammar.
        case malformed
        /// Input exceeded a configured bound (message size, header count, line length, body size).
        case tooLarge
        /// The configuration is incomplete or inconsistent.
        case invalidConfiguration
        /// A socket could not be bound, or a datagram could not be sent.
        case transportFailed
        /// The peer did not answer in time (Timer B or F expired).
        case timeout
        /// The peer challenged again after credentials were sent, or no credentials are configured.
        case authenticationFailed
        /// The peer asked for an authentication scheme, algorithm or qop this client does not support.
        case unsupportedAuthentication
        /// The session description is unusable: no audio stream, no address, or no common codec.
        case unusableSessionDescription
        /// The user agent is not running (not started yet, or shut down).
        case notRunning
        /// The peer refused the request with a final response.
        case refused
        /// The operation was cancelled.
        case cancelled
        /// The call has ended (either side hung up), so it can no longer play or collect keys.
        case callEnded
    }

    /// What went wrong.
    public var code: Code
    /// A fixed explanation, free of customer data.
    public var reason: String
    /// The status code of the final response, when the failure is one.
    public var status: Int?
    /// Details that may hold customer data (addresses, URIs, the lower-level error), for debugging only.
    public var detail: String?

    /// Creates an error.
    public init(_ code: Code, _ reason: String, status: Int? = nil, detail: String? = nil) {
        self.code = code
        self.reason = reason
        self.status = status
        self.detail = detail
    }

    public var description: String {
        "SIP \(code.rawValue): \(reason)" + (status.map { " (status \($0))" } ?? "")
    }

    public var debugDescription: String {
        description + (detail.map { "; \($0)" } ?? "")
    }
}
