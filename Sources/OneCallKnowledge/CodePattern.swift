/// An error code to look for, as a word: `E1` matches the word `e1` and a joined part of a word such as
/// `E1/E2`, never `E10` or `E12`.
struct CodePattern {
    /// How a word names the code.
    enum Match: Int, Comparable {
        /// The code is one part of a joined word (`e1` in `e1/e2`).
        case part
        /// The word is the code.
        case whole

        static func < (lhs: Match, rhs: Match) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    /// The code as a lowercased word.
    let text: String
    /// Its pieces between joiners.
    let parts: [Substring]

    /// The pattern for `code`, or `nil` when the code is blank, longer than `maximumBytes` or not one word.
    /// Punctuation around the code is ignored.
    init?(_ code: String, maximumBytes: Int) {
        guard code.utf8.count <= maximumBytes else { return nil }
        let trimmed = code.drop(while: { !$0.isLetter && !$0.isNumber }).reversed().drop(while: {
            !$0.isLetter && !$0.isNumber
        })
        let core = String(trimmed.reversed())
        let words = WordScanner.words(in: core)
        guard words.count == 1, words[0].start == 0, words[0].end == core.count else { return nil }
        text = words[0].text
        parts = words[0].parts
    }

    /// How `word` names the code, if it does.
    func match(_ word: Word) -> Match? {
        if word.text == text { return .whole }
        let wordParts = word.parts
        guard wordParts.count > parts.count else { return nil }
        for start in 0...(wordParts.count - parts.count)
        where wordParts[start..<(start + parts.count)].elementsEqual(parts) {
            return .part
        }
        return nil
    }

    /// The best way any of `words` names the code, and the index of the first word that does so.
    func bestMatch(in words: [Word]) -> (match: Match, index: Int)? {
        var best: (match: Match, index: Int)?
        for (index, word) in words.enumerated() {
            guard let match = match(word) else { continue }
            if best == nil || best!.match < match { best = (match, index) }
            if match == .whole { break }
        }
        return best
    }

    /// Whether every code-like word of `words` is this code: the text names no other code.
    func isAlone(in words: [Word]) -> Bool {
        words.allSatisfy { !$0.isCodeLike || $0.text == text }
    }
}
