/// Turns text into search terms, keeping error codes and identifiers whole.
///
/// A word is a run of letters and digits, joined by `-`, `_`, `.` or `/` between two of them. Each word
/// gives itself (`err-104`, `aircon_1`, `1200w`, `e1`), the pieces between its joiners (`err`, `104`,
/// `aircon`) and the letter and digit runs of a piece that mixes them (`1200`). Terms are lowercased;
/// terms of one character and a small list of English stop words are dropped; a plural of letters only
/// loses its `s` (`leaks` → `leak`, `batteries` → `battery`) — the only stemming there is.
public enum KnowledgeTokenizer {
    /// Words too common to help a search.
    public static let stopWords: Set<String> = [
        "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "has", "have", "in", "into", "is", "it",
        "its", "of", "on", "or", "that", "the", "their", "then", "there", "these", "this", "to", "was", "were",
        "will", "with",
    ]

    /// The search terms of `text`, in order, with repeats.
    public static func terms(in text: some StringProtocol) -> [String] {
        var terms: [String] = []
        for word in WordScanner.words(in: text) {
            var emitted: [String] = []
            func emit(_ candidate: some StringProtocol) {
                guard candidate.count >= 2 else { return }
                let term = folded(String(candidate))
                guard !stopWords.contains(term), !emitted.contains(term) else { return }
                emitted.append(term)
            }
            emit(word.text)
            let parts = word.parts
            if parts.count > 1 { for part in parts { emit(part) } }
            for part in parts { for run in letterDigitRuns(part) where run.count < part.count { emit(run) } }
            terms += emitted
        }
        return terms
    }

    /// A plural of letters only without its `s`.
    static func folded(_ term: String) -> String {
        guard term.count >= 4, term.last == "s", term.allSatisfy(\.isLetter) else { return term }
        if term.hasSuffix("ss") || term.hasSuffix("us") || term.hasSuffix("is") { return term }
        if term.hasSuffix("ies") && term.count >= 5 { return String(term.dropLast(3)) + "y" }
        return String(term.dropLast())
    }

    /// The runs of letters and of digits in `text`: `1200w` → `1200`, `w`.
    private static func letterDigitRuns(_ text: Substring) -> [Substring] {
        var runs: [Substring] = []
        var start = text.startIndex
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(after: index)
            if next < text.endIndex, text[index].isNumber != text[next].isNumber {
                runs.append(text[start..<next])
                start = next
            }
            index = next
        }
        if start < text.endIndex { runs.append(text[start...]) }
        return runs
    }
}
