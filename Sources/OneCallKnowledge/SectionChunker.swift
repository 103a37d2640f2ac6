/// Cuts a section's own text into chunks of about `limit` characters: whole paragraphs where they
/// fit, else sentences, else words.
enum SectionChunker {
    static func chunks(of outline: DocumentOutline, lines range: Range<Int>, limit: Int) -> [String] {
        let limit = max(limit, 64)
        var paragraphs: [String] = []
        var paragraph = ""
        for index in range {
            if outline.blank[index] || outline.headingAt[index] != nil {
                if !paragraph.isEmpty { paragraphs.append(paragraph) }
                paragraph = ""
                continue
            }
            let line = outline.lines[index].trimmed
            if !paragraph.isEmpty { paragraph += "\n" }
            paragraph += line
        }
        if !paragraph.isEmpty { paragraphs.append(paragraph) }

        var chunks: [String] = []
        var current = ""
        func add(_ piece: String) {
            if !current.isEmpty, current.utf8.count + piece.utf8.count + 2 > limit {
                chunks.append(current)
                current = ""
            }
            current += current.isEmpty ? piece : "\n\n" + piece
        }
        for paragraph in paragraphs {
            guard paragraph.utf8.count > limit else {
                add(paragraph)
                continue
            }
            for sentence in ListItemSplitter.sentences(paragraph) {
                if sentence.utf8.count <= limit {
                    add(sentence)
                } else {
                    for piece in splitWords(sentence, limit: limit) { add(piece) }
                }
            }
        }
        if !current.isEmpty { chunks.append(current) }
        return chunks
    }

    /// Pieces of at most `limit` UTF-8 bytes, cut at white space where there is some.
    private static func splitWords(_ text: String, limit: Int) -> [String] {
        var pieces: [String] = []
        var current = ""
        for word in text.split(whereSeparator: \.isWhitespace) {
            var word = Substring(word)
            while word.utf8.count > limit {
                if !current.isEmpty {
                    pieces.append(current)
                    current = ""
                }
                var cut = word.startIndex
                var bytes = 0
                while cut < word.endIndex, bytes + word[cut].utf8.count <= limit {
                    bytes += word[cut].utf8.count
                    cut = word.index(after: cut)
                }
                pieces.append(String(word[..<cut]))
                word = word[cut...]
            }
            if !current.isEmpty, current.utf8.count + word.utf8.count + 1 > limit {
                pieces.append(current)
                current = ""
            }
            if !word.isEmpty { current += current.isEmpty ? String(word) : " " + word }
        }
        if !current.isEmpty { pieces.append(current) }
        return pieces
    }
}
