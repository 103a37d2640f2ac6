/// A document's lines with its headings found: Markdown (`#` … `######`, setext underlines) and,
/// for text that has lost its markup (plain text, PDF, Word without styles), numbered headings
/// ("3.2 Error E2"), lines that are bold or in capitals as a whole, short lines that name a code
/// ("Fault F07 (overheat)", "Code P4"), and a "Code: E7" line that starts a record. Headings found
/// by inference get level 7, below every Markdown level.
struct DocumentOutline: Sendable {
    /// One heading and the lines it governs.
    struct Heading: Sendable {
        /// The line of the heading.
        var line: Int
        /// 1–6 for Markdown and numbered headings, 7 for inferred ones.
        var level: Int
        var title: String
        /// The line after its own content (the next heading's line).
        var end: Int
        /// The line after its content and its sub-sections (the next heading at its level or above).
        var coverEnd: Int
        /// The enclosing heading, an index into `headings`.
        var parent: Int?
        /// The whole tokens of the title, lowercased.
        var codeTokens: [String]
        /// The tokens of a code field ("Code: E7") among the first three lines under the heading.
        var fieldCodeTokens: [String] = []
    }

    /// The level given to headings that are inferred rather than marked up.
    static let inferredLevel = 7

    let lines: [Substring]
    /// Whether each line is a heading (`headingAt[line]` is an index into `headings`).
    let headingAt: [Int: Int]
    let blank: [Bool]
    let headings: [Heading]
    /// Each line is a paragraph of its own (Word documents), rather than text wrapped at some width.
    let linesAreParagraphs: Bool
    let tables: [DocumentTable]
    /// Per table, per row: the tokens of the cells that may hold the row's code (the code column, or
    /// every cell of a table without one).
    let tableCodeCells: [[[[String]]]]

    init(text: String, format: KnowledgeFormat, vocabulary: SectionFieldVocabulary) {
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0.isNewline })
        self.lines = lines
        linesAreParagraphs = format == .docx
        var blank = lines.map { $0.allSatisfy(\.isWhitespace) }
        var found: [(line: Int, level: Int, title: String)] = []
        var inFence = false
        var previousIsBreak = true
        // The line before ends a sentence, a field or a list item, so the next line starts something new.
        var previousIsComplete = true
        var contentSinceHeading = 0
        var index = 0
        while index < lines.count {
            defer { index += 1 }
            let line = lines[index].trimmed
            if blank[index] {
                previousIsBreak = true
                continue
            }
            if line.hasPrefix("```") || line.hasPrefix("~~~") { inFence.toggle() }
            if inFence || line.hasPrefix("```") || line.hasPrefix("~~~") {
                previousIsBreak = false
                contentSinceHeading += 1
                continue
            }
            var heading: (level: Int, title: Substring)?
            if let atx = Self.atxHeading(lines[index]) {
                heading = atx
            } else if index + 1 < lines.count, previousIsBreak, let level = Self.setextLevel(lines[index + 1]),
                !ListItemSplitter.hasListMarker(line), FieldLine.parse(line) == nil, !line.hasSuffix("."),
                !line.contains("|")
            {
                heading = (level, line)
                blank[index + 1] = true
                index += 1
            } else {
                heading = Self.inferredHeading(
                    line, previousIsBreak: previousIsBreak || linesAreParagraphs || previousIsComplete,
                    firstContent: contentSinceHeading == 0 && !found.isEmpty, vocabulary: vocabulary)
            }
            previousIsComplete = Self.isComplete(line)
            if let heading {
                var title = FieldLine.stripEmphasis(heading.title)
                if title.hasSuffix(":") { title = title.dropLast().trimmed }
                found.append((index, heading.level, String(title)))
                previousIsBreak = true
                contentSinceHeading = 0
            } else {
                previousIsBreak = false
                contentSinceHeading += 1
            }
        }
        self.blank = blank
        let tables = DocumentTable.tables(in: lines, blank: blank)
        self.tables = tables

        var headings: [Heading] = []
        var headingAt: [Int: Int] = [:]
        var open: [Int] = []
        for (position, entry) in found.enumerated() {
            while let last = open.last, headings[last].level >= entry.level {
                headings[last].coverEnd = entry.line
                open.removeLast()
            }
            if position > 0 { headings[position - 1].end = entry.line }
            headings.append(
                Heading(
                    line: entry.line, level: entry.level, title: entry.title, end: lines.count,
                    coverEnd: lines.count, parent: open.last, codeTokens: KnowledgeTokenizer.codeTokens(in: entry.title)
                ))
            headingAt[entry.line] = position
            open.append(position)
        }
        for index in headings.indices {
            var seen = 0
            var line = headings[index].line + 1
            while line < headings[index].end, seen < 3 {
                defer { line += 1 }
                guard !blank[line] else { continue }
                seen += 1
                if let field = FieldLine.parse(lines[line]), vocabulary.role(forFieldName: field.name) == .code {
                    headings[index].fieldCodeTokens = KnowledgeTokenizer.codeTokens(in: field.value)
                    break
                }
            }
        }
        self.headings = headings
        self.headingAt = headingAt
        tableCodeCells = tables.map { table in
            let column = table.header.firstIndex {
                vocabulary.role(forFieldName: FieldLine.stripEmphasis(Substring($0))) == .code
            }
            return table.rows.map { row in
                if let column {
                    return column < row.cells.count ? [KnowledgeTokenizer.codeTokens(in: row.cells[column])] : []
                }
                return row.cells.map { KnowledgeTokenizer.codeTokens(in: $0) }
            }
        }
    }

    /// The lines before the first heading.
    var preamble: Range<Int> { 0..<(headings.first?.line ?? lines.count) }

    /// Where the section of a code under `heading` ends: at the next heading at its level or above,
    /// or at a deeper heading that names another code (guides mix heading styles, so "**Code P4**"
    /// after "### F07" starts a sibling, not a child).
    func codeSectionEnd(of heading: Int) -> Int {
        let own = Set(headings[heading].codeTokens)
        var next = heading + 1
        while next < headings.count, headings[next].line < headings[heading].coverEnd {
            if headings[next].codeTokens.contains(where: { !own.contains($0) && KnowledgeTokenizer.isCodeLike($0) }) {
                return headings[next].line
            }
            next += 1
        }
        return headings[heading].coverEnd
    }

    /// The last heading before `line`.
    func heading(before line: Int) -> Int? {
        var low = 0
        var high = headings.count
        while low < high {
            let middle = (low + high) / 2
            if headings[middle].line < line { low = middle + 1 } else { high = middle }
        }
        return low == 0 ? nil : low - 1
    }

    /// The titles from the outermost enclosing heading down to `heading`.
    func path(of heading: Int) -> [String] {
        var titles: [String] = []
        var current: Int? = heading
        while let index = current {
            titles.append(headings[index].title)
            current = headings[index].parent
        }
        return titles.reversed()
    }

    /// Whether a line ends a sentence, or is a short field ("Severity: high") or a list item, so that
    /// the next line is not its wrapped continuation.
    static func isComplete(_ line: Substring) -> Bool {
        if let last = line.last, ".!?".contains(last) { return true }
        if let field = FieldLine.parse(line) { return field.value.split(separator: " ").count <= 3 }
        return ListItemSplitter.hasListMarker(line) && line.split(separator: " ").count <= 4
    }

    // MARK: - Heading styles

    /// `## Title ##` with at most three spaces of indentation.
    static func atxHeading(_ line: Substring) -> (level: Int, title: Substring)? {
        let indentation = line.prefix(while: { $0 == " " }).count
        guard indentation <= 3 else { return nil }
        let rest = line.dropFirst(indentation)
        let hashes = rest.prefix(while: { $0 == "#" }).count
        guard (1...6).contains(hashes) else { return nil }
        let after = rest.dropFirst(hashes)
        guard after.isEmpty || after.first == " " || after.first == "\t" else { return nil }
        var title = after.trimmed
        while title.last == "#" { title = title.dropLast() }
        title = title.trimmed
        return title.isEmpty ? nil : (hashes, title)
    }

    /// The level of a setext underline: `===` is 1, `---` is 2.
    static func setextLevel(_ line: Substring) -> Int? {
        let text = line.trimmed
        guard text.count >= 3, let first = text.first, first == "=" || first == "-" else { return nil }
        guard text.allSatisfy({ $0 == first }) else { return nil }
        return first == "=" ? 1 : 2
    }

    static func inferredHeading(
        _ line: Substring, previousIsBreak: Bool, firstContent: Bool, vocabulary: SectionFieldVocabulary
    ) -> (level: Int, title: Substring)? {
        guard line.count <= 100, line.filter({ $0 == "|" }).count < 2 else { return nil }
        let field = FieldLine.parse(line)

        // A record that starts with its code: "Code: E7", unless it is the first line under a heading.
        if let field, vocabulary.role(forFieldName: field.name) == .code, !field.value.isEmpty,
            field.value.split(separator: " ").count <= 4
        {
            return firstContent ? nil : (inferredLevel, line)
        }
        if ListItemSplitter.hasListMarker(line) { return nil }

        if let bold = FieldLine.boldText(line) {
            guard !bold.hasSuffix(":"), !vocabulary.isKnownFieldName(bold), FieldLine.parse(bold) == nil else {
                return nil
            }
            return (inferredLevel, bold)
        }
        if let numbered = numberedHeading(line, previousIsBreak: previousIsBreak) { return numbered }

        let titleText = line.hasSuffix(":") ? line.dropLast() : line
        if vocabulary.isKnownFieldName(titleText) { return nil }
        if let field, !field.value.isEmpty || vocabulary.role(forFieldName: field.name) != nil { return nil }

        let letters = line.filter(\.isLetter)
        if letters.count >= 3, !letters.contains(where: \.isLowercase), line.count <= 80 {
            return (inferredLevel, line)
        }

        // A short line that names a code: "Fault F07 (overheat)", "E2 – Low pressure", "Error P4:", or a
        // code label and a number: "Alarm 17", "Error code 404 - Not found".
        guard previousIsBreak, line.count <= 80, let first = line.first, first.isUppercase || first.isNumber,
            let last = line.last, !".,;!?".contains(last)
        else { return nil }
        let tokens = KnowledgeTokenizer.codeTokens(in: line)
        guard tokens.count <= 10 else { return nil }
        if tokens.contains(where: { KnowledgeTokenizer.isCodeLike($0) }) { return (inferredLevel, line) }
        for labelLength in 1...2 where labelLength < tokens.count {
            let label = tokens[0..<labelLength].joined(separator: " ")
            if tokens[labelLength].contains(where: \.isNumber), vocabulary.role(forFieldName: label) == .code,
                vocabulary.isKnownFieldName(label)
            {
                return (inferredLevel, line)
            }
        }
        return nil
    }

    /// "3.2 Error E2", "4 Fault codes", "4.1. ERR-12 Fan stalled": the level is the number of parts.
    static func numberedHeading(_ line: Substring, previousIsBreak: Bool) -> (level: Int, title: Substring)? {
        var index = line.startIndex
        var parts = 0
        var endsWithDot = false
        while index < line.endIndex, line[index].isASCII, line[index].isNumber {
            var digits = 0
            while index < line.endIndex, line[index].isASCII, line[index].isNumber {
                digits += 1
                index = line.index(after: index)
            }
            guard digits <= 2 else { return nil }
            parts += 1
            endsWithDot = false
            if index < line.endIndex, line[index] == "." {
                index = line.index(after: index)
                endsWithDot = true
            }
        }
        guard parts >= 1, parts <= 6, index < line.endIndex, line[index].isWhitespace else { return nil }
        if parts == 1 && (endsWithDot || !previousIsBreak) { return nil }
        let title = line[index...].trimmed
        guard let first = title.first, title.count <= 80, let last = title.last, !".,;".contains(last) else {
            return nil
        }
        let startsWithCode = KnowledgeTokenizer.codeTokens(in: title).first.map { KnowledgeTokenizer.isCodeLike($0) }
        guard first.isUppercase || startsWithCode == true else { return nil }
        if let field = FieldLine.parse(title), !field.value.isEmpty { return nil }
        return (parts, title)
    }
}
