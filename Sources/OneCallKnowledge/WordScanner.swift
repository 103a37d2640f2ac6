/// A word of running text as the knowledge base reads it: letters and digits, joined by `-`, `_`, `.` or
/// `/` standing between two of them, so that `ERR-104`, `aircon_1`, `E1/E2` and `5.5` are one word each.
/// The text is lowercased; an apostrophe inside a word is dropped (`don't` → `dont`) and the dashes
/// U+2010…U+2013 between two word characters read as `-`.
struct Word: Sendable, Hashable {
    /// The lowercased word.
    var text: String
    /// The offset of its first character in the scanned text, in characters.
    var start: Int
    /// The offset just past its last character, in characters.
    var end: Int

    /// The pieces between joiners: `["err", "104"]` for `err-104`; the word itself when it has none.
    var parts: [Substring] { text.split(whereSeparator: WordScanner.isJoiner) }

    /// Whether the word mixes letters and digits, the shape of an error code (`e1`, `err-104`, `p-07`).
    var isCodeLike: Bool { text.contains(where: \.isLetter) && text.contains(where: \.isNumber) }

    /// Whether the word holds letters only.
    var isAlphabetic: Bool { text.allSatisfy(\.isLetter) }
}

/// Splits text into ``Word``s.
enum WordScanner {
    /// Whether `character` joins two word characters inside a word (after normalisation).
    static func isJoiner(_ character: Character) -> Bool {
        character == "-" || character == "_" || character == "." || character == "/"
    }

    private enum Pending {
        case none
        case join(Character)
        case drop
    }

    /// The words of `text` in order.
    static func words(in text: some StringProtocol) -> [Word] {
        var words: [Word] = []
        var current = ""
        var start = 0
        var end = 0
        var inWord = false
        var pending = Pending.none
        var offset = 0
        for character in text {
            defer { offset += 1 }
            if character.isLetter || character.isNumber {
                if !inWord {
                    inWord = true
                    start = offset
                    current = ""
                } else if case .join(let joiner) = pending {
                    current.append(joiner)
                }
                pending = .none
                current += character.lowercased()
                end = offset + 1
                continue
            }
            if inWord, case .none = pending {
                switch character {
                case "-", "_", ".", "/": pending = .join(character); continue
                case "\u{2010}", "\u{2011}", "\u{2012}", "\u{2013}": pending = .join("-"); continue
                case "'", "\u{2019}": pending = .drop; continue
                default: break
                }
            }
            if inWord {
                words.append(Word(text: current, start: start, end: end))
                inWord = false
            }
            pending = .none
        }
        if inWord { words.append(Word(text: current, start: start, end: end)) }
        return words
    }

    /// The lowercase word tokens of `text` for matching phrases: letters and digits only, split at every
    /// other character (so `clear_fault` gives `clear`, `fault`), apostrophes dropped and a possessive
    /// `'s` removed (`operator's` → `operator`).
    static func plainTokens(in text: some StringProtocol) -> [String] {
        var tokens: [String] = []
        var current = ""
        var afterApostrophe = false
        for character in text {
            if character.isLetter || character.isNumber {
                if afterApostrophe && character.lowercased() == "s" && current.count > 0 {
                    afterApostrophe = false
                    continue
                }
                afterApostrophe = false
                current += character.lowercased()
            } else if character == "'" || character == "\u{2019}" {
                afterApostrophe = !current.isEmpty
            } else {
                afterApostrophe = false
                if !current.isEmpty {
                    tokens.append(current)
                    current = ""
                }
            }
        }
        if !current.isEmpty { tokens.append(current) }
        return tokens
    }
}
