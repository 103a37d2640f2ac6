/// Reduces SSML (`<speak>…</speak>`) to the text it speaks: tags removed, breaks and paragraph
/// ends turned into pauses (commas and full stops), entities decoded, white space collapsed.
public enum SSMLText {
    /// The plain text of an SSML document.
    public static func plainText(_ ssml: String) -> String {
        var text = ""
        var index = ssml.startIndex
        while index < ssml.endIndex {
            let character = ssml[index]
            if character == "<" {
                guard let close = ssml[index...].firstIndex(of: ">") else { break }
                let tag = ssml[ssml.index(after: index)..<close].lowercased()
                let name = tag.drop(while: { $0 == "/" }).prefix(while: { $0.isLetter || $0 == ":" })
                if name == "break" {
                    text += ", "
                } else if tag.hasPrefix("/")
                    && (name == "p" || name == "s" || name == "paragraph" || name == "sentence")
                {
                    text += ". "
                } else {
                    text += " "
                }
                index = ssml.index(after: close)
            } else if character == "&" {
                let end = ssml[index...].prefix(12).firstIndex(of: ";")
                if let end, let decoded = decode(ssml[ssml.index(after: index)..<end]) {
                    text.append(decoded)
                    index = ssml.index(after: end)
                } else {
                    text.append(character)
                    index = ssml.index(after: index)
                }
            } else {
                text.append(character)
                index = ssml.index(after: index)
            }
        }
        let words = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        // Tidy the pauses left by adjacent tags (" ,", ". ." and the like).
        var result = ""
        for character in words {
            if character == "," || character == "." {
                while result.last == " " { result.removeLast() }
                if let last = result.last, last == "," || last == "." {
                    if character == "." { result.removeLast() } else { continue }
                }
                if result.isEmpty { continue }
            }
            result.append(character)
        }
        while let last = result.last, last == " " || last == "," { result.removeLast() }
        return result
    }

    private static func decode(_ entity: Substring) -> Character? {
        switch entity {
        case "amp": return "&"
        case "lt": return "<"
        case "gt": return ">"
        case "quot": return "\""
        case "apos": return "'"
        default:
            guard entity.first == "#" else { return nil }
            let digits = entity.dropFirst()
            let value =
                digits.first == "x" || digits.first == "X" ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits)
            return value.flatMap(Unicode.Scalar.init).map(Character.init)
        }
    }
}
