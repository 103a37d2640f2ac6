/// Reads a key press from the body of a SIP INFO request: `application/dtmf-relay` (`Signal=1`
/// and `Duration=160` lines) or `application/dtmf` (the key alone).
public enum DTMFInfoBody {
    /// The media types understood.
    public static let mediaTypes: Set<String> = ["application/dtmf-relay", "application/dtmf"]

    /// The key in a body of the given media type, or `nil` when there is none.
    public static func digit(contentType: String?, body: [UInt8]) -> Character? {
        guard let contentType, mediaTypes.contains(contentType), body.count <= 1_024,
            let text = String(validating: body, as: UTF8.self)
        else { return nil }
        if contentType == "application/dtmf" {
            return key(SIPSyntax.trimmed(text.split(whereSeparator: \.isNewline).first ?? ""))
        }
        for line in text.split(whereSeparator: \.isNewline) {
            guard let equals = line.firstIndex(of: "=") else { continue }
            if SIPSyntax.trimmed(line[..<equals]).lowercased() == "signal" {
                return key(SIPSyntax.trimmed(line[line.index(after: equals)...]))
            }
        }
        return nil
    }

    /// A key written as itself (`1`, `*`, `#`, `A`) or as its event code (`10` for `*`, `11` for `#`).
    private static func key(_ text: Substring) -> Character? {
        if text.count == 1, let character = text.first {
            guard character.isASCII else { return nil }
            let upper = Character(character.uppercased())
            return "0123456789*#ABCD".contains(upper) ? upper : nil
        }
        if let code = SIPSyntax.decimal(text, maximumDigits: 2), code < 16 {
            return TelephoneEvent.digit(forEvent: UInt8(code))
        }
        return nil
    }
}
