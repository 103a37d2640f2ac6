/// A phone number in E.164 form: `+`, then 2 to 15 digits, the first not 0 (`+15551234567`).
public struct PhoneNumber: Sendable, Hashable, CustomStringConvertible, Comparable {
    /// The number as `+DIGITS`.
    public let e164: String

    /// Checks `text` (surrounding spaces are ignored; nothing else is rewritten).
    public init(_ text: String) throws(CallDestinationError) {
        let trimmed = text.trimmingSpaces
        guard !trimmed.isEmpty else { throw CallDestinationError(code: .empty, text: text) }
        guard trimmed.utf8.count <= 32 else { throw CallDestinationError(code: .tooLong, text: text) }
        guard trimmed.hasPrefix("+") else { throw CallDestinationError(code: .missingPlus, text: text) }
        let digits = trimmed.dropFirst()
        guard digits.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw CallDestinationError(code: .invalidCharacter, text: text)
        }
        guard digits.count >= 2 else { throw CallDestinationError(code: .tooShort, text: text) }
        guard digits.count <= 15 else { throw CallDestinationError(code: .tooLong, text: text) }
        guard digits.first != "0" else { throw CallDestinationError(code: .leadingZero, text: text) }
        e164 = trimmed
    }

    /// The E.164 text.
    public var description: String { e164 }

    /// Orders by the E.164 text.
    public static func < (lhs: PhoneNumber, rhs: PhoneNumber) -> Bool { lhs.e164 < rhs.e164 }
}
