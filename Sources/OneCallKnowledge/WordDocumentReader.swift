/// Turns the main part of a Word document (`word/document.xml`, WordprocessingML) into text with a
/// small tag scanner: one line per paragraph, `<w:t>` runs as text, `<w:tab/>` and `<w:br/>` as tab
/// and line break, heading and title styles (and outline levels) as Markdown headings, list
/// paragraphs as `- ` items, and each table row as one Markdown table line (`| a | b |`).
struct WordDocumentReader {
    private var lines: [String] = []
    private var paragraph = ""
    private var headingLevel: Int?
    private var isListParagraph = false
    private var inParagraphProperties = false
    private var inText = false
    /// Open table rows (tables nest), each with the cells closed so far and the open cell's text.
    private var rows: [(cells: [String], cell: String)] = []

    /// The text of a `document.xml`.
    static func text(fromDocumentXML xml: [UInt8]) -> String {
        var reader = WordDocumentReader()
        xml.withUnsafeBufferPointer { reader.scan($0) }
        // Drop leading, trailing and repeated blank lines.
        var result: [String] = []
        for line in reader.lines {
            if line.isEmpty, result.last?.isEmpty ?? true { continue }
            result.append(line)
        }
        while result.last?.isEmpty == true { result.removeLast() }
        return result.joined(separator: "\n")
    }

    private mutating func scan(_ xml: UnsafeBufferPointer<UInt8>) {
        var index = 0
        var textStart = 0
        while index < xml.count {
            guard xml[index] == UInt8(ascii: "<") else {
                index += 1
                continue
            }
            if inText, textStart < index { appendText(Self.decodeEntities(xml[textStart..<index])) }
            if Self.hasPrefix(xml, at: index, "<!--") {
                index = Self.find(xml, "-->", from: index + 4).map { $0 + 3 } ?? xml.count
            } else if Self.hasPrefix(xml, at: index, "<![CDATA[") {
                let end = Self.find(xml, "]]>", from: index + 9) ?? xml.count
                if inText { appendText(String(decoding: xml[(index + 9)..<end], as: UTF8.self)) }
                index = min(end + 3, xml.count)
            } else {
                var end = index + 1
                var quote: UInt8?
                while end < xml.count {
                    let byte = xml[end]
                    if let open = quote {
                        if byte == open { quote = nil }
                    } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                        quote = byte
                    } else if byte == UInt8(ascii: ">") {
                        break
                    }
                    end += 1
                }
                handleTag(xml[(index + 1)..<min(end, xml.count)])
                index = end + 1
            }
            textStart = index
        }
        if !paragraph.isEmpty { finishParagraph() }
    }

    private mutating func handleTag(_ tag: Slice<UnsafeBufferPointer<UInt8>>) {
        guard let first = tag.first, first != UInt8(ascii: "?"), first != UInt8(ascii: "!") else { return }
        let isClosing = first == UInt8(ascii: "/")
        let isEmpty = tag.last == UInt8(ascii: "/")
        var nameStart = isClosing ? tag.index(after: tag.startIndex) : tag.startIndex
        var nameEnd = nameStart
        while nameEnd < tag.endIndex, !Self.isNameEnd(tag[nameEnd]) {
            if tag[nameEnd] == UInt8(ascii: ":") { nameStart = nameEnd + 1 }
            nameEnd += 1
        }
        let name = String(decoding: tag[nameStart..<nameEnd], as: UTF8.self)
        switch (name, isClosing) {
        case ("p", false):
            if !paragraph.isEmpty { finishParagraph() }
            headingLevel = nil
            isListParagraph = false
            if isEmpty { finishParagraph() }
        case ("p", true): finishParagraph()
        case ("pPr", _): inParagraphProperties = !isClosing && !isEmpty
        case ("pStyle", false): applyStyle(Self.attribute("val", in: tag) ?? "")
        case ("outlineLvl", false):
            if let level = Int(Self.attribute("val", in: tag) ?? ""), level < 9 { headingLevel = min(level + 1, 6) }
        case ("numPr", false): if inParagraphProperties { isListParagraph = true }
        case ("t", false): inText = !isEmpty
        case ("t", true): inText = false
        case ("tab", false): if !inParagraphProperties { paragraph += "\t" }
        case ("br", false), ("cr", false): paragraph += "\n"
        case ("noBreakHyphen", false): paragraph += "-"
        case ("tr", false): if !isEmpty { rows.append((cells: [], cell: "")) }
        case ("tc", true):
            guard !rows.isEmpty else { break }
            rows[rows.count - 1].cells.append(rows[rows.count - 1].cell)
            rows[rows.count - 1].cell = ""
        case ("tr", true):
            guard let row = rows.popLast() else { break }
            let line = "| " + row.cells.joined(separator: " | ") + " |"
            if rows.isEmpty {
                lines.append(line)
            } else {
                rows[rows.count - 1].cell += rows[rows.count - 1].cell.isEmpty ? line : " " + line
            }
        default: break
        }
    }

    private mutating func applyStyle(_ style: String) {
        let key = style.lowercased().filter { $0 != " " && $0 != "-" && $0 != "_" }
        if key == "title" {
            headingLevel = 1
        } else if key == "subtitle" {
            headingLevel = 2
        } else if key.hasPrefix("heading"), let level = Int(key.dropFirst("heading".count)), level >= 1 {
            headingLevel = min(level, 6)
        } else if key.hasPrefix("list") {
            isListParagraph = true
        }
    }

    private mutating func appendText(_ text: String) {
        paragraph += text
    }

    private mutating func finishParagraph() {
        defer {
            paragraph = ""
            headingLevel = nil
            isListParagraph = false
            inText = false
        }
        let text = String(paragraph.trimmed)
        if !rows.isEmpty {
            guard !text.isEmpty else { return }
            let cell = text.collapsingWhitespace
            rows[rows.count - 1].cell += rows[rows.count - 1].cell.isEmpty ? cell : " " + cell
            return
        }
        guard !text.isEmpty else { return }
        if let headingLevel {
            let title = text.collapsingWhitespace
            lines.append("")
            lines.append(String(repeating: "#", count: headingLevel) + " " + title)
            lines.append("")
        } else if isListParagraph, !ListItemSplitter.hasListMarker(text) {
            lines.append("- " + text.collapsingWhitespace)
        } else {
            lines.append(contentsOf: text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init))
        }
    }

    private static func isNameEnd(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "/") || byte == UInt8(ascii: "\t")
            || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") || byte == UInt8(ascii: ">")
    }

    /// The value of the attribute whose local name is `name` (`w:val="Heading1"` for `val`).
    private static func attribute(_ name: String, in tag: Slice<UnsafeBufferPointer<UInt8>>) -> String? {
        let text = String(decoding: tag, as: UTF8.self)
        for separator in [":", " ", "\t", "\n"] {
            for quote in ["\"", "'"] {
                guard let range = text.range(of: separator + name + "=" + quote) else { continue }
                let rest = text[range.upperBound...]
                guard let end = rest.firstIndex(of: Character(quote)) else { return nil }
                return String(rest[..<end])
            }
        }
        return nil
    }

    private static func hasPrefix(_ xml: UnsafeBufferPointer<UInt8>, at index: Int, _ prefix: StaticString) -> Bool {
        let count = prefix.utf8CodeUnitCount
        guard index + count <= xml.count else { return false }
        let start = prefix.utf8Start
        for offset in 0..<count where xml[index + offset] != start[offset] { return false }
        return true
    }

    private static func find(_ xml: UnsafeBufferPointer<UInt8>, _ needle: StaticString, from start: Int) -> Int? {
        var index = start
        while index < xml.count {
            if hasPrefix(xml, at: index, needle) { return index }
            index += 1
        }
        return nil
    }

    /// Decodes the five predefined XML entities and numeric character references.
    static func decodeEntities(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) -> String {
        guard bytes.contains(UInt8(ascii: "&")) else { return String(decoding: bytes, as: UTF8.self) }
        let text = String(decoding: bytes, as: UTF8.self)
        var result = ""
        result.reserveCapacity(text.utf8.count)
        var rest = Substring(text)
        while let ampersand = rest.firstIndex(of: "&") {
            result += rest[..<ampersand]
            guard let semicolon = rest[ampersand...].firstIndex(of: ";"),
                rest.distance(from: ampersand, to: semicolon) <= 10
            else {
                result += "&"
                rest = rest[rest.index(after: ampersand)...]
                continue
            }
            let entity = rest[rest.index(after: ampersand)..<semicolon]
            switch entity {
            case "lt": result += "<"
            case "gt": result += ">"
            case "amp": result += "&"
            case "quot": result += "\""
            case "apos": result += "'"
            default:
                var scalar: Unicode.Scalar?
                if entity.hasPrefix("#x") || entity.hasPrefix("#X") {
                    scalar = UInt32(entity.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init)
                } else if entity.hasPrefix("#") {
                    scalar = UInt32(entity.dropFirst()).flatMap(Unicode.Scalar.init)
                }
                if let scalar { result.unicodeScalars.append(scalar) } else { result += "&" + entity + ";" }
            }
            rest = rest[rest.index(after: semicolon)...]
        }
        result += rest
        return result
    }
}
