/// How ``SIPUserAgent/dial(_:ringTimeout:callerID:)`` ended.
public enum SIPDialOutcome: Sendable {
    /// Answered: the call, with its media running.
    case answered(SIPCall)
    /// 486 Busy Here or 600 Busy Everywhere.
    case busy(status: Int, reason: String)
    /// Nobody answered: the ring timeout (CANCEL, 487), or 408, 480 or 487 from the far end.
    case noAnswer(status: Int?)
    /// Any other final refusal, 603 Decline included.
    case rejected(status: Int, reason: String)
    /// The call could not be placed: no response, transport failure, authentication failure,
    /// unusable answer, the agent not running, or the dial cancelled.
    case failed(SIPError)
}
