/// The `Name: value` fields of a code's section and the lines outside them.
///
/// A field starts at a line `Name: value` (a name of one to six words, the colon followed by white space
/// or the end; `**Name:** value` and `- Name: value` too) or at a subsection heading. It runs over the
/// lines after it until the next field or heading, or until a blank line followed by text that is not a
/// list item, or a list after a blank line under a value that does not end with `:`. Inside a field, list
/// items belong to the field, even when they hold a colon. After a value
/// on the name's line, a line of text only continues it when it looks like more of the same: it starts
/// in lower case, with a sequence word (`Then phone the operator.`) or indented; `Severity: low` followed
/// by `The chiller reports W7 …` ends the field.
struct SectionFields {
    /// One field.
    struct Field {
        /// The name as written, without markup.
        var name: String
        /// The name lowercased, `_` read as a space, white space collapsed.
        var key: String
        /// The value on the name's line, if any, then the lines under it.
        var lines: [String]

        /// The lines joined, trimmed.
        var value: String { String(lines.joined(separator: "\n").trimmedWhitespace) }
    }

    /// The fields in order.
    private(set) var fields: [Field] = []
    /// The non-blank lines outside any field, in order.
    private(set) var looseLines: [String] = []

    init(_ lines: [ContentLine], classifier: PhraseClassifier) {
        var current: Field?
        var blankSeen = false
        var hasList = false
        func close() {
            if let field = current { fields.append(field) }
            current = nil
            blankSeen = false
            hasList = false
        }
        func continues(_ field: Field, _ text: String, isItem: Bool) -> Bool {
            if !blankSeen && (isItem || hasList) { return true }
            if field.lines.isEmpty { return true }
            if isItem { return hasList || field.lines.last?.last == ":" }
            if blankSeen { return false }
            let first = text.trimmedWhitespace.first
            return first?.isLowercase == true || first?.isNumber == true || LineSyntax.indentation(text) >= 2
                || classifier.startsWithSequenceWord(text)
        }
        for line in lines {
            if line.isHeading {
                close()
                let name = line.text.trimmed([":", "*", "_", "`"])
                if (1...6).contains(name.wordCount) {
                    current = Field(name: String(name), key: Self.key(name), lines: [])
                }
                continue
            }
            let text = String(LineSyntax.unquoted(line.text))
            if text.isBlank {
                if current != nil { blankSeen = true }
                continue
            }
            if text.trimmedWhitespace.hasPrefix("|") {
                close()
                looseLines.append(text)
                continue
            }
            let item = LineSyntax.listItem(text)
            if var field = current {
                if item == nil, let next = Self.fieldStart(text, item: nil) {
                    close()
                    current = next
                    hasList = next.lines.first.map { LineSyntax.listItem($0) != nil } ?? false
                    continue
                }
                if continues(field, text, isItem: item != nil) || (blankSeen && LineSyntax.indentation(text) >= 2) {
                    field.lines.append(text)
                    current = field
                    blankSeen = false
                    if item != nil { hasList = true }
                    continue
                }
                close()
            }
            if let next = Self.fieldStart(text, item: item) {
                current = next
                hasList = next.lines.first.map { LineSyntax.listItem($0) != nil } ?? false
                continue
            }
            looseLines.append(text)
        }
        close()
    }

    /// The values by key; the first field of a repeated key wins.
    var values: [String: String] {
        var values: [String: String] = [:]
        for field in fields where values[field.key] == nil { values[field.key] = field.value }
        return values
    }

    /// A field's key: lowercased, `_` read as a space, white space collapsed.
    static func key(_ name: some StringProtocol) -> String {
        name.lowercased().split(whereSeparator: { $0 == "_" || $0.isWhitespace }).joined(separator: " ")
    }

    /// The field a line starts, if it is `Name: value`.
    static func fieldStart(_ line: String, item: LineSyntax.ListItem?) -> Field? {
        var text = (item?.content ?? line[...]).trimmedWhitespace
        while text.first == "*" || text.first == "_" { text = text.dropFirst() }
        guard let colon = text.firstIndex(where: { $0 == ":" || $0 == "\u{FF1A}" }) else { return nil }
        let name = text[..<colon].trimmed(["*", "_", "`"])
        guard let first = name.first, first.isLetter, name.count <= 48, (1...6).contains(name.wordCount) else {
            return nil
        }
        let allowed: Set<Character> = [" ", "-", "_", "/", "(", ")", "&", "'", "\u{2019}", "."]
        guard name.allSatisfy({ $0.isLetter || $0.isNumber || allowed.contains($0) }) else { return nil }
        let after = text[text.index(after: colon)...]
        guard after.isEmpty || after.first!.isWhitespace || after.first == "*" || after.first == "_" else {
            return nil
        }
        let value = after.drop(while: { $0.isWhitespace || $0 == "*" || $0 == "_" }).trimmedWhitespace
        return Field(name: String(name), key: key(name), lines: value.isEmpty ? [] : [String(value)])
    }
}
