/// Why a phone number or SIP URI was refused. The description never repeats the text, which may be a
/// person's number; ``debugDescription`` does.
public struct CallDestinationError: Error, Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    /// What is wrong.
    public enum Code: String, Sendable, Hashable {
        /// Nothing was given.
        case empty = "empty"
        /// An E.164 number must start with `+`.
        case missingPlus = "missing_plus"
        /// Only digits may follow the `+`.
        case invalidCharacter = "invalid_character"
        /// The country code cannot start with 0.
        case leadingZero = "leading_zero"
        /// Fewer than 2 digits.
        case tooShort = "too_short"
        /// More than 15 digits.
        case tooLong = "too_long"
        /// A `sip:`/`sips:` URI without a host, with spaces, or too long.
        case invalidSIPURI = "invalid_sip_uri"
    }

    /// What is wrong.
    public var code: Code
    /// The refused text, for debug logs only.
    public var text: String

    /// An error for `text`.
    public init(code: Code, text: String) {
        self.code = code
        self.text = text
    }

    /// The rule that was broken.
    public var description: String {
        switch code {
        case .empty: return "no phone number or SIP URI given"
        case .missingPlus: return "not an E.164 number: it must start with + (or be a sip:/sips: URI)"
        case .invalidCharacter: return "not an E.164 number: only digits may follow the +"
        case .leadingZero: return "not an E.164 number: the country code cannot start with 0"
        case .tooShort: return "not an E.164 number: it needs at least 2 digits after the +"
        case .tooLong: return "not an E.164 number: it has more than 15 digits"
        case .invalidSIPURI: return "not a valid SIP URI: expected sip:user@host or sips:user@host, without spaces"
        }
    }

    /// The description with the refused text.
    public var debugDescription: String { "\(description) ('\(text)')" }
}
