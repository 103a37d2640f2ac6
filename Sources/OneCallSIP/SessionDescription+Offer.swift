extension SessionDescription {
    /// The payload type this agent gives `telephone-event/8000` in its offers.
    public static let defaultTelephoneEventPayloadType = 101

    /// An audio offer (RFC 3264 §5): the G.711 codecs in preference order, telephone events 0-16,
    /// 20 ms packets, send and receive.
    public static func audioOffer(
        address: String, port: Int, sessionID: UInt64, codecs: [G711Codec] = [.pcmu, .pcma],
        telephoneEventPayloadType: Int = defaultTelephoneEventPayloadType
    ) -> SessionDescription {
        var attributes = codecs.map { Attribute("rtpmap", "\($0.payloadType) \($0.rawValue)/8000") }
        attributes.append(Attribute("rtpmap", "\(telephoneEventPayloadType) telephone-event/8000"))
        attributes.append(Attribute("fmtp", "\(telephoneEventPayloadType) 0-16"))
        attributes.append(Attribute("ptime", "20"))
        attributes.append(Attribute("sendrecv"))
        let formats = codecs.map { String($0.payloadType) } + [String(telephoneEventPayloadType)]
        return SessionDescription(
            originUsername: "onecall", sessionID: sessionID, sessionVersion: sessionID, originAddress: address,
            sessionName: "OneCall", connectionAddress: address,
            media: [Media(type: "audio", port: port, formats: formats, attributes: attributes)])
    }
}
