/// An answered call: plays audio, hands out the keys pressed, and hangs up.
///
/// Keys arrive as RFC 4733 telephone events on the media or as SIP INFO; they are queued in order
/// from the moment the call is answered until they are taken with ``nextKeypress(timeout:)``.
public final class SIPCall: Sendable {
    /// The SIP Call-ID (not customer data: safe to log).
    public let callID: String
    /// The media both sides agreed on.
    public let media: NegotiatedAudio
    private let agent: SIPUserAgent
    private let session: RTPSession

    init(callID: String, media: NegotiatedAudio, agent: SIPUserAgent, session: RTPSession) {
        self.callID = callID
        self.media = media
        self.agent = agent
        self.session = session
    }

    /// How a ``play(_:interruptible:)`` ended.
    public enum PlaybackResult: Sendable, Hashable {
        /// Every sample was sent.
        case completed
        /// A key was pressed (it stays queued for ``nextKeypress(timeout:)``).
        case interrupted
    }

    /// Whether the call has ended, by either side.
    public var isEnded: Bool { session.keypresses.isEnded }

    /// Whether the far end hung up.
    public var isEndedRemotely: Bool { session.keypresses.isEndedRemotely }

    /// Plays 8 kHz 16-bit linear samples, paced in real time at one 20 ms packet at a time, and
    /// returns once they have been sent; with `interruptible`, a key pressed before or during the
    /// audio stops it. Throws ``SIPError/Code/callEnded`` when the call ends first.
    @discardableResult
    public func play(_ samples: [Int16], interruptible: Bool = false) async throws(SIPError) -> PlaybackResult {
        guard !isEnded else { throw SIPError(.callEnded, "the call has ended") }
        switch await session.play(samples, interruptible: interruptible) {
        case .completed: return .completed
        case .interrupted: return .interrupted
        case .stopped:
            if Task.isCancelled, !isEnded { throw SIPError(.cancelled, "playback was cancelled") }
            throw SIPError(.callEnded, "the call has ended")
        }
    }

    /// The next key pressed: one already queued at once, else the first pressed within `timeout`;
    /// `nil` when none is. Throws ``SIPError/Code/callEnded`` when the call ended and no key is queued.
    public func nextKeypress(timeout: Duration) async throws(SIPError) -> Character? {
        switch await session.keypresses.next(timeout: timeout) {
        case .key(let key): return key
        case .timedOut: return nil
        case .ended: throw SIPError(.callEnded, "the call has ended")
        }
    }

    /// Whether a key is queued.
    public var hasQueuedKeypress: Bool { session.keypresses.hasKeys }

    /// Drops the queued keys.
    public func discardKeypresses() { session.keypresses.clear() }

    /// Ends the call with BYE (answering a challenge if the proxy sends one) and returns when the
    /// far end answered it or Timer F expired. Idempotent; returns at once when the call is over.
    public func hangUp() async {
        await agent.hangUp(callID: callID)
    }
}
