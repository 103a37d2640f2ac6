/// Recognises a labelled line, "Name: value", in guide text. The name is a short label (at most six
/// words, starting with a letter, no code such as `E2` in it); Markdown emphasis around it is
/// dropped (`**Actions:** …`, `**Severity**: high`).
enum FieldLine {
    /// The name and value of a labelled line, or `nil`.
    static func parse(_ line: some StringProtocol) -> (name: Substring, value: Substring)? {
        let text = Substring(line).trimmed
        guard let colon = text.firstIndex(where: { $0 == ":" || $0 == "：" }) else { return nil }
        let name = stripEmphasis(text[..<colon])
        var value = text[text.index(after: colon)...]
        while let first = value.first, first == "*" || first == "_" { value = value.dropFirst() }
        value = value.trimmed
        guard isLabel(name), !value.hasPrefix("//") else { return nil }
        return (name, value)
    }

    /// Whether `name` can be a field label.
    static func isLabel(_ name: Substring) -> Bool {
        guard let first = name.first, first.isLetter, name.count <= 48 else { return false }
        var words = 0
        var inWord = false
        for character in name {
            if character.isWhitespace {
                inWord = false
            } else {
                if !inWord { words += 1 }
                inWord = true
                guard character.isLetter || character.isNumber || "-/()&'’_.".contains(character) else { return false }
            }
        }
        guard words <= 6 else { return false }
        return !KnowledgeTokenizer.codeTokens(in: name).contains { KnowledgeTokenizer.isCodeLike($0) }
            && !name.lowercased().hasPrefix("http")
    }

    /// The text without Markdown emphasis markers around it (`**Actions**` → `Actions`).
    static func stripEmphasis(_ text: Substring) -> Substring {
        var result = text.trimmed
        while let first = result.first, first == "*" || first == "_" { result = result.dropFirst() }
        while let last = result.last, last == "*" || last == "_" { result = result.dropLast() }
        return result.trimmed
    }

    /// The inner text of a line that is bold as a whole (`**Overheat**`, `__Overheat__`, `**Actions:**`,
    /// `**Actions**:`), with a colon kept at its end, or `nil`.
    static func boldText(_ line: Substring) -> Substring? {
        for marker in ["**", "__"] where line.count > 4 && line.hasPrefix(marker) {
            var inner = line.dropFirst(2)
            var trailingColon = false
            if inner.hasSuffix(":") {
                inner = inner.dropLast()
                trailingColon = true
            }
            guard inner.hasSuffix(marker) else { continue }
            inner = inner.dropLast(2)
            guard !inner.contains(marker), !inner.trimmed.isEmpty else { return nil }
            return trailingColon ? Substring(String(inner) + ":") : inner
        }
        return nil
    }
}
