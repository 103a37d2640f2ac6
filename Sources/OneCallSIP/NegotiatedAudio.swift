/// The audio stream both sides agreed on (RFC 3264 §6): where to send, which codec and payload type,
/// and which payload type carries telephone events.
public struct NegotiatedAudio: Sendable, Hashable {
    /// The far end's RTP address (the `c=` of its audio section or session).
    public var remoteAddress: String
    /// The far end's RTP port.
    public var remotePort: Int
    /// The codec chosen: the first G.711 format in the answer.
    public var codec: G711Codec
    /// The RTP payload type the answer gave the codec.
    public var payloadType: UInt8
    /// The payload type of `telephone-event/8000` in the answer, or `nil` when it has none.
    public var telephoneEventPayloadType: UInt8?
    /// The answer's direction (`sendrecv`, `recvonly`, …).
    public var direction: String

    /// Creates a negotiated stream.
    public init(
        remoteAddress: String, remotePort: Int, codec: G711Codec, payloadType: UInt8,
        telephoneEventPayloadType: UInt8?, direction: String = "sendrecv"
    ) {
        self.remoteAddress = remoteAddress
        self.remotePort = remotePort
        self.codec = codec
        self.payloadType = payloadType
        self.telephoneEventPayloadType = telephoneEventPayloadType
        self.direction = direction
    }

    /// Reads the answer to an offer made by
    /// ``SessionDescription/audioOffer(address:port:sessionID:codecs:telephoneEventPayloadType:)``.
    /// Throws ``SIPError/Code/unusableSessionDescription`` when it has no accepted audio stream, no
    /// address, or no G.711 format.
    public init(answer: SessionDescription) throws(SIPError) {
        guard let audio = answer.media.first(where: { $0.type == "audio" && $0.port != 0 }) else {
            throw SIPError(.unusableSessionDescription, "the answer accepts no audio stream")
        }
        guard let address = audio.connectionAddress ?? answer.connectionAddress, !address.isEmpty else {
            throw SIPError(.unusableSessionDescription, "the answer has no connection address")
        }
        var chosen: (G711Codec, UInt8)?
        var telephoneEvent: UInt8?
        for payloadType in audio.payloadTypes where payloadType < 128 {
            let map = audio.rtpMap(payloadType)
            if let map, map.encoding.lowercased() == "telephone-event", map.clockRate == 8000 {
                if telephoneEvent == nil { telephoneEvent = UInt8(payloadType) }
                continue
            }
            let codec: G711Codec?
            if let map {
                codec = map.clockRate == 8000 ? G711Codec(encodingName: map.encoding) : nil
            } else {
                codec = payloadType == 0 ? .pcmu : payloadType == 8 ? .pcma : nil
            }
            if chosen == nil, let codec { chosen = (codec, UInt8(payloadType)) }
        }
        guard let chosen else { throw SIPError(.unusableSessionDescription, "the answer has no G.711 format") }
        self.init(
            remoteAddress: address, remotePort: audio.port, codec: chosen.0, payloadType: chosen.1,
            telephoneEventPayloadType: telephoneEvent, direction: audio.direction)
    }
}
