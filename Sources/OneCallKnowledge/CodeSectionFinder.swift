/// Looks for the part of one document that covers an error code; see
/// ``KnowledgeDocument/section(forCode:)`` for the order of preference.
struct CodeSectionFinder {
    /// How good a candidate is; a higher rank wins, and the earlier of two equal ones.
    struct Rank: Comparable {
        /// 3 heading, 2 table row, 1 a section's first lines, 0 further down a body.
        var location: Int
        /// Whether the heading, cell or line names no other code (for a cell: holds the code alone).
        var alone: Bool
        /// Whether the code is a whole word there, not part of a joined one.
        var whole: Bool

        static func < (lhs: Rank, rhs: Rank) -> Bool {
            (lhs.location, lhs.alone ? 1 : 0, lhs.whole ? 1 : 0) < (rhs.location, rhs.alone ? 1 : 0, rhs.whole ? 1 : 0)
        }
    }

    /// The best candidate with its rank.
    struct Found {
        var rank: Rank
        var section: CodeSection
    }

    /// Heading words that, with no code in them, continue the section before them at the same level
    /// (`Actions:` after `Code HT2:` in plain text).
    static let continuationWords: Set<String> = [
        "action", "actions", "step", "steps", "troubleshooting", "troubleshoot", "response", "responses",
        "resolution", "remedy", "remedies", "procedure", "procedures", "cause", "causes", "symptom", "symptoms",
        "effect", "effects", "severity", "diagnosis", "diagnostics", "checks", "fix", "fixes", "automated",
        "automation", "escalation",
    ]

    /// The longest line that can name a code the way a heading does.
    static let maximumAnchorLength = 120

    let document: KnowledgeDocument
    private var lines: [String] { document.lines }
    private var sections: [KnowledgeSection] { document.sections }

    /// The best candidate for `code`, or `nil`.
    func find(_ code: String) -> Found? {
        guard let pattern = CodePattern(code, maximumBytes: document.limits.maximumCodeBytes) else { return nil }
        var best: Found?
        func consider(_ rank: Rank, _ make: () -> CodeSection) {
            if let current = best, current.rank >= rank { return }
            best = Found(rank: rank, section: make())
        }
        for (index, section) in sections.enumerated() where section.level > 0 {
            let words = WordScanner.words(in: section.heading)
            guard let match = pattern.bestMatch(in: words) else { continue }
            let rank = Rank(location: 3, alone: pattern.isAlone(in: words), whole: match.match == .whole)
            consider(rank) { headingSection(index, code: code) }
        }
        if best != nil { return best }

        let codeLines = codeBlockLines()
        var tableLines = [Bool](repeating: false, count: lines.count)
        scanTables(skipping: codeLines) { row, header, cells in
            tableLines[row] = true
            for cell in cells {
                let words = WordScanner.words(in: cell)
                guard let match = pattern.bestMatch(in: words) else { continue }
                let rank = Rank(location: 2, alone: words.count == 1, whole: match.match == .whole)
                consider(rank) { tableSection(row: row, header: header, cells: cells, heading: cell, code: code) }
            }
        }
        if best != nil { return best }

        for (index, section) in sections.enumerated() {
            var textLinesSeen = 0
            for line in section.bodyLines where !codeLines[line] && !tableLines[line] && !lines[line].isBlank {
                textLinesSeen += 1
                guard let anchor = anchor(in: lines[line], where: { pattern.match($0) != nil }) else { continue }
                let words = WordScanner.words(in: lines[line])
                let inFirstLines = textLinesSeen <= 3 && section.level > 0
                let rank = Rank(
                    location: inFirstLines ? 1 : 0, alone: pattern.isAlone(in: words),
                    whole: pattern.match(anchor.word) == .whole)
                consider(rank) {
                    anchorSection(
                        index, line: line, prefix: anchor.prefix, inFirstLines: inFirstLines, pattern, code: code)
                }
            }
        }
        return best
    }

    // MARK: Candidates

    private func headingSection(_ index: Int, code: String) -> CodeSection {
        let section = sections[index]
        let end = extentEnd(of: index)
        return CodeSection(
            code: code, documentName: document.name, heading: section.heading, location: .heading,
            lineRange: lineRange(from: section.headingLines.lowerBound, through: end),
            lines: content(from: section.bodyLines.lowerBound, to: end))
    }

    private func tableSection(row: Int, header: [String], cells: [String], heading: String, code: String)
        -> CodeSection
    {
        var content: [ContentLine] = []
        for (column, cell) in cells.enumerated() {
            var label = column < header.count ? String(header[column].trimmed(["*", "_", "`"])) : ""
            if label.isEmpty { label = "Column \(column + 1)" }
            let cellLines = cellText(cell).split(separator: "\n", omittingEmptySubsequences: true)
            content.append(ContentLine(text: "\(label): \(cellLines.first.map(String.init) ?? "")", isHeading: false))
            for extra in cellLines.dropFirst() { content.append(ContentLine(text: String(extra), isHeading: false)) }
        }
        return CodeSection(
            code: code, documentName: document.name, heading: String(heading.trimmed(["*", "_", "`"])),
            location: .tableRow, lineRange: (row + 1)...(row + 1), lines: content)
    }

    private func anchorSection(
        _ index: Int, line: Int, prefix: [String], inFirstLines: Bool, _ pattern: CodePattern, code: String
    ) -> CodeSection {
        let section = sections[index]
        let limit = extentEnd(of: index)
        var end = limit
        var next = line + 1
        while next < limit {
            if let sibling = anchor(in: lines[next], where: { $0.isCodeLike && pattern.match($0) == nil }),
                sibling.prefix == prefix
            {
                end = next
                break
            }
            next += 1
        }
        // A section whose first lines name one code and later lines name others is a list of codes, not
        // the section of the first one.
        if inFirstLines && end == limit {
            return CodeSection(
                code: code, documentName: document.name, heading: section.heading, location: .firstLines,
                lineRange: lineRange(from: section.headingLines.lowerBound, through: end),
                lines: content(from: section.bodyLines.lowerBound, to: end))
        }
        return CodeSection(
            code: code, documentName: document.name, heading: String(lines[line].trimmed(["#", "*", "_", "`", ">"])),
            location: .body, lineRange: lineRange(from: line, through: end), lines: content(from: line + 1, to: end))
    }

    // MARK: Shapes

    /// A line that names a code the way a heading does: the code within its first three words, only plain
    /// words before it (`Fault E1`, `Error code: E1`, `**E1**`), and after it nothing, a separator
    /// (`E1 – High temperature`, `E1: …`, `E1 (…)`) or a few words not ending a sentence
    /// (`ERR-104 Overheat`).
    func anchor(in line: String, where isCode: (Word) -> Bool) -> (prefix: [String], word: Word)? {
        guard line.count <= Self.maximumAnchorLength else { return nil }
        let words = WordScanner.words(in: line)
        for (index, word) in words.prefix(3).enumerated() {
            if isCode(word) {
                let characters = Array(line)
                let rest = characters[word.end...].drop(while: {
                    $0.isWhitespace || $0 == "*" || $0 == "_" || $0 == "`"
                })
                let separators: Set<Character> = [":", "-", "–", "—", "|", "(", "=", ",", "/", "[", "."]
                if let first = rest.first, !separators.contains(first) {
                    guard String(rest).wordCount <= 6, !LineSyntax.endsSentence(line) else { return nil }
                }
                if rest.first == ".", rest.count > 1 { return nil }
                return (words[..<index].map(\.text), word)
            }
            guard word.isAlphabetic else { return nil }
        }
        return nil
    }

    /// Where the text of section `index` ends: before the next heading at its level or above, unless that
    /// heading is a label that continues it (`Actions` at the same level, naming no code).
    private func extentEnd(of index: Int) -> Int {
        let level = sections[index].level
        guard level > 0 else { return sections[index].bodyLines.upperBound }
        var next = index + 1
        while next < sections.count {
            let section = sections[next]
            if section.level > level || (section.level == level && continues(section.heading)) {
                next += 1
            } else {
                break
            }
        }
        return next < sections.count ? sections[next].headingLines.lowerBound : lines.count
    }

    private func continues(_ heading: String) -> Bool {
        let words = WordScanner.words(in: heading)
        guard words.count <= 5, !words.contains(where: \.isCodeLike) else { return false }
        return words.contains { Self.continuationWords.contains($0.text) }
    }

    /// Lines `start..<end` with subsection headings marked, underlines and blank lines at either end left
    /// out.
    private func content(from start: Int, to end: Int) -> [ContentLine] {
        var headingAt: [Int: Int] = [:]
        for (index, section) in sections.enumerated() where section.level > 0 {
            let first = section.headingLines.lowerBound
            if first >= start && first < end { headingAt[first] = index }
        }
        var result: [ContentLine] = []
        var line = start
        while line < end {
            if let index = headingAt[line] {
                result.append(ContentLine(text: sections[index].heading, isHeading: true))
                line = sections[index].headingLines.upperBound
            } else {
                result.append(ContentLine(text: lines[line], isHeading: false))
                line += 1
            }
        }
        while let first = result.first, !first.isHeading, first.text.isBlank { result.removeFirst() }
        while let last = result.last, !last.isHeading, last.text.isBlank { result.removeLast() }
        return result
    }

    /// Lines `start` through the last non-blank line before `end`, counted from 1.
    private func lineRange(from start: Int, through end: Int) -> ClosedRange<Int> {
        var last = max(start, min(end, lines.count) - 1)
        while last > start, lines[last].isBlank { last -= 1 }
        return (start + 1)...(last + 1)
    }

    /// Which lines are inside fenced code blocks (Markdown only) or are their fences.
    private func codeBlockLines() -> [Bool] {
        var inside = [Bool](repeating: false, count: lines.count)
        guard document.format == .markdown else { return inside }
        var open: (character: Character, length: Int)?
        for (index, line) in lines.enumerated() {
            if let fence = LineSyntax.fence(line) {
                inside[index] = true
                if let current = open {
                    if fence.character == current.character && fence.length >= current.length { open = nil }
                } else {
                    open = fence
                }
            } else if open != nil {
                inside[index] = true
            }
        }
        return inside
    }

    /// Calls `row` for every data row of every table: pipe tables with a delimiter row, and runs of two or
    /// more tab-separated lines with the same number of cells (the first is the header).
    private func scanTables(skipping codeLines: [Bool], row: (Int, [String], [String]) -> Void) {
        var index = 0
        while index < lines.count {
            guard !codeLines[index] else {
                index += 1
                continue
            }
            if let header = LineSyntax.pipeCells(lines[index]), index + 1 < lines.count,
                LineSyntax.isTableDelimiter(lines[index + 1])
            {
                var next = index + 2
                while next < lines.count, !codeLines[next], !lines[next].isBlank,
                    let cells = LineSyntax.pipeCells(lines[next])
                {
                    row(next, header, cells)
                    next += 1
                }
                index = next
                continue
            }
            if let header = LineSyntax.tabCells(lines[index]), index + 1 < lines.count,
                let second = LineSyntax.tabCells(lines[index + 1]), second.count == header.count
            {
                var next = index + 1
                while next < lines.count, let cells = LineSyntax.tabCells(lines[next]), cells.count == header.count {
                    row(next, header, cells)
                    next += 1
                }
                index = next
                continue
            }
            index += 1
        }
    }

    /// A table cell's text with `<br>` tags as line breaks.
    private func cellText(_ cell: String) -> String {
        var text = cell
        for tag in ["<br />", "<br/>", "<br>", "<BR>"] {
            text = text.split(separator: tag, omittingEmptySubsequences: false).joined(separator: "\n")
        }
        return text
    }
}
