import OneCallCore

/// What a contact flow says: plain text, or SSML (`<speak>…</speak>`) that a provider may reduce to
/// its text.
public enum Prompt: Sendable, Hashable {
    case text(String)
    case ssml(String)
}

/// One outbound call to place: who, from which number, and what the flow may read.
public struct DialRequest: Sendable, Hashable {
    /// The call's id (one per call request) and which attempt this is (1, 2, …).
    public var callID: String
    public var attempt: Int
    /// The number or address to call: E.164 (`+15551234567`) or a SIP URI (`sip:op@host`).
    public var destination: String
    /// The caller id to present, E.164, if configured.
    public var callerID: String?
    /// Who is being called (for transcripts and logs).
    public var operatorName: String?
    /// How long to let it ring before giving up (CANCEL on SIP), in seconds.
    public var ringTimeout: Double

    public init(
        callID: String, attempt: Int, destination: String, callerID: String? = nil, operatorName: String? = nil,
        ringTimeout: Double
    ) {
        self.callID = callID
        self.attempt = attempt
        self.destination = destination
        self.callerID = callerID
        self.operatorName = operatorName
        self.ringTimeout = ringTimeout
    }
}

/// How a dial attempt ended before any flow ran.
public enum DialFailure: Sendable, Hashable {
    /// Rang until the ring timeout (or the callee's 408/480).
    case noAnswer
    /// 486/600.
    case busy
    /// Any other final refusal (4xx/5xx/6xx), with the status and reason.
    case rejected(status: Int, reason: String)
    /// The provider could not place the call at all (no route, transport error, auth failure).
    case failed(String)
}

/// A connected call that a contact flow drives.
public protocol VoiceChannel: Sendable {
    /// Speaks the prompt and returns when it has been played out.
    func play(_ prompt: Prompt) async throws
    /// Waits for keypresses after an optional prompt: returns the digits once `maxDigits` are in,
    /// or `#` ends the input, or `timeout` seconds pass after the last key (or the prompt's end)
    /// with none. Returns `nil` when nothing was pressed; throws ``VoiceChannelError/hungUp`` when
    /// the far end hung up.
    func collectDigits(prompt: Prompt?, maxDigits: Int, timeout: Double) async throws -> String?
    /// Ends the call (BYE on SIP). Idempotent.
    func hangUp() async
}

public enum VoiceChannelError: Error, Sendable, Hashable {
    /// The far end hung up.
    case hungUp
    /// The media or signalling failed.
    case failed(String)
}

/// Places calls: SIP to a trunk or PBX, or the local provider that writes transcripts.
public protocol VoiceProvider: Sendable {
    /// The provider's name (`sip`, `local`), for records and metrics.
    var name: String { get }
    /// Places the call: a channel once answered, or why not.
    func dial(_ request: DialRequest) async -> Result<any VoiceChannel, DialFailureError>
}

/// ``DialFailure`` as an error.
public struct DialFailureError: Error, Sendable, Hashable, CustomStringConvertible {
    public var failure: DialFailure

    public init(_ failure: DialFailure) { self.failure = failure }

    public var description: String {
        switch failure {
        case .noAnswer: return "no answer"
        case .busy: return "busy"
        case .rejected(let status, let reason): return "rejected: \(status) \(reason)"
        case .failed(let message): return "failed: \(message)"
        }
    }
}
