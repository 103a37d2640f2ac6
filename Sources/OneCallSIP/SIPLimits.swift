/// Bounds on what the parsers accept; input over a bound is dropped with ``SIPError/Code/tooLarge``.
public struct SIPLimits: Sendable, Hashable {
    /// The largest SIP datagram, in octets (64 KiB: the UDP maximum).
    public var maximumMessageSize: Int
    /// The most header fields one message may have.
    public var maximumHeaderCount: Int
    /// The longest header line (after unfolding), in octets.
    public var maximumLineLength: Int
    /// The largest body, in octets.
    public var maximumBodySize: Int
    /// The most lines a session description may have.
    public var maximumSessionDescriptionLines: Int

    /// Creates limits; the defaults suit any real SIP peer.
    public init(
        maximumMessageSize: Int = 65_536, maximumHeaderCount: Int = 128, maximumLineLength: Int = 8_192,
        maximumBodySize: Int = 32_768, maximumSessionDescriptionLines: Int = 256
    ) {
        self.maximumMessageSize = maximumMessageSize
        self.maximumHeaderCount = maximumHeaderCount
        self.maximumLineLength = maximumLineLength
        self.maximumBodySize = maximumBodySize
        self.maximumSessionDescriptionLines = maximumSessionDescriptionLines
    }

    /// The default limits.
    public static let standard = SIPLimits()
}
