/// One token of AWS IoT SQL, with the byte offset where it starts.
struct RuleToken: Sendable, Equatable {
    /// What a token is.
    enum Kind: Sendable, Equatable {
        /// A name: a keyword, field or function, `[A-Za-z_][A-Za-z0-9_]*`.
        case identifier(String)
        /// `@name`, a SET variable (the name without `@`).
        case variable(String)
        /// A string literal in single or double quotes, unescaped.
        case string(String)
        /// A whole-number literal that fits in 64 bits.
        case integer(Int64)
        /// Any other number literal.
        case decimal(Double)
        /// Punctuation or an operator.
        case symbol(Symbol)
        /// The end of the text.
        case end
    }

    /// Punctuation and operators.
    enum Symbol: String, Sendable, Equatable {
        case leftParenthesis = "("
        case rightParenthesis = ")"
        case leftBracket = "["
        case rightBracket = "]"
        case leftBrace = "{"
        case rightBrace = "}"
        case comma = ","
        case dot = "."
        case colon = ":"
        case star = "*"
        case plus = "+"
        case minus = "-"
        case slash = "/"
        case percent = "%"
        case equal = "="
        case notEqual = "<>"
        case less = "<"
        case lessOrEqual = "<="
        case greater = ">"
        case greaterOrEqual = ">="
        case concatenate = "||"
    }

    var kind: Kind
    /// The byte offset of the token's first byte in the text.
    var offset: Int

    /// Whether this is the keyword `word` (keywords are case-insensitive; `word` is upper case).
    func isKeyword(_ word: String) -> Bool {
        guard case .identifier(let name) = kind, name.utf8.count == word.utf8.count else { return false }
        return zip(name.utf8, word.utf8).allSatisfy { a, b in
            (a >= UInt8(ascii: "a") && a <= UInt8(ascii: "z") ? a - 32 : a) == b
        }
    }

    /// Whether this is the symbol `symbol`.
    func isSymbol(_ symbol: Symbol) -> Bool {
        if case .symbol(let s) = kind { return s == symbol }
        return false
    }

    /// How the token reads in an error message.
    var display: String {
        switch kind {
        case .identifier(let name): "'\(name)'"
        case .variable(let name): "'@\(name)'"
        case .string: "a string"
        case .integer, .decimal: "a number"
        case .symbol(let symbol): "'\(symbol.rawValue)'"
        case .end: "the end of the text"
        }
    }
}
