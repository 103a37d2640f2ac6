/// A word of a message as written (an id, a code, a UUID or a plain word), with the lowercase words
/// it holds for keyword matching.
struct ChatToken: Sendable, Hashable {
    /// The token without surrounding punctuation, as written.
    var text: String
    /// `text` in lowercase.
    var lower: String
    /// The lowercase runs of letters and digits in the token (`what's` → `what`, `s`).
    var words: [String]

    /// Characters that separate tokens.
    private static let separators: Set<Character> = [
        ",", ";", "!", "?", "(", ")", "[", "]", "{", "}", "\"", "`", "<", ">",
    ]
    /// Characters stripped from either end of a token.
    private static let edges: Set<Character> = [".", ":", "'", "’", "*", "_", "-", "/", "#"]

    /// The tokens of `message`, in order.
    static func tokens(in message: String) -> [ChatToken] {
        var tokens: [ChatToken] = []
        var current = ""
        func flush() {
            var text = Substring(current)
            while let first = text.first, edges.contains(first) { text = text.dropFirst() }
            while let last = text.last, edges.contains(last) { text = text.dropLast() }
            if !text.isEmpty { tokens.append(ChatToken(String(text))) }
            current = ""
        }
        for character in message {
            if character.isWhitespace || separators.contains(character) {
                flush()
            } else {
                current.append(character)
            }
        }
        flush()
        return tokens
    }

    /// A token of `text`.
    init(_ text: String) {
        self.text = text
        self.lower = text.lowercased()
        self.words = Self.words(in: lower)
    }

    /// The runs of letters and digits in `text`.
    static func words(in text: String) -> [String] {
        var words: [String] = []
        var current = ""
        for character in text {
            if character.isLetter || character.isNumber {
                current.append(character)
            } else if !current.isEmpty {
                words.append(current)
                current = ""
            }
        }
        if !current.isEmpty { words.append(current) }
        return words
    }

    /// Whether the token is a UUID (8-4-4-4-12 hexadecimal digits).
    var isUUID: Bool {
        let bytes = Array(lower.utf8)
        guard bytes.count == 36 else { return false }
        for (index, byte) in bytes.enumerated() {
            if [8, 13, 18, 23].contains(index) {
                guard byte == UInt8(ascii: "-") else { return false }
            } else {
                let isHex = (byte >= 0x30 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x66)
                guard isHex else { return false }
            }
        }
        return true
    }

    /// The token with its separators removed, for comparing ids written differently (`unit7` for `unit-7`).
    var compact: String { words.joined() }
}
