/// Splits text into the terms the knowledge base searches and matches on.
///
/// Search terms are code-aware: a token such as `E2`, `F07`, `ERR-12`, `0x1F` or `clear_fault` is
/// kept whole (lowercased) and also split into its parts (`err`, `12`; `f`, `07`) and, when it has
/// separators, joined without them (`err12`), so that `F-07` finds `F07`. Plain words are lowercased
/// and lightly stemmed (`tickets`, `ticketing` → `ticket`); a few very common words are dropped.
public enum KnowledgeTokenizer {
    /// The search terms of `text`, in order, repeats kept (BM25 counts them).
    public static func searchTerms(in text: some StringProtocol) -> [String] {
        var terms: [String] = []
        terms.reserveCapacity(text.utf8.count / 5)
        var scratch: [UInt8] = []
        scratch.reserveCapacity(64)
        forEachRawToken(in: text) { token in
            if !appendASCIISearchTerms(of: token, to: &terms, scratch: &scratch) {
                appendSearchTerms(of: token, to: &terms)
            }
        }
        return terms
    }

    /// The words of `text` for phrase matching: lowercased, stemmed, hyphens inside a word removed
    /// (`e-mail` → `email`, `on-call` → `oncall`), `'s` and apostrophes dropped (`don't` → `dont`);
    /// underscores are kept (`clear_fault`). Nothing is dropped.
    public static func words(in text: some StringProtocol) -> [String] {
        var words: [String] = []
        forEachRawToken(in: text, keepsApostrophes: true) { token in
            var word = token.lowercased()
            if word.hasSuffix("'s") || word.hasSuffix("’s") { word.removeLast(2) }
            word.removeAll { $0 == "-" || $0 == "'" || $0 == "’" || $0 == "." }
            guard !word.isEmpty else { return }
            words.append(stem(word))
        }
        return words
    }

    /// The whole tokens of `text`, lowercased and neither split nor stemmed: what an error code is
    /// compared with (`E1` is a token of "Error E1:" but not of "E10" or "E1a").
    public static func codeTokens(in text: some StringProtocol) -> [String] {
        var tokens: [String] = []
        forEachRawToken(in: text) { tokens.append($0.lowercased()) }
        return tokens
    }

    /// Whether `token` looks like a code rather than a word: it starts with a letter and holds a
    /// digit (`E2`, `F07`, `ERR-12`, `R410A`), or is hexadecimal with `0x`.
    public static func isCodeLike(_ token: some StringProtocol) -> Bool {
        guard let first = token.unicodeScalars.first else { return false }
        let lower = token.lowercased()
        if lower.hasPrefix("0x"), lower.count > 2 { return true }
        guard first.properties.isAlphabetic else { return false }
        return token.unicodeScalars.contains { $0.properties.numericType != nil }
    }

    /// A light English stemmer for lowercase ASCII words: plural `s`/`es`/`ies`, `ing`, `ed`, a doubled
    /// final consonant and a final `e` come off (`logged` → `log`, `creates` → `creat`, `notified` →
    /// `notify`). Other words come back unchanged.
    public static func stem(_ word: String) -> String {
        var letters = Array(word.utf8)
        guard letters.count > 3, letters.allSatisfy({ $0 >= 0x61 && $0 <= 0x7A }) else { return word }
        stem(&letters)
        return String(decoding: letters, as: UTF8.self)
    }

    /// Stems lowercase ASCII letters in place.
    static func stem(_ letters: inout [UInt8]) {
        guard letters.count > 3 else { return }
        func ends(_ suffix: StaticString) -> Bool {
            let count = suffix.utf8CodeUnitCount
            guard letters.count > count else { return false }
            let start = suffix.utf8Start
            for offset in 0..<count where letters[letters.count - count + offset] != start[offset] { return false }
            return true
        }
        func hasVowel(_ count: Int) -> Bool {
            for letter in letters.prefix(count) {
                switch letter {
                case 0x61, 0x65, 0x69, 0x6F, 0x75, 0x79: return true
                default: continue
                }
            }
            return false
        }

        if ends("ies"), letters.count > 4 {
            letters.removeLast(3)
            letters.append(0x79)
        } else if ends("sses") {
            letters.removeLast(2)
        } else if ends("s"), !ends("ss"), !ends("us"), !ends("is") {
            letters.removeLast()
        }
        var strippedSuffix = false
        if ends("ing"), letters.count - 3 >= 3, hasVowel(letters.count - 3) {
            letters.removeLast(3)
            strippedSuffix = true
        } else if ends("ied"), letters.count > 4 {
            letters.removeLast(3)
            letters.append(0x79)
        } else if ends("ed"), letters.count - 2 >= 3, hasVowel(letters.count - 2) {
            letters.removeLast(2)
            strippedSuffix = true
        }
        if strippedSuffix, letters.count >= 3 {
            let last = letters[letters.count - 1]
            let keeps: Bool
            switch last {
            case 0x6C, 0x73, 0x7A, 0x61, 0x65, 0x69, 0x6F, 0x75: keeps = true  // l s z and vowels
            default: keeps = false
            }
            if last == letters[letters.count - 2], !keeps { letters.removeLast() }
        }
        if letters.count > 3, letters.last == 0x65 { letters.removeLast() }
    }

    /// The search terms of an ASCII token, built from bytes; `false` (and nothing added) when the
    /// token is not ASCII.
    static func appendASCIISearchTerms(of token: Substring, to terms: inout [String], scratch: inout [UInt8]) -> Bool {
        scratch.removeAll(keepingCapacity: true)
        var letters = 0
        var digits = 0
        var separators = 0
        for byte in token.utf8 {
            guard byte < 0x80 else { return false }
            switch byte {
            case 0x41...0x5A:
                scratch.append(byte | 0x20)
                letters += 1
            case 0x61...0x7A:
                scratch.append(byte)
                letters += 1
            case 0x30...0x39:
                scratch.append(byte)
                digits += 1
            default:
                scratch.append(byte)
                separators += 1
            }
        }
        if digits == 0, separators == 0 {
            if scratch.count <= 5, stopWords.contains(String(decoding: scratch, as: UTF8.self)) { return true }
            stem(&scratch)
            terms.append(String(decoding: scratch, as: UTF8.self))
            return true
        }
        terms.append(String(decoding: scratch, as: UTF8.self))
        let isHex = scratch.count > 2 && scratch[0] == 0x30 && scratch[1] == 0x78
        if separators > 0 {
            let parts = scratch.split(whereSeparator: { $0 == 0x2D || $0 == 0x5F || $0 == 0x2E })
            terms.append(String(decoding: parts.joined(), as: UTF8.self))
            for part in parts { appendASCIIParts(of: part, to: &terms) }
        } else if !isHex, letters > 0 {
            appendASCIIParts(of: scratch[...], to: &terms)
        }
        return true
    }

    /// Adds the letter and digit runs of a separator-free ASCII token (`f07` → `f`, `07`), or the
    /// token itself (stemmed) when it has one kind only.
    private static func appendASCIIParts(of part: ArraySlice<UInt8>, to terms: inout [String]) {
        var start = part.startIndex
        var runs: [ArraySlice<UInt8>] = []
        for index in part.indices where index > part.startIndex {
            let isDigit = part[index] < 0x3A
            if isDigit != (part[index - 1] < 0x3A) {
                runs.append(part[start..<index])
                start = index
            }
        }
        runs.append(part[start...])
        for run in runs {
            if run.first.map({ $0 < 0x3A }) == true {
                terms.append(String(decoding: run, as: UTF8.self))
            } else {
                var letters = Array(run)
                if runs.count == 1, stopWords.contains(String(decoding: letters, as: UTF8.self)) { continue }
                stem(&letters)
                terms.append(String(decoding: letters, as: UTF8.self))
            }
        }
    }

    /// Words too common to search for.
    static let stopWords: Set<String> = [
        "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "if", "in", "into", "is", "it", "its", "of",
        "on", "or", "that", "the", "their", "then", "there", "this", "to", "was", "were", "will", "with",
    ]

    static func appendSearchTerms(of token: Substring, to terms: inout [String]) {
        let lower = token.lowercased()
        let hasSeparator = lower.contains("-") || lower.contains("_") || lower.contains(".")
        let isAlphabetic = lower.unicodeScalars.allSatisfy { $0.properties.isAlphabetic }
        if isAlphabetic {
            if !stopWords.contains(lower) { terms.append(stem(lower)) }
            return
        }
        terms.append(lower)
        if hasSeparator {
            let parts = lower.split(whereSeparator: { $0 == "-" || $0 == "_" || $0 == "." })
            terms.append(parts.joined())
            for part in parts { appendParts(of: part, to: &terms) }
        } else if !lower.hasPrefix("0x") {
            appendParts(of: Substring(lower), to: &terms)
        }
    }

    /// Adds a separator-free token's letter and digit runs (`f07` → `f`, `07`), or the token itself
    /// (stemmed) when it has only one kind.
    private static func appendParts(of part: Substring, to terms: inout [String]) {
        var runs: [Substring] = []
        var start = part.startIndex
        var previousIsDigit: Bool?
        for index in part.indices {
            let isDigit = part[index].isNumber
            if let previousIsDigit, previousIsDigit != isDigit {
                runs.append(part[start..<index])
                start = index
            }
            previousIsDigit = isDigit
        }
        runs.append(part[start...])
        if runs.count == 1 {
            let run = String(part)
            if run.first?.isNumber == true {
                terms.append(run)
            } else if !stopWords.contains(run) {
                terms.append(stem(run))
            }
            return
        }
        for run in runs { terms.append(run.first?.isNumber == true ? String(run) : stem(String(run))) }
    }

    /// Calls `body` with each token: a run of letters and digits, with single `-`, `_` (and `.`
    /// between digits) inside it kept.
    static func forEachRawToken(
        in text: some StringProtocol, keepsApostrophes: Bool = false, _ body: (Substring) -> Void
    ) {
        let string = Substring(text)
        let scalars = string.unicodeScalars
        var index = scalars.startIndex
        while index < scalars.endIndex {
            guard isWordScalar(scalars[index]) else {
                index = scalars.index(after: index)
                continue
            }
            let start = index
            var end = scalars.index(after: index)
            while end < scalars.endIndex {
                let scalar = scalars[end]
                if isWordScalar(scalar) {
                    end = scalars.index(after: end)
                    continue
                }
                let next = scalars.index(after: end)
                guard next < scalars.endIndex, isWordScalar(scalars[next]) else { break }
                let previous = scalars[scalars.index(before: end)]
                let joins: Bool
                switch scalar {
                case "-", "_", "\u{2011}": joins = true
                case ".": joins = isDigit(previous) && isDigit(scalars[next])
                case "'", "’": joins = keepsApostrophes
                default: joins = false
                }
                guard joins else { break }
                end = scalars.index(after: next)
            }
            body(Substring(scalars[start..<end]))
            index = end
        }
    }

    private static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII {
            let value = scalar.value
            return (value >= 0x30 && value <= 0x39) || (value >= 0x41 && value <= 0x5A)
                || (value >= 0x61 && value <= 0x7A)
        }
        return scalar.properties.isAlphabetic || scalar.properties.numericType != nil
    }

    private static func isDigit(_ scalar: Unicode.Scalar) -> Bool { scalar.value >= 0x30 && scalar.value <= 0x39 }
}
