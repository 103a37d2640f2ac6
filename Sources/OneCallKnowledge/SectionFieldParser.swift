/// Reads the labelled fields of a section: "Name: value" lines, a label line followed by a numbered
/// or bulleted list (which runs to the next label or heading), and sub-headings that are labels
/// ("### Actions").
struct SectionFieldParser {
    let outline: DocumentOutline
    let vocabulary: SectionFieldVocabulary

    private struct Builder {
        var name: String
        var value: String
        var items: [String] = []
        /// The label had no value on its line: the lines below are its items.
        var isList: Bool
        /// The last item came from a list marker (so lines below it without one continue it).
        var lastItemHasMarker = false

        func field() -> KnowledgeField {
            var result: [String]
            if items.isEmpty {
                result =
                    value.isEmpty
                    ? [] : ListItemSplitter.inlineNumberedItems(value) ?? ListItemSplitter.sentences(value)
            } else if value.isEmpty || value.hasSuffix(":") {
                // No value, or a lead-in ("Do the following:").
                result = items
            } else {
                result = (ListItemSplitter.inlineNumberedItems(value) ?? ListItemSplitter.sentences(value)) + items
            }
            return KnowledgeField(name: name, value: value, items: result)
        }
    }

    func fields(in range: Range<Int>) -> [KnowledgeField] {
        var fields: [KnowledgeField] = []
        var current: Builder?
        var sawBlank = false
        func close() {
            if let builder = current { fields.append(builder.field()) }
            current = nil
        }
        func start(_ name: Substring, _ value: Substring) {
            close()
            current = Builder(name: String(name), value: String(value), isList: value.isEmpty)
        }

        for index in range {
            if outline.blank[index] {
                sawBlank = true
                continue
            }
            defer { sawBlank = false }
            if let heading = outline.headingAt[index] {
                let title = outline.headings[heading].title
                if FieldLine.isLabel(Substring(title)) || vocabulary.isKnownFieldName(title) {
                    start(Substring(title), "")
                } else {
                    close()
                }
                continue
            }
            var line = outline.lines[index].trimmed
            while line.first == ">" { line = line.dropFirst().trimmed }
            if line.hasPrefix("|") || line.filter({ $0 == "|" }).count >= 2 {
                if let cells = Self.keyValueCells(line) {
                    start(cells.name, cells.value)
                } else {
                    close()
                }
                continue
            }

            if let item = ListItemSplitter.itemText(line) {
                if var builder = current, builder.isList || !builder.items.isEmpty {
                    builder.items.append(String(item))
                    builder.lastItemHasMarker = true
                    current = builder
                } else if let field = label(item) {
                    start(field.name, field.value)
                } else if var builder = current, !sawBlank || builder.value.hasSuffix(":") {
                    builder.items.append(String(item))
                    builder.lastItemHasMarker = true
                    current = builder
                } else {
                    close()
                }
                continue
            }
            if let field = label(line) {
                start(field.name, field.value)
                continue
            }
            guard var builder = current else { continue }
            if builder.isList {
                if builder.items.isEmpty || outline.linesAreParagraphs {
                    builder.items.append(String(line))
                    builder.lastItemHasMarker = false
                } else if sawBlank {
                    close()
                    continue
                } else if builder.lastItemHasMarker
                    || !(line.first?.isUppercase ?? false || line.first?.isNumber ?? false)
                {
                    builder.items[builder.items.count - 1] += " " + line
                } else {
                    builder.items.append(String(line))
                    builder.lastItemHasMarker = false
                }
            } else if sawBlank {
                close()
                continue
            } else if outline.linesAreParagraphs {
                // A line break inside a Word paragraph, or the next paragraph: another item.
                builder.items.append(String(line))
                builder.lastItemHasMarker = false
            } else if !builder.items.isEmpty {
                builder.items[builder.items.count - 1] += " " + line
            } else {
                builder.value += " " + line
            }
            current = builder
        }
        close()
        return fields
    }

    /// A label line: "Name: value", "**Name:**", or a known field name on its own ("ACTIONS",
    /// "Troubleshooting steps").
    private func label(_ line: Substring) -> (name: Substring, value: Substring)? {
        if let bold = FieldLine.boldText(line) {
            let name = bold.hasSuffix(":") ? bold.dropLast() : bold
            if bold.hasSuffix(":") || vocabulary.isKnownFieldName(name) { return (name.trimmed, "") }
        }
        if let field = FieldLine.parse(line) { return field }
        let bare = line.hasSuffix(":") ? line.dropLast() : line
        if vocabulary.isKnownFieldName(FieldLine.stripEmphasis(bare)) { return (FieldLine.stripEmphasis(bare), "") }
        return nil
    }

    /// A two-cell table row whose first cell is a label: `| Severity | high |`.
    private static func keyValueCells(_ line: Substring) -> (name: Substring, value: Substring)? {
        var cells = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmed }
        if cells.first?.isEmpty == true { cells.removeFirst() }
        if cells.last?.isEmpty == true { cells.removeLast() }
        guard cells.count == 2 else { return nil }
        let name = FieldLine.stripEmphasis(cells[0])
        guard FieldLine.isLabel(name), !cells[1].allSatisfy({ $0 == "-" || $0 == ":" || $0 == " " }) else {
            return nil
        }
        return (name, cells[1])
    }
}
