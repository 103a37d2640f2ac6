/// An RTP packet (RFC 3550 §5.1): fixed header, contributing sources, and payload. Header
/// extensions and padding are skipped on decoding and never written.
public struct RTPPacket: Sendable, Hashable {
    /// The size of the fixed header.
    public static let headerSize = 12
    /// The largest packet accepted, in octets; larger datagrams are dropped.
    public static let maximumSize = 2_048

    /// The marker bit: set on the first packet of a talkspurt (and of a telephone event).
    public var marker: Bool
    /// The payload type, 0 through 127.
    public var payloadType: UInt8
    /// The sequence number, increasing by one per packet.
    public var sequenceNumber: UInt16
    /// The sampling instant of the first octet (8000 per second for G.711 and telephone events).
    public var timestamp: UInt32
    /// The synchronization source.
    public var ssrc: UInt32
    /// The contributing sources.
    public var csrcs: [UInt32]
    /// The payload.
    public var payload: [UInt8]

    /// Creates a packet.
    public init(
        marker: Bool = false, payloadType: UInt8, sequenceNumber: UInt16, timestamp: UInt32, ssrc: UInt32,
        csrcs: [UInt32] = [], payload: [UInt8]
    ) {
        self.marker = marker
        self.payloadType = payloadType
        self.sequenceNumber = sequenceNumber
        self.timestamp = timestamp
        self.ssrc = ssrc
        self.csrcs = csrcs
        self.payload = payload
    }

    /// The packet as sent.
    public func encoded() -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Self.headerSize + csrcs.count * 4 + payload.count)
        bytes.append(0x80 | UInt8(min(csrcs.count, 15)))
        bytes.append((marker ? 0x80 : 0) | (payloadType & 0x7F))
        Self.append(UInt32(sequenceNumber), octets: 2, to: &bytes)
        Self.append(timestamp, octets: 4, to: &bytes)
        Self.append(ssrc, octets: 4, to: &bytes)
        for csrc in csrcs.prefix(15) { Self.append(csrc, octets: 4, to: &bytes) }
        bytes += payload
        return bytes
    }

    /// Decodes a datagram. Throws ``SIPError/Code/malformed`` for a version other than 2, a header
    /// longer than the datagram or bad padding, and ``SIPError/Code/tooLarge`` past ``maximumSize``.
    public init(decoding datagram: some Collection<UInt8>) throws(SIPError) {
        guard datagram.count <= Self.maximumSize else { throw SIPError(.tooLarge, "RTP packet too large") }
        let bytes = Array(datagram)
        guard bytes.count >= Self.headerSize else { throw SIPError(.malformed, "RTP packet shorter than its header") }
        guard bytes[0] >> 6 == 2 else { throw SIPError(.malformed, "RTP version is not 2") }
        let hasPadding = bytes[0] & 0x20 != 0
        let hasExtension = bytes[0] & 0x10 != 0
        let csrcCount = Int(bytes[0] & 0x0F)
        marker = bytes[1] & 0x80 != 0
        payloadType = bytes[1] & 0x7F
        sequenceNumber = UInt16(Self.read(bytes, at: 2, octets: 2))
        timestamp = Self.read(bytes, at: 4, octets: 4)
        ssrc = Self.read(bytes, at: 8, octets: 4)
        var offset = Self.headerSize
        guard bytes.count >= offset + csrcCount * 4 else { throw SIPError(.malformed, "RTP CSRC list truncated") }
        csrcs = (0..<csrcCount).map { Self.read(bytes, at: Self.headerSize + $0 * 4, octets: 4) }
        offset += csrcCount * 4
        if hasExtension {
            guard bytes.count >= offset + 4 else { throw SIPError(.malformed, "RTP extension truncated") }
            let words = Int(Self.read(bytes, at: offset + 2, octets: 2))
            offset += 4 + words * 4
            guard bytes.count >= offset else { throw SIPError(.malformed, "RTP extension truncated") }
        }
        var end = bytes.count
        if hasPadding {
            let padding = Int(bytes[bytes.count - 1])
            guard padding > 0, end - padding >= offset else { throw SIPError(.malformed, "bad RTP padding") }
            end -= padding
        }
        payload = Array(bytes[offset..<end])
    }

    private static func append(_ value: UInt32, octets: Int, to bytes: inout [UInt8]) {
        for index in (0..<octets).reversed() { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * index))) }
    }

    private static func read(_ bytes: [UInt8], at offset: Int, octets: Int) -> UInt32 {
        var value: UInt32 = 0
        for index in 0..<octets { value = value << 8 | UInt32(bytes[offset + index]) }
        return value
    }
}
