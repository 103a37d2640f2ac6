/// Where a call goes: an E.164 phone number (through a trunk) or a SIP URI (straight to a SIP phone or PBX).
public enum CallDestination: Sendable, Hashable, CustomStringConvertible {
    /// A phone number.
    case phone(PhoneNumber)
    /// A `sip:` or `sips:` URI, as written.
    case sip(String)

    /// The longest SIP URI accepted.
    public static let maximumURILength = 256

    /// Reads a phone number (`+…`) or a SIP URI (`sip:user@host`, `sips:…`; the scheme in any case).
    public init(_ text: String) throws(CallDestinationError) {
        let trimmed = text.trimmingSpaces
        let lowered = trimmed.lowercased()
        guard lowered.hasPrefix("sip:") || lowered.hasPrefix("sips:") else {
            self = .phone(try PhoneNumber(trimmed))
            return
        }
        let rest = trimmed.drop(while: { $0 != ":" }).dropFirst()
        let host = rest.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false).last ?? ""
        guard trimmed.count <= Self.maximumURILength, !rest.isEmpty, !host.isEmpty, !host.hasPrefix(";"),
            !host.hasPrefix(":"), !trimmed.contains(where: { $0.isWhitespace || $0.isNewline }),
            !rest.hasPrefix("@")
        else {
            throw CallDestinationError(code: .invalidSIPURI, text: text)
        }
        self = .sip(trimmed)
    }

    /// The text a voice provider dials (``DialRequest/destination``).
    public var address: String {
        switch self {
        case .phone(let number): return number.e164
        case .sip(let uri): return uri
        }
    }

    /// The address.
    public var description: String { address }
}
