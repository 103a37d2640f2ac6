/// Cuts sections into ``KnowledgeChunk``s: paragraphs (blank-line separated blocks) packed up to the
/// chunk size, a longer paragraph cut at lines, then at white space, then anywhere; each chunk after
/// the first of a section starts with the end of the one before. Chunks never span two sections.
struct ChunkBuilder {
    var chunkCharacters: Int
    var overlapCharacters: Int
    var maximumChunks: Int

    /// A paragraph or a piece of one, with the lines it came from.
    private struct Unit {
        var text: String
        var count: Int
        var lines: ClosedRange<Int>
    }

    /// The chunks of every section, in document order.
    func chunks(lines: [String], sections: [KnowledgeSection]) throws(KnowledgeError) -> [KnowledgeChunk] {
        var chunks: [KnowledgeChunk] = []
        var path: [(level: Int, heading: String)] = []
        for (sectionIndex, section) in sections.enumerated() {
            while let last = path.last, last.level >= section.level { path.removeLast() }
            if section.level > 0 { path.append((section.level, section.heading)) }
            let headingPath = path.map(\.heading).filter { !$0.isEmpty }
            var current: Unit?
            func emit() throws(KnowledgeError) {
                guard let unit = current else { return }
                guard chunks.count < maximumChunks else {
                    throw KnowledgeError(
                        code: .tooManyChunks, message: "the document gives more than \(maximumChunks) search chunks")
                }
                chunks.append(
                    KnowledgeChunk(
                        sectionIndex: sectionIndex, headingPath: headingPath, text: unit.text, lineRange: unit.lines))
            }
            for unit in units(of: section, lines) {
                guard var chunk = current else {
                    current = unit
                    continue
                }
                if chunk.count + 2 + unit.count <= chunkCharacters {
                    chunk.text += "\n\n" + unit.text
                    chunk.count += 2 + unit.count
                    chunk.lines = chunk.lines.lowerBound...unit.lines.upperBound
                    current = chunk
                    continue
                }
                try emit()
                let tail = overlap(of: chunk.text)
                if tail.isEmpty {
                    current = unit
                } else {
                    current = Unit(text: tail + " " + unit.text, count: tail.count + 1 + unit.count, lines: unit.lines)
                }
            }
            try emit()
        }
        return chunks
    }

    /// The last `overlapCharacters` of `text` or fewer, starting at a word.
    private func overlap(of text: String) -> String {
        guard overlapCharacters > 0 else { return "" }
        var start =
            text.index(text.endIndex, offsetBy: -overlapCharacters, limitedBy: text.startIndex) ?? text.startIndex
        if start > text.startIndex {
            if let space = text[start...].firstIndex(where: \.isWhitespace) {
                start = text.index(after: space)
            } else {
                return ""
            }
        }
        return String(text[start...].trimmedWhitespace.map { $0.isNewline ? " " : $0 })
    }

    /// The section's paragraphs, each at most `chunkCharacters` long.
    private func units(of section: KnowledgeSection, _ lines: [String]) -> [Unit] {
        var units: [Unit] = []
        var block: [Int] = []
        func flush() {
            guard let first = block.first, let last = block.last else { return }
            let text = block.map { lines[$0] }.joined(separator: "\n")
            let count = text.count
            if count <= chunkCharacters {
                units.append(Unit(text: text, count: count, lines: (first + 1)...(last + 1)))
            } else {
                for index in block {
                    for piece in pieces(of: lines[index]) {
                        units.append(Unit(text: piece, count: piece.count, lines: (index + 1)...(index + 1)))
                    }
                }
            }
            block.removeAll()
        }
        for index in section.bodyLines {
            if lines[index].isBlank {
                flush()
            } else {
                block.append(index)
            }
        }
        flush()
        return units
    }

    /// A line cut into pieces of at most `chunkCharacters`, at white space where there is some in the
    /// second half of the piece.
    private func pieces(of line: String) -> [String] {
        let text = line.trimmedWhitespace
        var pieces: [String] = []
        var start = text.startIndex
        while start < text.endIndex {
            guard let limit = text.index(start, offsetBy: chunkCharacters, limitedBy: text.endIndex),
                limit < text.endIndex
            else {
                pieces.append(String(text[start...]))
                break
            }
            var cut = limit
            let earliest = text.index(start, offsetBy: chunkCharacters / 2)
            if let space = text[earliest..<limit].lastIndex(where: \.isWhitespace) { cut = space }
            let piece = text[start..<cut].trimmedWhitespace
            if !piece.isEmpty { pieces.append(String(piece)) }
            start = cut
            while start < text.endIndex, text[start].isWhitespace { start = text.index(after: start) }
        }
        return pieces
    }
}
