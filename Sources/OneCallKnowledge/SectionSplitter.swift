/// Finds the headings of a document and cuts it into ``KnowledgeSection``s.
struct SectionSplitter {
    /// A heading: the lines it spans, its level and its text.
    struct Heading {
        var lines: Range<Int>
        var level: Int
        var text: String
    }

    var format: KnowledgeFormat
    var maximumSections: Int

    /// The sections of `lines`, in order.
    func sections(of lines: [String]) throws(KnowledgeError) -> [KnowledgeSection] {
        let headings = try format == .markdown ? markdownHeadings(lines) : plainTextHeadings(lines)
        var sections: [KnowledgeSection] = []
        let firstHeading = headings.first?.lines.lowerBound ?? lines.count
        if lines[0..<firstHeading].contains(where: { !$0.isBlank }) {
            sections.append(section(heading: "", level: 0, headingLines: 0..<0, bodyLines: 0..<firstHeading, lines))
        }
        guard sections.count + headings.count <= maximumSections else { throw tooMany(sections.count + headings.count) }
        for (index, heading) in headings.enumerated() {
            let end = index + 1 < headings.count ? headings[index + 1].lines.lowerBound : lines.count
            sections.append(
                section(
                    heading: heading.text, level: heading.level, headingLines: heading.lines,
                    bodyLines: heading.lines.upperBound..<end, lines))
        }
        return sections
    }

    private func tooMany(_ count: Int) -> KnowledgeError {
        KnowledgeError(
            code: .tooManySections,
            message: "the document has more than \(maximumSections) sections",
            detail: "at least \(count) sections")
    }

    private func section(
        heading: String, level: Int, headingLines: Range<Int>, bodyLines: Range<Int>, _ lines: [String]
    ) -> KnowledgeSection {
        let firstText = bodyLines.first(where: { !lines[$0].isBlank })
        let lastText = bodyLines.last(where: { !lines[$0].isBlank })
        let body: String
        if let firstText, let lastText {
            body = lines[firstText...lastText].joined(separator: "\n")
        } else {
            body = ""
        }
        let start = headingLines.isEmpty ? (firstText ?? bodyLines.lowerBound) : headingLines.lowerBound
        let end = lastText ?? max(start, headingLines.upperBound - 1)
        return KnowledgeSection(
            heading: heading, level: level, body: body, lineRange: (start + 1)...(end + 1), headingLines: headingLines,
            bodyLines: bodyLines)
    }

    // MARK: Markdown

    private func markdownHeadings(_ lines: [String]) throws(KnowledgeError) -> [Heading] {
        var headings: [Heading] = []
        var openFence: (character: Character, length: Int)?
        var lastHeadingEnd = 0
        func add(_ heading: Heading) throws(KnowledgeError) {
            guard headings.count < maximumSections else { throw tooMany(headings.count + 1) }
            headings.append(heading)
            lastHeadingEnd = heading.lines.upperBound
        }
        for index in lines.indices {
            let line = lines[index]
            if let fence = LineSyntax.fence(line) {
                if let open = openFence {
                    if fence.character == open.character && fence.length >= open.length { openFence = nil }
                } else {
                    openFence = fence
                }
                continue
            }
            if openFence != nil { continue }
            if let atx = LineSyntax.atxHeading(line) {
                try add(Heading(lines: index..<(index + 1), level: atx.level, text: atx.text))
            } else if let level = LineSyntax.setextLevel(line), index > 0,
                canBeSetextText(lines, index - 1, after: lastHeadingEnd)
            {
                let text = String(lines[index - 1].trimmedWhitespace)
                try add(Heading(lines: (index - 1)..<(index + 1), level: level, text: text))
            }
        }
        return headings
    }

    /// Whether line `index` can be the text of a setext heading: a one-line paragraph that is not a list
    /// item, a table row, a fence or part of an earlier heading.
    private func canBeSetextText(_ lines: [String], _ index: Int, after lastHeadingEnd: Int) -> Bool {
        let line = lines[index]
        guard index >= lastHeadingEnd, !line.isBlank, LineSyntax.indentation(line) <= 3 else { return false }
        guard LineSyntax.listItem(line) == nil, LineSyntax.fence(line) == nil, LineSyntax.setextLevel(line) == nil
        else { return false }
        guard !line.trimmedWhitespace.hasPrefix("|"), LineSyntax.atxHeading(line) == nil else { return false }
        return index == 0 || index == lastHeadingEnd || lines[index - 1].isBlank
    }

    // MARK: Plain text

    private func plainTextHeadings(_ lines: [String]) throws(KnowledgeError) -> [Heading] {
        var headings: [Heading] = []
        var lastHeadingEnd = 0
        var index = 0
        while index < lines.count {
            let line = lines[index]
            if line.isBlank {
                index += 1
                continue
            }
            let previousIsBreak = index == 0 || index == lastHeadingEnd || lines[index - 1].isBlank
            var heading: Heading?
            if index + 1 < lines.count, let level = LineSyntax.setextLevel(lines[index + 1]),
                canBeSetextText(lines, index, after: lastHeadingEnd)
            {
                heading = Heading(lines: index..<(index + 2), level: level, text: String(line.trimmedWhitespace))
            } else if let atx = LineSyntax.atxHeading(line) {
                heading = Heading(lines: index..<(index + 1), level: atx.level, text: atx.text)
            } else if let level = plainHeadingLevel(lines, index, previousIsBreak: previousIsBreak) {
                var text = line.trimmedWhitespace
                if text.last == ":" { text = text.dropLast().trimmedWhitespace }
                heading = Heading(lines: index..<(index + 1), level: level, text: String(text))
            }
            if let heading {
                guard headings.count < maximumSections else { throw tooMany(headings.count + 1) }
                headings.append(heading)
                lastHeadingEnd = heading.lines.upperBound
                index = heading.lines.upperBound
            } else {
                index += 1
            }
        }
        return headings
    }

    /// The level of a plain-text line that looks like a heading, or `nil`.
    private func plainHeadingLevel(_ lines: [String], _ index: Int, previousIsBreak: Bool) -> Int? {
        let text = lines[index].trimmedWhitespace
        guard text.count <= 100, let first = text.first, first.isLetter || first.isNumber else { return nil }
        guard !text.contains("|"), !text.contains("\t") else { return nil }
        let words = text.wordCount
        let nextIsBreak = index + 1 == lines.count || lines[index + 1].isBlank
        let nextText = lines[(index + 1)...].first(where: { !$0.isBlank })
        let endsSentence = LineSyntax.endsSentence(text)
        // Numbered headings: "2. Scope", "2.1 Fault codes" — standing alone, not a loose list.
        if let level = numberedHeadingLevel(text), previousIsBreak, nextIsBreak, words <= 10, !endsSentence,
            let nextText, LineSyntax.listItem(nextText) == nil, numberedHeadingLevel(nextText.trimmedWhitespace) == nil,
            lines[..<index].last(where: { !$0.isBlank }).map({ LineSyntax.listItem($0) == nil }) ?? true
        {
            return level
        }
        if LineSyntax.listItem(text) != nil { return nil }
        // ALL CAPITALS.
        let letters = text.filter(\.isLetter)
        if previousIsBreak, letters.count >= 3, words <= 10, !endsSentence,
            letters.allSatisfy({ !$0.isLowercase })
        {
            return 1
        }
        // A short label ending with a colon: "Troubleshooting:", "Code HT2:".
        if text.last == ":", words <= 6, text.dropLast().firstIndex(of: ":") == nil, first.isUppercase || first.isNumber
        {
            return 3
        }
        // A short line standing alone between blank lines, followed by more text.
        if previousIsBreak, nextIsBreak, nextText != nil, text.count <= 60, words <= 8, !endsSentence {
            return 2
        }
        return nil
    }

    /// The depth of a numbered heading's number: `2 Scope` and `2. Scope` are 1, `2.1 Faults` is 2.
    private func numberedHeadingLevel(_ text: Substring) -> Int? {
        var depth = 0
        var rest = text[...]
        while let first = rest.first, first.isASCII && first.isNumber {
            let digits = rest.prefix(while: { $0.isASCII && $0.isNumber })
            guard digits.count <= 3 else { return nil }
            depth += 1
            rest = rest[digits.endIndex...]
            if rest.first == "." { rest = rest.dropFirst() } else { break }
        }
        guard depth >= 1, depth <= 6, let separator = rest.first, separator == " " || separator == "\t" else {
            return nil
        }
        let title = rest.trimmedWhitespace
        guard let initial = title.first, initial.isLetter else { return nil }
        return depth
    }
}
