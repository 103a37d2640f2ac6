/// How calls are placed: the voice provider, where flows, hours, queues and rosters are defined,
/// and the SIP account.
public struct ContactCenterConfiguration: Sendable, Hashable {
    /// Whether call requests are placed at all (else they stay recorded as requested).
    public var enabled = true
    /// `local` (transcripts and scripted keypresses, for the demo) or `sip`.
    public var provider = "local"
    /// The folder of `flows/*.json`, `hours/*.json`, `queues.json` and `rosters.json`; by default
    /// `contact-center` in the data directory. Every piece is optional.
    public var directory: String?
    /// The most calls placed at once.
    public var maximumConcurrentCalls = 8
    /// How long a call may ring and talk before another process may take it over as abandoned.
    public var leaseSeconds = 600.0
    /// What the local provider does: `answer`, `busy` or `no_answer`.
    public var localAnswer = "answer"
    /// The keys the local provider presses on each answered call, one per prompt, in order (`none`:
    /// nothing).
    public var localKeys = "1"
    /// Where the local provider writes transcripts; by default `calls` in the data directory.
    public var localTranscripts: String?
    /// The SIP proxy or trunk every request goes to, `host:port`; without one, each call goes to
    /// its SIP URI's address (an IP literal), and E.164 numbers need a proxy.
    public var sipProxy: String?
    /// The SIP domain of the account (the host part of From and of E.164 destinations).
    public var sipDomain: String?
    public var sipUsername: String?
    /// A secret: never logged.
    public var sipPassword: String?
    /// The local address the user agent binds, `host:port` (port 0 = any).
    public var sipBind = "127.0.0.1:0"
    /// The address written in Via, Contact and SDP when the bound one is not reachable (`0.0.0.0`,
    /// a static NAT).
    public var sipAdvertisedHost: String?
    /// espeak-ng's voice for the prompts.
    public var voice = "en-us"
    /// The caller id presented when no queue names one, E.164.
    public var callerID: String?
    /// Registers with the proxy before calling, with this expiry in seconds (0 = no REGISTER).
    public var sipRegisterExpires = 0

    public init() {}

    /// The provider choices.
    public static let providers = ["local", "sip"]
    /// What the local provider may do when dialled.
    public static let localAnswers = ["answer", "busy", "no_answer"]
}
