extension StringProtocol {
    /// The text without white space at either end.
    var trimmedWhitespace: SubSequence {
        guard let first = firstIndex(where: { !$0.isWhitespace }) else { return self[endIndex...] }
        let last = lastIndex(where: { !$0.isWhitespace })!
        return self[first...last]
    }

    /// The text without characters in `set` or white space at either end.
    func trimmed(_ set: Set<Character>) -> SubSequence {
        let keep: (Character) -> Bool = { !$0.isWhitespace && !set.contains($0) }
        guard let first = firstIndex(where: keep) else { return self[endIndex...] }
        let last = lastIndex(where: keep)!
        return self[first...last]
    }

    /// Whether the text holds nothing but white space.
    var isBlank: Bool { allSatisfy(\.isWhitespace) }

    /// The number of white-space separated words.
    var wordCount: Int {
        var count = 0
        var inWord = false
        for character in self {
            if character.isWhitespace {
                inWord = false
            } else if !inWord {
                inWord = true
                count += 1
            }
        }
        return count
    }

    /// Whether the text starts with `prefix`, ignoring case.
    func hasPrefixIgnoringCase(_ prefix: String) -> Bool {
        var index = startIndex
        for expected in prefix {
            guard index < endIndex, self[index].lowercased() == expected.lowercased() else { return false }
            index = self.index(after: index)
        }
        return true
    }
}
