/// One RFC 4733 telephone-event payload (§2.3): event code, end bit, volume and duration.
public struct TelephoneEvent: Sendable, Hashable {
    /// The size of one event payload.
    public static let size = 4

    /// The event code: 0-9 digits, 10 `*`, 11 `#`, 12-15 `A`-`D`, 16 flash.
    public var event: UInt8
    /// Whether this packet reports the end of the event.
    public var isEnd: Bool
    /// The power level, 0 to 63 as -dBm0.
    public var volume: UInt8
    /// The duration so far, in timestamp units.
    public var duration: UInt16

    /// Creates an event payload.
    public init(event: UInt8, isEnd: Bool, volume: UInt8 = 10, duration: UInt16) {
        self.event = event
        self.isEnd = isEnd
        self.volume = volume
        self.duration = duration
    }

    /// Decodes the first event of a payload (redundant events after it, RFC 4733 §2.5.1.5, are ignored).
    public init(decoding payload: [UInt8]) throws(SIPError) {
        guard payload.count >= Self.size else { throw SIPError(.malformed, "telephone-event payload too short") }
        event = payload[0]
        isEnd = payload[1] & 0x80 != 0
        volume = payload[1] & 0x3F
        duration = UInt16(payload[2]) << 8 | UInt16(payload[3])
    }

    /// The payload as sent.
    public func encoded() -> [UInt8] {
        [event, (isEnd ? 0x80 : 0) | (volume & 0x3F), UInt8(duration >> 8), UInt8(duration & 0xFF)]
    }

    /// The DTMF key of the event (`0`-`9`, `*`, `#`, `A`-`D`), or `nil` for other events.
    public var digit: Character? { Self.digit(forEvent: event) }

    /// The DTMF key of an event code, or `nil`.
    public static func digit(forEvent event: UInt8) -> Character? {
        let keys: [Character] = Array("0123456789*#ABCD")
        return event < keys.count ? keys[Int(event)] : nil
    }
}
