/// Finds list items in guide text: list markers at the start of a line (`1.`, `1)`, `(1)`, `a)`,
/// `-`, `*`, `•`, `Step 1:`), numbered lists written inline ("1. Check X. 2. Check Y."), and
/// sentences.
public enum ListItemSplitter {
    /// The text after a list marker at the start of `line` (leading white space allowed), or `nil`
    /// when the line does not start with one.
    public static func itemText(_ line: some StringProtocol) -> Substring? {
        let text = Substring(line).trimmed
        guard let marker = markerLength(text, requiresNumber: nil) else { return nil }
        let rest = text.dropFirst(marker).trimmed
        return rest.isEmpty ? nil : rest
    }

    /// Whether `line` starts with a list marker.
    public static func hasListMarker(_ line: some StringProtocol) -> Bool { itemText(line) != nil }

    /// The items of an inline numbered list ("1. Log a ticket. 2. Call the operator." → two items),
    /// or `nil` when `text` does not start with item 1. Numbers must follow each other.
    public static func inlineNumberedItems(_ text: some StringProtocol) -> [String]? {
        let value = Substring(text).trimmed
        guard let first = markerLength(value, requiresNumber: 1) else { return nil }
        var items: [String] = []
        var itemStart = value.index(value.startIndex, offsetBy: first)
        var expected = 2
        var index = itemStart
        while index < value.endIndex {
            if value[index].isWhitespace {
                let candidate = value.index(after: index)
                if candidate < value.endIndex, let length = markerLength(value[candidate...], requiresNumber: expected)
                {
                    let item = value[itemStart..<index].trimmed
                    if !item.isEmpty { items.append(String(item)) }
                    itemStart = value.index(candidate, offsetBy: length)
                    index = itemStart
                    expected += 1
                    continue
                }
            }
            index = value.index(after: index)
        }
        let last = value[itemStart...].trimmed
        if !last.isEmpty { items.append(String(last)) }
        return items.isEmpty ? nil : items
    }

    /// The sentences of `text`, split after `.`, `!`, `?` or `;` followed by white space and a capital
    /// letter or digit (a `;` splits before anything).
    public static func sentences(_ text: some StringProtocol) -> [String] {
        let value = Substring(text)
        var sentences: [String] = []
        var start = value.startIndex
        var index = value.startIndex
        while index < value.endIndex {
            let character = value[index]
            let next = value.index(after: index)
            if ".!?;".contains(character), next < value.endIndex, value[next].isWhitespace {
                var following = next
                while following < value.endIndex, value[following].isWhitespace {
                    following = value.index(after: following)
                }
                let splits =
                    following < value.endIndex
                    && (character == ";" || value[following].isUppercase || value[following].isNumber
                        || value[following] == "\"" || value[following] == "(")
                if splits, !endsWithAbbreviation(value[start..<index]) {
                    let sentence = value[start...index].trimmed
                    if !sentence.isEmpty { sentences.append(String(sentence)) }
                    start = following
                    index = following
                    continue
                }
            }
            index = next
        }
        let rest = value[start...].trimmed
        if !rest.isEmpty { sentences.append(String(rest)) }
        return sentences
    }

    private static func endsWithAbbreviation(_ text: Substring) -> Bool {
        let lastWord = text.split(whereSeparator: { $0.isWhitespace }).last?.lowercased() ?? ""
        return ["e.g", "i.e", "approx", "etc", "vs", "no", "fig", "incl", "min", "max"].contains(lastWord)
    }

    /// The length of the list marker (with the white space after it) at the start of `text`, or
    /// `nil`. With `requiresNumber`, only a numeric marker with that number counts.
    static func markerLength(_ text: Substring, requiresNumber: Int?) -> Int? {
        var index = text.startIndex
        func skipSpace() -> Bool {
            guard index < text.endIndex, text[index].isWhitespace else { return false }
            while index < text.endIndex, text[index].isWhitespace { index = text.index(after: index) }
            return true
        }
        func number() -> Int? {
            var digits = ""
            while index < text.endIndex, let digit = text[index].wholeNumberValue, text[index].isASCII, digits.count < 3
            {
                digits.append(Character(String(digit)))
                index = text.index(after: index)
            }
            return Int(digits)
        }
        guard index < text.endIndex else { return nil }
        let first = text[index]
        if requiresNumber == nil, "-*•+–—▪◦‣·".contains(first) {
            index = text.index(after: index)
            return skipSpace() ? text.distance(from: text.startIndex, to: index) : nil
        }
        if first == "(" {
            index = text.index(after: index)
            guard let value = number(), requiresNumber == nil || value == requiresNumber,
                index < text.endIndex, text[index] == ")"
            else { return nil }
            index = text.index(after: index)
            return skipSpace() ? text.distance(from: text.startIndex, to: index) : nil
        }
        if first.isNumber {
            guard let value = number(), requiresNumber == nil || value == requiresNumber,
                index < text.endIndex, text[index] == "." || text[index] == ")"
            else { return nil }
            index = text.index(after: index)
            return skipSpace() ? text.distance(from: text.startIndex, to: index) : nil
        }
        if text[index...].lowercased().hasPrefix("step ") {
            index = text.index(index, offsetBy: 5)
            guard let value = number(), requiresNumber == nil || value == requiresNumber else { return nil }
            var afterSpace = index
            while afterSpace < text.endIndex, text[afterSpace] == " " { afterSpace = text.index(after: afterSpace) }
            if afterSpace < text.endIndex, ":.)–—-".contains(text[afterSpace]) { index = text.index(after: afterSpace) }
            return skipSpace() ? text.distance(from: text.startIndex, to: index) : nil
        }
        if requiresNumber == nil, first.isLowercase, first.isASCII {
            index = text.index(after: index)
            guard index < text.endIndex, text[index] == ")" || text[index] == "." else { return nil }
            index = text.index(after: index)
            return skipSpace() ? text.distance(from: text.startIndex, to: index) : nil
        }
        return nil
    }
}
