/// Turns RFC 4733 telephone-event packets into key presses, each key counted once per event.
///
/// An event is identified by its SSRC and RTP timestamp (the event's start, §2.5.1.1). The key is
/// reported by the first packet seen of an event, so a lost start packet still counts; later
/// updates and the (usually triple) end packets of the same event are ignored. A long event that
/// the sender splits into segments (§2.5.1.3: same key, a timestamp about 0xFFFF later, previous segment not ended)
/// counts once.
public struct TelephoneEventDetector: Sendable {
    private struct EventKey: Hashable {
        var ssrc: UInt32
        var timestamp: UInt32
    }

    private var recent: [EventKey] = []
    private var lastEvent: (key: EventKey, event: UInt8, ended: Bool)?
    private let memory = 32

    /// Creates a detector.
    public init() {}

    /// Takes one telephone-event packet; returns the key when it starts a new key press.
    public mutating func process(_ packet: RTPPacket) -> Character? {
        guard let payload = try? TelephoneEvent(decoding: packet.payload) else { return nil }
        let key = EventKey(ssrc: packet.ssrc, timestamp: packet.timestamp)
        if recent.contains(key) {
            if let last = lastEvent, last.key == key, payload.isEnd { lastEvent?.ended = true }
            return nil
        }
        recent.append(key)
        if recent.count > memory { recent.removeFirst(recent.count - memory) }
        let continuesLongEvent =
            lastEvent.map { last in
                !last.ended && last.event == payload.event && last.key.ssrc == key.ssrc
                    && (0xF000...0x1_0000).contains(key.timestamp &- last.key.timestamp)
            } ?? false
        lastEvent = (key, payload.event, payload.isEnd)
        if continuesLongEvent { return nil }
        return payload.digit
    }
}
