/// Splits AWS IoT SQL text into tokens on demand, so that a substitution template can stop at the `}`
/// that closes its expression. AWS IoT SQL has no comments.
struct RuleLexer {
    let text: [UInt8]
    private(set) var index: Int

    init(text: [UInt8], start: Int = 0) {
        self.text = text
        self.index = start
    }

    /// The line and column (both from 1, columns in Unicode scalars) of a byte offset.
    static func position(of offset: Int, in text: [UInt8]) -> (line: Int, column: Int) {
        var line = 1
        var column = 1
        for byte in text[..<min(offset, text.count)] {
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        return (line, column)
    }

    /// A syntax error at a byte offset of this text.
    func error(_ code: RuleSyntaxError.Code, at offset: Int, _ message: String) -> RuleSyntaxError {
        let (line, column) = Self.position(of: offset, in: text)
        return RuleSyntaxError(code: code, line: line, column: column, message: message)
    }

    mutating func skipWhitespace() {
        while index < text.count {
            switch text[index] {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"): index += 1
            default: return
            }
        }
    }

    /// The next token.
    mutating func next() throws(RuleSyntaxError) -> RuleToken {
        skipWhitespace()
        let start = index
        guard index < text.count else { return RuleToken(kind: .end, offset: start) }
        let byte = text[index]
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "_"):
            return RuleToken(kind: .identifier(readName()), offset: start)
        case UInt8(ascii: "@"):
            index += 1
            guard index < text.count, Self.isNameStart(text[index]) || Self.isDigit(text[index]) else {
                throw error(.invalidVariable, at: start, "expected a variable name after '@'")
            }
            return RuleToken(kind: .variable(readName()), offset: start)
        case UInt8(ascii: "0")...UInt8(ascii: "9"):
            return try readNumber()
        case UInt8(ascii: "'"), UInt8(ascii: "\""):
            return RuleToken(kind: .string(try readString()), offset: start)
        default:
            return RuleToken(kind: .symbol(try readSymbol()), offset: start)
        }
    }

    /// The raw text of an unquoted topic filter: everything up to the next white space.
    mutating func nextBareWord() -> (text: String, offset: Int) {
        skipWhitespace()
        let start = index
        while index < text.count {
            switch text[index] {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"): break
            default:
                index += 1
                continue
            }
            break
        }
        return (String(decoding: text[start..<index], as: UTF8.self), start)
    }

    static func isNameStart(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
            || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || byte == UInt8(ascii: "_")
    }

    static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    private mutating func readName() -> String {
        let start = index
        while index < text.count, Self.isNameStart(text[index]) || Self.isDigit(text[index]) { index += 1 }
        return String(decoding: text[start..<index], as: UTF8.self)
    }

    private mutating func readNumber() throws(RuleSyntaxError) -> RuleToken {
        let start = index
        var isInteger = true
        while index < text.count, Self.isDigit(text[index]) { index += 1 }
        if index + 1 < text.count, text[index] == UInt8(ascii: "."), Self.isDigit(text[index + 1]) {
            isInteger = false
            index += 1
            while index < text.count, Self.isDigit(text[index]) { index += 1 }
        }
        if index < text.count, text[index] == UInt8(ascii: "e") || text[index] == UInt8(ascii: "E") {
            var cursor = index + 1
            if cursor < text.count, text[cursor] == UInt8(ascii: "-") || text[cursor] == UInt8(ascii: "+") {
                cursor += 1
            }
            guard cursor < text.count, Self.isDigit(text[cursor]) else {
                throw error(.invalidNumber, at: start, "a number's exponent has no digits")
            }
            isInteger = false
            index = cursor
            while index < text.count, Self.isDigit(text[index]) { index += 1 }
        }
        if index < text.count, Self.isNameStart(text[index]) {
            throw error(.invalidNumber, at: start, "a number runs into a name")
        }
        let literal = String(decoding: text[start..<index], as: UTF8.self)
        if isInteger, let value = Int64(literal) {
            return RuleToken(kind: .integer(value), offset: start)
        }
        guard let value = Double(literal), value.isFinite else {
            throw error(.invalidNumber, at: start, "number is out of range")
        }
        return RuleToken(kind: .decimal(value), offset: start)
    }

    /// Reads a quoted string. The quote is doubled or backslash-escaped to include it; backslash escapes
    /// follow JSON (`\n`, `\t`, `\uXXXX`, ...); any other backslash is kept as written.
    private mutating func readString() throws(RuleSyntaxError) -> String {
        let start = index
        let quote = text[index]
        index += 1
        var bytes: [UInt8] = []
        while true {
            guard index < text.count else { throw error(.invalidString, at: start, "string has no closing quote") }
            let byte = text[index]
            index += 1
            if byte == quote {
                if index < text.count, text[index] == quote {
                    bytes.append(quote)
                    index += 1
                    continue
                }
                return String(decoding: bytes, as: UTF8.self)
            }
            guard byte == UInt8(ascii: "\\"), index < text.count else {
                bytes.append(byte)
                continue
            }
            let escape = text[index]
            index += 1
            switch escape {
            case UInt8(ascii: "n"): bytes.append(0x0A)
            case UInt8(ascii: "t"): bytes.append(0x09)
            case UInt8(ascii: "r"): bytes.append(0x0D)
            case UInt8(ascii: "b"): bytes.append(0x08)
            case UInt8(ascii: "f"): bytes.append(0x0C)
            case UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "'"), UInt8(ascii: "\""): bytes.append(escape)
            case UInt8(ascii: "u"):
                let scalar = try readUnicodeEscape(escapeStart: index - 2)
                bytes.append(contentsOf: String(Character(scalar)).utf8)
            default:
                bytes.append(UInt8(ascii: "\\"))
                bytes.append(escape)
            }
        }
    }

    private mutating func readHex4(escapeStart: Int) throws(RuleSyntaxError) -> UInt32 {
        guard index + 4 <= text.count else { throw error(.invalidString, at: escapeStart, "\\u needs four hex digits") }
        var value: UInt32 = 0
        for byte in text[index..<index + 4] {
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw error(.invalidString, at: escapeStart, "\\u needs four hex digits")
            }
            value = value << 4 | digit
        }
        index += 4
        return value
    }

    private mutating func readUnicodeEscape(escapeStart: Int) throws(RuleSyntaxError) -> Unicode.Scalar {
        let first = try readHex4(escapeStart: escapeStart)
        if (0xD800..<0xDC00).contains(first) {
            guard index + 1 < text.count, text[index] == UInt8(ascii: "\\"), text[index + 1] == UInt8(ascii: "u") else {
                throw error(.invalidString, at: escapeStart, "unpaired surrogate in \\u escape")
            }
            index += 2
            let second = try readHex4(escapeStart: escapeStart)
            guard (0xDC00..<0xE000).contains(second),
                let scalar = Unicode.Scalar(0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00))
            else { throw error(.invalidString, at: escapeStart, "unpaired surrogate in \\u escape") }
            return scalar
        }
        guard let scalar = Unicode.Scalar(first) else {
            throw error(.invalidString, at: escapeStart, "unpaired surrogate in \\u escape")
        }
        return scalar
    }

    private mutating func readSymbol() throws(RuleSyntaxError) -> RuleToken.Symbol {
        let start = index
        let byte = text[index]
        let following: UInt8? = index + 1 < text.count ? text[index + 1] : nil
        index += 1
        switch byte {
        case UInt8(ascii: "("): return .leftParenthesis
        case UInt8(ascii: ")"): return .rightParenthesis
        case UInt8(ascii: "["): return .leftBracket
        case UInt8(ascii: "]"): return .rightBracket
        case UInt8(ascii: "{"): return .leftBrace
        case UInt8(ascii: "}"): return .rightBrace
        case UInt8(ascii: ","): return .comma
        case UInt8(ascii: "."): return .dot
        case UInt8(ascii: ":"): return .colon
        case UInt8(ascii: "*"): return .star
        case UInt8(ascii: "+"): return .plus
        case UInt8(ascii: "-"): return .minus
        case UInt8(ascii: "/"): return .slash
        case UInt8(ascii: "%"): return .percent
        case UInt8(ascii: "="): return .equal
        case UInt8(ascii: "<"):
            if following == UInt8(ascii: ">") {
                index += 1
                return .notEqual
            }
            if following == UInt8(ascii: "=") {
                index += 1
                return .lessOrEqual
            }
            return .less
        case UInt8(ascii: ">"):
            if following == UInt8(ascii: "=") {
                index += 1
                return .greaterOrEqual
            }
            return .greater
        case UInt8(ascii: "!") where following == UInt8(ascii: "="):
            index += 1
            return .notEqual
        case UInt8(ascii: "|") where following == UInt8(ascii: "|"):
            index += 1
            return .concatenate
        default:
            throw error(.invalidCharacter, at: start, "unexpected character \(describeCharacter(at: start))")
        }
    }

    /// The character at `offset` for an error message: `'#'`, `'é'`, or `byte 0x1F` for a control byte.
    private func describeCharacter(at offset: Int) -> String {
        let byte = text[offset]
        if byte >= 0x21 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        if byte >= 0xC0 {
            var end = offset + 1
            while end < text.count, text[end] & 0xC0 == 0x80 { end += 1 }
            if let scalar = String(decoding: text[offset..<end], as: UTF8.self).unicodeScalars.first,
                scalar != "\u{FFFD}"
            {
                return "'\(scalar)' (U+\(String(scalar.value, radix: 16, uppercase: true)))"
            }
        }
        let hex = String(byte, radix: 16, uppercase: true)
        return "byte 0x\(hex.count == 1 ? "0" + hex : hex)"
    }
}
