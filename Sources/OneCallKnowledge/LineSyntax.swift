/// The block-level shapes of one line of a guide: headings, fences, list items and table rows.
enum LineSyntax {
    /// A list item: its marker and the text after it.
    struct ListItem {
        /// The number of a numbered item (`3.`, `3)`, `(3)`, `Step 3:`), or `nil` for a bullet or letter.
        var number: Int?
        /// The text after the marker.
        var content: Substring
    }

    /// Characters that start a bulleted item when white space follows them.
    static let bullets: Set<Character> = ["-", "*", "+", "•", "·", "‣", "▪", "◦", "–", "○", "●", "■", "□"]

    /// The number of leading spaces (a tab counts as four).
    static func indentation(_ line: some StringProtocol) -> Int {
        var width = 0
        for character in line {
            if character == " " {
                width += 1
            } else if character == "\t" {
                width += 4
            } else {
                break
            }
        }
        return width
    }

    /// An ATX heading: `## Title ##` gives level 2 and `Title`. At most three spaces of indentation.
    static func atxHeading(_ line: String) -> (level: Int, text: String)? {
        guard indentation(line) <= 3 else { return nil }
        let text = line[...].drop(while: { $0 == " " || $0 == "\t" })
        let level = text.prefix(while: { $0 == "#" }).count
        guard level >= 1 && level <= 6 else { return nil }
        var rest = text.dropFirst(level)
        guard rest.isEmpty || rest.first == " " || rest.first == "\t" else { return nil }
        rest = rest.trimmedWhitespace
        // A closing sequence of #s after a space is not part of the heading.
        if let lastNonHash = rest.lastIndex(where: { $0 != "#" }) {
            if lastNonHash != rest.index(before: rest.endIndex), rest[lastNonHash] == " " || rest[lastNonHash] == "\t" {
                rest = rest[...lastNonHash].trimmedWhitespace
            }
        } else {
            rest = rest[rest.endIndex...]
        }
        return (level, String(rest))
    }

    /// The level a setext underline gives the line above it: 1 for `===`, 2 for `---`.
    static func setextLevel(_ line: some StringProtocol) -> Int? {
        guard indentation(line) <= 3 else { return nil }
        let text = line.trimmedWhitespace
        guard text.count >= 2, let first = text.first, first == "=" || first == "-" else { return nil }
        guard text.allSatisfy({ $0 == first }) else { return nil }
        return first == "=" ? 1 : 2
    }

    /// The fence character and its length for a line that opens or closes a fenced code block.
    static func fence(_ line: String) -> (character: Character, length: Int)? {
        guard indentation(line) <= 3 else { return nil }
        let text = line[...].drop(while: { $0 == " " || $0 == "\t" })
        guard let first = text.first, first == "`" || first == "~" else { return nil }
        let length = text.prefix(while: { $0 == first }).count
        guard length >= 3 else { return nil }
        return (first, length)
    }

    /// The list item a line starts, if any: `- x`, `* x`, `• x`, `1. x`, `1) x`, `(1) x`, `a) x`,
    /// `Step 1: x`.
    static func listItem(_ line: String) -> ListItem? { listItem(line[...]) }

    /// The list item a line starts, if any.
    static func listItem(_ line: Substring) -> ListItem? {
        let text = line.drop(while: { $0.isWhitespace })
        guard let first = text.first else { return nil }
        func content(after index: Substring.Index) -> Substring? {
            let rest = text[index...]
            guard rest.isEmpty || rest.first!.isWhitespace else { return nil }
            return rest.trimmedWhitespace
        }
        if bullets.contains(first) {
            guard let rest = content(after: text.index(after: text.startIndex)) else { return nil }
            return ListItem(number: nil, content: rest)
        }
        if first.isASCII && first.isNumber {
            let digits = text.prefix(while: { $0.isASCII && $0.isNumber })
            guard digits.count <= 3, digits.endIndex < text.endIndex else { return nil }
            let marker = text[digits.endIndex]
            guard marker == "." || marker == ")" else { return nil }
            guard let rest = content(after: text.index(after: digits.endIndex)) else { return nil }
            return ListItem(number: Int(digits), content: rest)
        }
        if first == "(" {
            let inner = text.dropFirst()
            let digits = inner.prefix(while: { $0.isASCII && $0.isNumber })
            guard !digits.isEmpty, digits.count <= 3, digits.endIndex < text.endIndex, text[digits.endIndex] == ")"
            else { return nil }
            guard let rest = content(after: text.index(after: digits.endIndex)) else { return nil }
            return ListItem(number: Int(digits), content: rest)
        }
        if first.isLetter, text.count >= 2 {
            let second = text.index(after: text.startIndex)
            if text[second] == ")", let rest = content(after: text.index(after: second)) {
                return ListItem(number: nil, content: rest)
            }
            if text.hasPrefixIgnoringCase("step") {
                let afterWord = text.dropFirst(4).drop(while: { $0 == " " })
                let digits = afterWord.prefix(while: { $0.isASCII && $0.isNumber })
                guard !digits.isEmpty, digits.count <= 3 else { return nil }
                var rest = afterWord[digits.endIndex...]
                if let marker = rest.first, marker == ":" || marker == "." || marker == ")" || marker == "-" {
                    rest = rest.dropFirst()
                }
                guard rest.isEmpty || rest.first!.isWhitespace else { return nil }
                return ListItem(number: Int(digits), content: rest.trimmedWhitespace)
            }
        }
        return nil
    }

    /// The cells of a pipe-table row (`| a | b |` or `a | b`), or `nil` for a line without `|`.
    static func pipeCells(_ line: some StringProtocol) -> [String]? {
        var text = line.trimmedWhitespace
        guard text.contains("|") else { return nil }
        if text.first == "|" { text = text.dropFirst() }
        if text.last == "|" && !text.hasSuffix("\\|") { text = text.dropLast() }
        var cells: [String] = []
        var current = ""
        var escaped = false
        for character in text {
            if escaped {
                current.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == "|" {
                cells.append(String(current.trimmedWhitespace))
                current = ""
            } else {
                current.append(character)
            }
        }
        cells.append(String(current.trimmedWhitespace))
        return cells
    }

    /// Whether a line is a pipe table's delimiter row: `|---|:--:|`.
    static func isTableDelimiter(_ line: some StringProtocol) -> Bool {
        guard let cells = pipeCells(line), !cells.isEmpty else { return false }
        return cells.allSatisfy { cell in
            cell.contains("-") && cell.allSatisfy { $0 == "-" || $0 == ":" || $0 == " " }
        }
    }

    /// The cells of a tab-separated row, or `nil` for a line with no tab between two cells.
    static func tabCells(_ line: some StringProtocol) -> [String]? {
        guard line.contains("\t") else { return nil }
        let cells = line.split(separator: "\t", omittingEmptySubsequences: true).map { String($0.trimmedWhitespace) }
        let filled = cells.filter { !$0.isEmpty }
        return filled.count >= 2 ? filled : nil
    }

    /// Whether `text` ends like a sentence or a clause: `.`, `,`, `;`, `!` or `?`.
    static func endsSentence(_ text: some StringProtocol) -> Bool {
        guard let last = text.trimmed(["*", "_", "`", "\"", ")"]).last else { return false }
        return last == "." || last == "," || last == ";" || last == "!" || last == "?"
    }

    /// A line with block-quote markers (`> `) removed.
    static func unquoted(_ line: String) -> Substring {
        var text = Substring(line)
        while true {
            let stripped = text.drop(while: { $0 == " " })
            guard stripped.first == ">" else { return text }
            text = stripped.dropFirst()
        }
    }
}
