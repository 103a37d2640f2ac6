extension KnowledgeIndex {
    /// Where a code was found.
    private struct CodeMatch {
        /// Sorted ascending: defined before mentioned, newer document, heading, field, table row, fewer
        /// codes in the heading, outer heading, earlier line.
        var rank: [Int]
        var entry: Int
        var heading: Int?
        /// A table row: the table and the row within it.
        var row: (table: Int, row: Int)?
        /// The first line of the match.
        var line: Int
    }

    /// The section that covers the error `code`, or `nil` when none does. See `sections(forCode:)`
    /// for how it is chosen.
    public func section(forCode code: String) -> KnowledgeSection? {
        sections(forCode: code).first
    }

    /// Every section that covers the error `code`, the preferred one first; more than one means
    /// that documents (or one document) define the code more than once.
    ///
    /// The code is compared as whole tokens, ignoring case (`E1` is not in "E10" or "E1a"). A section
    /// defines a code when its heading names it ("## Error Code: E1", "Fault F07 (overheat)",
    /// "4.1 ERR-12 Fan stalled"), when one of its first lines is a code field ("Code: E7"), or when a
    /// table row has the code in its code column (a column headed "Code", or a cell that is just
    /// the code); the row then reads as a section whose fields are the table's columns. Among those,
    /// the most recently added document wins, then a heading over a field over a table row, then the
    /// heading that names fewest codes. Only when no section defines the code does a section that
    /// mentions it in its text, and has troubleshooting steps or actions, cover it.
    public func sections(forCode code: String) -> [KnowledgeSection] {
        let wanted = KnowledgeTokenizer.codeTokens(in: code)
        guard !wanted.isEmpty else { return [] }
        var matches: [CodeMatch] = []
        for (entryIndex, entry) in entries.enumerated() {
            let outline = entry.outline
            for (index, heading) in outline.headings.enumerated() {
                if Self.contains(heading.codeTokens, wanted) {
                    let codes = heading.codeTokens.filter { KnowledgeTokenizer.isCodeLike($0) }.count
                    matches.append(
                        CodeMatch(
                            rank: [0, -entryIndex, 0, codes, heading.level, heading.line], entry: entryIndex,
                            heading: index, line: heading.line))
                } else if Self.contains(heading.fieldCodeTokens, wanted) {
                    matches.append(
                        CodeMatch(
                            rank: [0, -entryIndex, 1, 0, heading.level, heading.line], entry: entryIndex,
                            heading: index, line: heading.line))
                }
            }
            for (tableIndex, table) in outline.tables.enumerated() {
                let codeCells = outline.tableCodeCells[tableIndex]
                for (rowIndex, row) in table.rows.enumerated() where rowHasCode(codeCells[rowIndex], wanted: wanted) {
                    matches.append(
                        CodeMatch(
                            rank: [0, -entryIndex, 2, 0, 0, row.line], entry: entryIndex, heading: nil,
                            row: (tableIndex, rowIndex), line: row.line))
                }
            }
        }
        if matches.isEmpty { matches = mentions(of: wanted, code: code) }
        matches.sort { $0.rank.lexicographicallyPrecedes($1.rank) }

        var chosen: [CodeMatch] = []
        for match in matches {
            let covered = chosen.contains { earlier in
                guard earlier.entry == match.entry else { return false }
                guard let outer = earlier.heading, earlier.row == nil else { return earlier.line == match.line }
                let outline = entries[match.entry].outline
                return match.line >= outline.headings[outer].line && match.line < outline.codeSectionEnd(of: outer)
            }
            if !covered { chosen.append(match) }
        }
        return chosen.map { match in
            if let row = match.row { return tableSection(entry: match.entry, table: row.table, row: row.row) }
            return section(entry: match.entry, heading: match.heading, endsAtOtherCodes: true)
        }
    }

    /// Whether the code is in the row's code column, or (in a table without one) is a whole cell.
    private func rowHasCode(_ cells: [[String]], wanted: [String]) -> Bool {
        if cells.count == 1 { return Self.contains(cells[0], wanted) }
        return cells.contains { $0 == wanted }
    }

    /// A table row as a section: titled by its code cell, with a field per column.
    private func tableSection(entry: Int, table: Int, row: Int) -> KnowledgeSection {
        let outline = entries[entry].outline
        let table = outline.tables[table]
        let cells = table.rows[row].cells
        var fields: [KnowledgeField] = []
        var title = String(FieldLine.stripEmphasis(Substring(cells.first ?? "")))
        for (column, name) in table.header.enumerated() where column < cells.count {
            let label = String(FieldLine.stripEmphasis(Substring(name)))
            if fieldVocabulary.role(forFieldName: label) == .code {
                title = String(FieldLine.stripEmphasis(Substring(cells[column])))
            }
            guard !label.isEmpty, !cells[column].isEmpty else { continue }
            fields.append(
                KnowledgeField(name: label, value: cells[column], items: DocumentTable.items(of: cells[column])))
        }
        let heading = outline.heading(before: table.headerLine)
        let lines = [outline.lines[table.headerLine], outline.lines[table.rows[row].line]].map { String($0.trimmed) }
        return KnowledgeSection(
            documentName: entries[entry].document.name, title: title, level: KnowledgeSection.tableRowLevel,
            path: (heading.map { outline.path(of: $0) } ?? []) + [title], text: lines.joined(separator: "\n"),
            body: lines[1], fields: fields)
    }

    /// Sections whose own text (not counting sub-sections) mentions the code and has steps or actions.
    private func mentions(of wanted: [String], code: String) -> [CodeMatch] {
        guard let term = KnowledgeTokenizer.searchTerms(in: code).first, let list = postings[term] else { return [] }
        var result: [CodeMatch] = []
        var seen: Set<[Int]> = []
        for posting in list {
            let reference = references[Int(posting.chunk)]
            let entryIndex = Int(reference.entry)
            let entry = entries[entryIndex]
            let heading = entry.chunkHeadings[Int(reference.chunk)]
            guard seen.insert([entryIndex, heading ?? -1]).inserted,
                Self.contains(KnowledgeTokenizer.codeTokens(in: entry.chunks[Int(reference.chunk)].text), wanted)
            else { continue }
            let outline = entry.outline
            let own = heading.map { (outline.headings[$0].line + 1)..<outline.headings[$0].end } ?? outline.preamble
            let fields = SectionFieldParser(outline: outline, vocabulary: fieldVocabulary).fields(in: own)
            let isRunbook = fields.contains { field in
                let role = fieldVocabulary.role(forFieldName: field.name)
                return role == .steps || role == .actions
            }
            let line = heading.map { outline.headings[$0].line } ?? 0
            if isRunbook {
                result.append(
                    CodeMatch(rank: [1, -entryIndex, 0, 0, 0, line], entry: entryIndex, heading: heading, line: line))
            }
        }
        return result
    }

    /// Whether `tokens` holds `part` as a contiguous run.
    static func contains(_ tokens: [String], _ part: [String]) -> Bool {
        guard !part.isEmpty, part.count <= tokens.count else { return false }
        for start in 0...(tokens.count - part.count) where tokens[start..<(start + part.count)].elementsEqual(part) {
            return true
        }
        return false
    }
}
