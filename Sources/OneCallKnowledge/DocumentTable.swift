/// A table in a document's text: Markdown pipe tables (`| Code | Actions |`) and the table rows of
/// converted Word documents. The first row is the header; separator rows (`|---|`) are skipped.
struct DocumentTable: Sendable {
    /// One body row.
    struct Row: Sendable {
        var line: Int
        var cells: [String]
    }

    var headerLine: Int
    var header: [String]
    var rows: [Row]

    /// The tables of `lines` (at least a header and one row each).
    static func tables(in lines: [Substring], blank: [Bool]) -> [DocumentTable] {
        var tables: [DocumentTable] = []
        var current: DocumentTable?
        for index in lines.indices {
            guard !blank[index], let cells = cells(of: lines[index]) else {
                if let table = current, !table.rows.isEmpty { tables.append(table) }
                current = nil
                continue
            }
            if cells.allSatisfy({ !$0.isEmpty && $0.allSatisfy { ":- ".contains($0) } }) { continue }
            if current == nil {
                current = DocumentTable(headerLine: index, header: cells, rows: [])
            } else {
                current?.rows.append(Row(line: index, cells: cells))
            }
        }
        if let table = current, !table.rows.isEmpty { tables.append(table) }
        return tables
    }

    /// The cells of a table line (one with at least two pipes), without the pipes at its ends.
    static func cells(of line: Substring) -> [String]? {
        let text = line.trimmed
        guard text.filter({ $0 == "|" }).count >= 2 else { return nil }
        var cells = text.split(separator: "|", omittingEmptySubsequences: false).map { String($0.trimmed) }
        if text.hasPrefix("|") { cells.removeFirst() }
        if text.hasSuffix("|"), !cells.isEmpty { cells.removeLast() }
        return cells.count >= 2 ? cells : nil
    }

    /// The items of a cell: parts separated by `<br>`, else an inline numbered list, else sentences.
    static func items(of cell: String) -> [String] {
        var parts: [String] = []
        var rest = Substring(cell)
        while let open = rest.firstIndex(of: "<") {
            let tail = rest[open...].lowercased()
            guard tail.hasPrefix("<br"), let close = rest[open...].firstIndex(of: ">") else { break }
            parts.append(String(rest[..<open]))
            rest = rest[rest.index(after: close)...]
        }
        parts.append(String(rest))
        let trimmed = parts.map { String($0.trimmed) }.filter { !$0.isEmpty }
        guard trimmed.count == 1, let only = trimmed.first else { return trimmed }
        return ListItemSplitter.inlineNumberedItems(only) ?? ListItemSplitter.sentences(only)
    }
}
