/// The audio codecs this agent speaks: G.711 µ-law (PCMU) and A-law (PCMA), 8 kHz, one octet a sample.
public enum G711Codec: String, Sendable, Hashable, CaseIterable {
    /// µ-law, static RTP payload type 0.
    case pcmu = "PCMU"
    /// A-law, static RTP payload type 8.
    case pcma = "PCMA"

    /// The static RTP payload type (RFC 3551 §6).
    public var payloadType: UInt8 { self == .pcmu ? 0 : 8 }

    /// The codec an encoding name stands for (`PCMU`, `pcma`), or `nil`.
    public init?(encodingName: String) {
        switch encodingName.uppercased() {
        case "PCMU": self = .pcmu
        case "PCMA": self = .pcma
        default: return nil
        }
    }

    /// The octet that encodes silence.
    public var silence: UInt8 { self == .pcmu ? 0xFF : 0xD5 }

    /// Encodes linear samples, one octet each.
    public func encode(_ samples: some Collection<Int16>) -> [UInt8] {
        switch self {
        case .pcmu: return samples.map(G711.muLaw(fromLinear:))
        case .pcma: return samples.map(G711.aLaw(fromLinear:))
        }
    }

    /// Decodes octets to linear samples.
    public func decode(_ octets: some Collection<UInt8>) -> [Int16] {
        switch self {
        case .pcmu: return octets.map(G711.linear(fromMuLaw:))
        case .pcma: return octets.map(G711.linear(fromALaw:))
        }
    }
}
