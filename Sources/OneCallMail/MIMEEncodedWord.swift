import OneCallCore

/// RFC 2047 encoded-words (`=?utf-8?B?…?=`), which carry non-ASCII text in headers.
public enum MIMEEncodedWord {
    /// The longest encoded-word allowed (RFC 2047 §2).
    public static let maximumLength = 75

    private static let prefix = "=?utf-8?B?"
    private static let suffix = "?="
    /// 45 octets encode to 60 Base64 characters, which with the 12 around them stay within 75.
    private static let octetsPerWord = 45

    /// Encodes `text` as encoded-words of at most 75 characters each, never splitting a UTF-8
    /// sequence between two words. Adjacent words are to be separated by folding white space,
    /// which decoders drop, so every character of `text` (spaces too) is inside a word.
    public static func encode(_ text: String) -> [String] {
        var words: [String] = []
        var chunk: [UInt8] = []
        for scalar in text.unicodeScalars {
            let bytes = Array(String(scalar).utf8)
            if chunk.count + bytes.count > octetsPerWord {
                words.append(prefix + Base64.encode(chunk) + suffix)
                chunk = []
            }
            chunk.append(contentsOf: bytes)
        }
        if !chunk.isEmpty || words.isEmpty { words.append(prefix + Base64.encode(chunk) + suffix) }
        return words
    }

    /// Whether `text` can stand in a header as it is: printable ASCII and white space only, and no
    /// `=?` that a reader could take for the start of an encoded-word.
    public static func isPlainHeaderText(_ text: String) -> Bool {
        text.utf8.allSatisfy { ($0 >= 0x20 && $0 < 0x7F) || $0 == 0x09 } && !text.contains("=?")
    }

    /// Decodes encoded-words (B and Q, any case of charset `utf-8` or `us-ascii`) in a header value,
    /// unfolding line breaks and dropping the white space between adjacent words; other text is kept.
    public static func decode(_ value: String) -> String {
        var output = ""
        var pendingSpace = ""
        var lastWasEncoded = false
        var rest = Substring(value)
        while !rest.isEmpty {
            if rest.hasPrefix("=?"), let (decoded, after) = decodeWord(rest) {
                if !lastWasEncoded { output += pendingSpace }
                pendingSpace = ""
                output += decoded
                rest = after
                lastWasEncoded = true
                continue
            }
            let character = rest.removeFirst()
            if character == "\r\n" || character == "\n" || character == "\r" {
                continue  // Unfolding: line breaks go, the white space after them stays.
            }
            if character == " " || character == "\t" {
                pendingSpace.append(character)
            } else {
                output += pendingSpace
                pendingSpace = ""
                output.append(character)
                lastWasEncoded = false
            }
        }
        return output + pendingSpace
    }

    private static func decodeWord(_ text: Substring) -> (String, Substring)? {
        let parts = text.dropFirst(2).split(separator: "?", maxSplits: 3, omittingEmptySubsequences: false)
        guard parts.count == 4, parts[3].hasPrefix("="), !parts[2].contains(" ") else { return nil }
        let charset = parts[0].lowercased()
        guard charset == "utf-8" || charset == "us-ascii" else { return nil }
        let bytes: [UInt8]?
        switch parts[1].uppercased() {
        case "B":
            bytes = Base64.decode(String(parts[2]))
        case "Q":
            bytes = QuotedPrintable.decode(String(parts[2].map { $0 == "_" ? " " : $0 }))
        default:
            bytes = nil
        }
        guard let bytes else { return nil }
        return (String(decoding: bytes, as: UTF8.self), parts[3].dropFirst())
    }
}
