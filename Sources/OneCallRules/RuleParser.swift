import OneCallCore

/// A recursive-descent parser for AWS IoT SQL (SQL version 2016-03-23): statements, and the
/// expressions of substitution templates. Nesting is bounded by ``RuleLimits/maximumNestingDepth``.
struct RuleParser {
    /// How `@variable` references resolve.
    enum VariableMode {
        /// In a statement: a variable must be defined by SET before it is used.
        case declared
        /// In a template: every variable named gets a slot; the caller checks the names later.
        case collected
    }

    /// A parsed statement, before it becomes a ``RuleStatement``.
    struct Statement {
        var variables: [RuleExpression]
        var variableNames: [String]
        var query: RuleQuery
        var topicFilter: String
    }

    private(set) var lexer: RuleLexer
    private(set) var token: RuleToken
    private let limits: RuleLimits
    private let variableMode: VariableMode
    private var depth = 0
    private(set) var variableNames: [String] = []
    private var variableSlots: [String: Int] = [:]

    /// Words that cannot be field names where an expression is expected.
    private static let reservedWords: Set<String> = [
        "SELECT", "FROM", "WHERE", "AND", "OR", "NOT", "IN", "IS", "AS", "WHEN", "THEN", "ELSE", "END", "SET",
        "CONTAINS",
    ]

    /// AWS IoT SQL functions that OneCall does not provide.
    private static let unsupportedFunctions: Set<String> = [
        "accountid", "aws_lambda", "get_dynamodb", "get_secret", "get_thing_shadow", "get_registry_data",
        "get_mqtt_property", "get_user_properties", "machinelearning_predict", "md2", "md5", "sha1", "sha224",
        "sha256", "sha384", "sha512", "parse_time", "time_to_epoch", "rand", "regexp_matches", "regexp_replace",
        "regexp_substr", "sourceip", "traceid",
    ]

    init(text: [UInt8], start: Int = 0, limits: RuleLimits, variableMode: VariableMode) throws {
        self.lexer = RuleLexer(text: text, start: start)
        self.limits = limits
        self.variableMode = variableMode
        self.token = RuleToken(kind: .end, offset: start)
        self.token = try lexer.next()
    }

    /// Runs parsing code and rethrows its ``RuleSyntaxError``. The parser throws untyped errors inside:
    /// in unoptimized builds a typed error reserves stack space at every call site, and the parser
    /// recurses once per nesting level.
    static func typed<T>(_ body: () throws -> T) throws(RuleSyntaxError) -> T {
        do {
            return try body()
        } catch let error as RuleSyntaxError {
            throw error
        } catch {
            throw RuleSyntaxError(code: .unexpectedToken, line: 1, column: 1, message: "\(error)")
        }
    }

    /// Continues parsing at another offset of the same text, keeping the variables seen so far.
    mutating func restart(at offset: Int) throws {
        lexer = RuleLexer(text: lexer.text, start: offset)
        token = try lexer.next()
    }

    // MARK: - Tokens

    private mutating func advance() throws { token = try lexer.next() }

    private func error(_ code: RuleSyntaxError.Code, at offset: Int? = nil, _ message: String) -> RuleSyntaxError {
        lexer.error(code, at: offset ?? token.offset, message)
    }

    private func unexpected(_ expectation: String) -> RuleSyntaxError {
        error(.unexpectedToken, "expected \(expectation), found \(token.display)")
    }

    private mutating func expectKeyword(_ word: String) throws {
        guard token.isKeyword(word) else { throw unexpected(word) }
        try advance()
    }

    private mutating func expectSymbol(_ symbol: RuleToken.Symbol) throws {
        guard token.isSymbol(symbol) else { throw unexpected("'\(symbol.rawValue)'") }
        try advance()
    }

    /// Whether the current token is `word`; consumes it if so.
    private mutating func takeKeyword(_ word: String) throws -> Bool {
        guard token.isKeyword(word) else { return false }
        try advance()
        return true
    }

    private mutating func takeSymbol(_ symbol: RuleToken.Symbol) throws -> Bool {
        guard token.isSymbol(symbol) else { return false }
        try advance()
        return true
    }

    /// Goes one nesting level deeper, refusing to go past the limit; pair with `depth -= 1`.
    private mutating func enter() throws {
        depth += 1
        guard depth <= limits.maximumNestingDepth else {
            throw error(.tooDeep, "expressions nest deeper than \(limits.maximumNestingDepth) levels")
        }
    }

    // MARK: - Statements

    /// `[SET @v = e, ...] SELECT ... FROM 'filter' [WHERE e]`, to the end of the text.
    mutating func parseStatement() throws -> Statement {
        var variables: [RuleExpression] = []
        if try takeKeyword("SET") {
            repeat {
                guard case .variable(let name) = token.kind else { throw unexpected("a variable such as @name") }
                let nameOffset = token.offset
                guard name.utf8.count <= 64 else {
                    throw error(.invalidVariable, at: nameOffset, "variable name is longer than 64 characters")
                }
                guard variableSlots[name] == nil else {
                    throw error(.invalidVariable, at: nameOffset, "@\(name) is set twice")
                }
                try advance()
                try expectSymbol(.equal)
                variables.append(try parseExpression())
                variableSlots[name] = variableNames.count
                variableNames.append(name)
            } while try takeSymbol(.comma)
        }
        try expectKeyword("SELECT")
        let projection = try parseProjection()
        guard token.isKeyword("FROM") else { throw unexpected("FROM") }
        let topicFilter = try parseTopicFilter()
        let condition: RuleExpression? = try takeKeyword("WHERE") ? try parseExpression() : nil
        guard case .end = token.kind else { throw unexpected(condition == nil ? "WHERE or the end" : "the end") }
        return Statement(
            variables: variables, variableNames: variableNames,
            query: RuleQuery(projection: projection, source: nil, condition: condition), topicFilter: topicFilter)
    }

    /// The FROM clause's topic filter: a quoted string, or (as some AWS examples write it) a bare word.
    /// The current token is FROM.
    private mutating func parseTopicFilter() throws -> String {
        lexer.skipWhitespace()
        let filter: String
        let offset: Int
        if lexer.index < lexer.text.count,
            lexer.text[lexer.index] == UInt8(ascii: "'") || lexer.text[lexer.index] == UInt8(ascii: "\"")
        {
            let quoted = try lexer.next()
            guard case .string(let text) = quoted.kind else { throw unexpected("a topic filter") }
            (filter, offset) = (text, quoted.offset)
        } else {
            (filter, offset) = lexer.nextBareWord()
            if filter.isEmpty { throw error(.invalidTopicFilter, at: offset, "expected a topic filter after FROM") }
        }
        do {
            try Topic.validateFilter(filter)
        } catch {
            throw self.error(.invalidTopicFilter, at: offset, "invalid topic filter: \(error)")
        }
        try advance()
        return filter
    }

    /// `VALUE expression`, or a list of items.
    private mutating func parseProjection() throws -> RuleQuery.Projection {
        if try takeKeyword("VALUE") { return .value(try parseExpression()) }
        var items: [RuleQuery.SelectItem] = []
        repeat {
            if token.isSymbol(.star) {
                try advance()
                if try takeKeyword("AS") {
                    items.append(.named(try parseAlias(), .payload))
                } else {
                    items.append(.wildcard)
                }
                continue
            }
            let expression = try parseExpression()
            if try takeKeyword("AS") {
                items.append(.named(try parseAlias(), expression))
            } else {
                items.append(.named([defaultName(of: expression) ?? "_\(items.count + 1)"], expression))
            }
        } while try takeSymbol(.comma)
        return .items(items)
    }

    /// `name`, `a.b.c` or `'any text'` after AS.
    private mutating func parseAlias() throws -> [String] {
        if case .string(let text) = token.kind {
            try advance()
            return [text]
        }
        var path: [String] = []
        repeat {
            guard case .identifier(let name) = token.kind else { throw unexpected("a name after AS") }
            path.append(name)
            try advance()
        } while try takeSymbol(.dot)
        return path
    }

    /// The key an item without AS gets: a field's last name, a variable's name, a function's name.
    private func defaultName(of expression: RuleExpression) -> String? {
        switch expression {
        case .field(let path): return path.last
        case .variable(let slot): return variableNames[slot]
        case .access(_, let steps):
            if case .key(let key)? = steps.last { return key }
            return nil
        case .call(let function, _): return function.rawValue
        case .cast: return "cast"
        case .encodePayload: return "encode"
        default: return nil
        }
    }

    // MARK: - Expressions

    /// What may follow an operand: a binary operator with its precedence (OR 1, AND 2, comparisons 4,
    /// additive 5, multiplicative 6; the prefix NOT sits at 3), or an `IS` test (at 4).
    private enum Infix {
        case binary(RuleExpression.BinaryOperator, precedence: Int)
        case test
    }

    private func infix() -> Infix? {
        switch token.kind {
        case .symbol(.star): return .binary(.multiply, precedence: 6)
        case .symbol(.slash): return .binary(.divide, precedence: 6)
        case .symbol(.percent): return .binary(.remainder, precedence: 6)
        case .symbol(.plus): return .binary(.add, precedence: 5)
        case .symbol(.minus): return .binary(.subtract, precedence: 5)
        case .symbol(.concatenate): return .binary(.concatenate, precedence: 5)
        case .symbol(.equal): return .binary(.equal, precedence: 4)
        case .symbol(.notEqual): return .binary(.notEqual, precedence: 4)
        case .symbol(.less): return .binary(.less, precedence: 4)
        case .symbol(.lessOrEqual): return .binary(.lessOrEqual, precedence: 4)
        case .symbol(.greater): return .binary(.greater, precedence: 4)
        case .symbol(.greaterOrEqual): return .binary(.greaterOrEqual, precedence: 4)
        case .identifier:
            if token.isKeyword("AND") { return .binary(.and, precedence: 2) }
            if token.isKeyword("OR") { return .binary(.or, precedence: 1) }
            if token.isKeyword("IN") { return .binary(.in, precedence: 4) }
            if token.isKeyword("CONTAINS") { return .binary(.contains, precedence: 4) }
            if token.isKeyword("NOT") { return .binary(.notIn, precedence: 4) }
            if token.isKeyword("IS") { return .test }
            return nil
        default: return nil
        }
    }

    /// One expression: operators by precedence climbing, so that each level of nesting costs a few stack
    /// frames. A run of operators of one precedence becomes one flat chain.
    mutating func parseExpression() throws -> RuleExpression { try parseOperators(above: 0) }

    private mutating func parseOperators(above minimum: Int) throws -> RuleExpression {
        var left = try parsePrefix()
        var operations: [RuleExpression.Operation] = []
        var chainPrecedence = 0
        loop: while let infix = infix() {
            switch infix {
            case .test:
                guard minimum < 4 else { break loop }
                left = .test(Self.chain(left, operations), try parseTest())
                operations = []
                chainPrecedence = 4
            case .binary(let symbol, let precedence):
                guard precedence > minimum else { break loop }
                try advance()
                if symbol == .notIn {
                    guard token.isKeyword("IN") else { throw unexpected("IN after NOT") }
                    try advance()
                }
                let operand =
                    symbol == .in || symbol == .notIn ? try parseInTarget() : try parseOperators(above: precedence)
                if precedence != chainPrecedence {
                    left = Self.chain(left, operations)
                    operations = []
                    chainPrecedence = precedence
                }
                operations.append(.init(symbol: symbol, operand: operand))
            }
        }
        return Self.chain(left, operations)
    }

    /// `IS [NOT] NULL` or `IS [NOT] UNDEFINED`; the current token is IS.
    private mutating func parseTest() throws -> RuleExpression.Test {
        try advance()
        let negated = try takeKeyword("NOT")
        if try takeKeyword("NULL") { return negated ? .isNotNull : .isNull }
        if try takeKeyword("UNDEFINED") { return negated ? .isNotUndefined : .isUndefined }
        throw unexpected("NULL or UNDEFINED after IS")
    }

    private static func chain(_ first: RuleExpression, _ operations: [RuleExpression.Operation]) -> RuleExpression {
        operations.isEmpty ? first : .chain(first, operations)
    }

    /// The right side of IN: an array expression, or a parenthesized list `(a, b, c)`.
    private mutating func parseInTarget() throws -> RuleExpression {
        guard token.isSymbol(.leftParenthesis) else { return try parseOperators(above: 4) }
        try enter()
        defer { depth -= 1 }
        try advance()
        if token.isKeyword("SELECT") { return try parseNestedQuery() }
        var elements = [try parseExpression()]
        while try takeSymbol(.comma) { elements.append(try parseExpression()) }
        try expectSymbol(.rightParenthesis)
        return elements.count == 1 ? elements[0] : .array(elements)
    }

    /// `NOT x`, `-x`, `+x`, or a postfix expression.
    private mutating func parsePrefix() throws -> RuleExpression {
        if token.isKeyword("NOT") {
            try enter()
            defer { depth -= 1 }
            try advance()
            return .not(try parseOperators(above: 3))
        }
        if token.isSymbol(.minus) {
            try enter()
            defer { depth -= 1 }
            try advance()
            let operand = try parsePrefix()
            switch operand {
            case .constant(.int(let value)) where value != .min: return .constant(.int(-value))
            case .constant(.double(let value)): return .constant(.double(-value))
            default: return .negate(operand)
            }
        }
        if token.isSymbol(.plus) {
            try enter()
            defer { depth -= 1 }
            try advance()
            return try parsePrefix()
        }
        return try parsePostfix()
    }

    private mutating func parsePostfix() throws -> RuleExpression {
        var base = try parsePrimary()
        var steps: [RuleExpression.AccessStep] = []
        while true {
            if try takeSymbol(.dot) {
                guard case .identifier(let name) = token.kind else { throw unexpected("a field name after '.'") }
                try advance()
                if steps.isEmpty, case .field(let path) = base {
                    base = .field(path + [name])
                } else {
                    steps.append(.key(name))
                }
            } else if token.isSymbol(.leftBracket) {
                try enter()
                defer { depth -= 1 }
                try advance()
                steps.append(.index(try parseExpression()))
                try expectSymbol(.rightBracket)
            } else {
                return steps.isEmpty ? base : .access(base, steps)
            }
        }
    }

    private mutating func parsePrimary() throws -> RuleExpression {
        switch token.kind {
        case .integer(let value):
            try advance()
            return .constant(.int(value))
        case .decimal(let value):
            try advance()
            return .constant(RuleNumber(normalizing: value).json ?? .double(value))
        case .string(let text):
            try advance()
            return .constant(.string(text))
        case .variable(let name):
            let slot = try variableSlot(name)
            try advance()
            return .variable(slot)
        case .symbol(.star):
            try advance()
            return .payload
        case .symbol(.leftParenthesis):
            return try parseParenthesized()
        case .symbol(.leftBracket):
            return try parseArrayLiteral()
        case .symbol(.leftBrace):
            return try parseObjectLiteral()
        case .identifier(let name):
            return try parseName(name)
        default:
            throw unexpected("an expression")
        }
    }

    /// A literal keyword, CASE, a field or a function call.
    private mutating func parseName(_ name: String) throws -> RuleExpression {
        let upper = name.uppercased()
        switch upper {
        case "TRUE", "FALSE", "NULL":
            try advance()
            return .constant(upper == "NULL" ? .null : .bool(upper == "TRUE"))
        case "CASE":
            return try parseCase()
        case _ where Self.reservedWords.contains(upper):
            throw unexpected("an expression")
        default:
            let offset = token.offset
            try advance()
            guard token.isSymbol(.leftParenthesis) else { return .field([name]) }
            return try parseCall(name, at: offset)
        }
    }

    /// `( expression )` or a nested `(SELECT ...)`.
    private mutating func parseParenthesized() throws -> RuleExpression {
        try enter()
        defer { depth -= 1 }
        try advance()
        if token.isKeyword("SELECT") { return try parseNestedQuery() }
        let inner = try parseExpression()
        try expectSymbol(.rightParenthesis)
        return inner
    }

    private mutating func variableSlot(_ name: String) throws -> Int {
        if let slot = variableSlots[name] { return slot }
        switch variableMode {
        case .declared:
            throw error(.invalidVariable, "@\(name) is not defined by a SET clause before it is used")
        case .collected:
            variableSlots[name] = variableNames.count
            variableNames.append(name)
            return variableNames.count - 1
        }
    }

    /// `(SELECT ... FROM expression [WHERE ...])`; the current token is SELECT (the caller has entered).
    private mutating func parseNestedQuery() throws -> RuleExpression {
        try advance()
        let projection = try parseProjection()
        try expectKeyword("FROM")
        let source = try parseExpression()
        let condition: RuleExpression? = try takeKeyword("WHERE") ? try parseExpression() : nil
        try expectSymbol(.rightParenthesis)
        return .query(RuleQuery(projection: projection, source: source, condition: condition))
    }

    private mutating func parseArrayLiteral() throws -> RuleExpression {
        try enter()
        defer { depth -= 1 }
        try advance()
        var elements: [RuleExpression] = []
        if try takeSymbol(.rightBracket) { return .array([]) }
        repeat {
            elements.append(try parseExpression())
            if elements.count > limits.maximumArrayCount {
                throw error(.tooLong, "array literal has more than \(limits.maximumArrayCount) elements")
            }
        } while try takeSymbol(.comma)
        try expectSymbol(.rightBracket)
        return .array(elements)
    }

    private mutating func parseObjectLiteral() throws -> RuleExpression {
        try enter()
        defer { depth -= 1 }
        try advance()
        var members: [RuleExpression.ObjectMember] = []
        if try takeSymbol(.rightBrace) { return .object([]) }
        repeat {
            guard case .string(let key) = token.kind else { throw unexpected("a quoted key") }
            try advance()
            try expectSymbol(.colon)
            members.append(.init(key: key, value: try parseExpression()))
        } while try takeSymbol(.comma)
        try expectSymbol(.rightBrace)
        return .object(members)
    }

    /// `CASE [subject] WHEN ... THEN ... [ELSE ...] END`; the current token is CASE.
    private mutating func parseCase() throws -> RuleExpression {
        try enter()
        defer { depth -= 1 }
        try advance()
        let subject: RuleExpression? = token.isKeyword("WHEN") ? nil : try parseExpression()
        var branches: [RuleExpression.CaseBranch] = []
        while try takeKeyword("WHEN") {
            let when = try parseExpression()
            try expectKeyword("THEN")
            branches.append(.init(when: when, then: try parseExpression()))
        }
        guard !branches.isEmpty else { throw unexpected("WHEN") }
        let otherwise: RuleExpression? = try takeKeyword("ELSE") ? try parseExpression() : nil
        guard token.isKeyword("END") else { throw unexpected(otherwise == nil ? "WHEN, ELSE or END" : "END") }
        try advance()
        if let subject { return .simpleCase(subject, branches, otherwise) }
        return .searchedCase(branches, otherwise)
    }

    /// `name(arguments)`; the current token is `(`.
    private mutating func parseCall(_ name: String, at offset: Int) throws -> RuleExpression {
        try enter()
        defer { depth -= 1 }
        try advance()
        if name.utf8.count == 4, name.lowercased() == "cast" { return try parseCast() }
        let function = try resolveFunction(name, at: offset)
        var arguments: [RuleExpression] = []
        if !(try takeSymbol(.rightParenthesis)) {
            repeat { arguments.append(try parseExpression()) } while try takeSymbol(.comma)
            try expectSymbol(.rightParenthesis)
        }
        return try finishCall(function, arguments, name: name, at: offset)
    }

    private func resolveFunction(_ name: String, at offset: Int) throws -> RuleFunction {
        if let function = RuleFunction.named(name) { return function }
        if Self.unsupportedFunctions.contains(name.lowercased()) {
            throw error(.unknownFunction, at: offset, "function '\(name)' is not supported by OneCall")
        }
        throw error(.unknownFunction, at: offset, "unknown function '\(name)'")
    }

    /// Checks the arguments' count and the literal arguments, and builds the call.
    private func finishCall(_ function: RuleFunction, _ arguments: [RuleExpression], name: String, at offset: Int)
        throws -> RuleExpression
    {
        guard function.arity.contains(arguments.count) else {
            throw error(
                .wrongArgumentCount, at: offset,
                "\(name)() takes \(function.arityDescription), not \(arguments.count)")
        }
        switch function {
        case .encode, .decode:
            guard case .constant(.string(let scheme)) = arguments[1], scheme.lowercased() == "base64" else {
                throw error(.invalidArgument, at: offset, "\(name)() supports only the 'base64' scheme")
            }
            if function == .encode, case .payload = arguments[0] { return .encodePayload }
            return .call(function, [arguments[0]])
        default:
            return .call(function, arguments)
        }
    }

    /// `cast(expression AS type)`; the current token follows `(`.
    private mutating func parseCast() throws -> RuleExpression {
        let operand = try parseExpression()
        try expectKeyword("AS")
        guard case .identifier(let typeName) = token.kind else { throw unexpected("a type after AS") }
        let type: RuleExpression.CastType
        switch typeName.lowercased() {
        case "string", "nvarchar", "text", "ntext", "varchar": type = .string
        case "int", "integer": type = .int
        case "double": type = .double
        case "decimal": type = .decimal
        case "bool", "boolean": type = .boolean
        default: throw error(.invalidArgument, "cast() cannot convert to '\(typeName)'")
        }
        try advance()
        try expectSymbol(.rightParenthesis)
        return .cast(operand, type)
    }
}
