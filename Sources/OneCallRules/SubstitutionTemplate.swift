import OneCallCore

/// An action parameter with `${expression}` substitutions ("Substitution templates"), such as the
/// republish topic `alerts/${topic(2)}`. Each expression is any AWS IoT SQL expression, evaluated
/// against the *incoming* message (not the SELECT output, so AS aliases are not visible) and the rule's
/// SET variables; its value is written in its string form, and Undefined or Null writes nothing.
public struct SubstitutionTemplate: Sendable, Hashable, CustomStringConvertible {
    private enum Part: Sendable {
        case text(String)
        case expression(RuleExpression)
    }

    /// The template's text, as given.
    public let source: String
    /// The `@variables` the expressions read, which the rule's SET clause must define.
    public let variableNames: [String]
    private let parts: [Part]
    private let limits: RuleLimits

    /// Parses a template; a mistake in an expression is reported with its line and column.
    public init(parsing source: String, limits: RuleLimits = .default) throws(RuleSyntaxError) {
        let bytes = Array(source.utf8)
        guard bytes.count <= limits.maximumSQLBytes else {
            throw RuleSyntaxError(
                code: .tooLong, line: 1, column: 1,
                message: "template is \(bytes.count) bytes, over the limit of \(limits.maximumSQLBytes)")
        }
        let (parts, names) = try RuleParser.typed { try Self.parse(bytes, limits: limits) }
        self.source = source
        self.variableNames = names
        self.parts = parts
        self.limits = limits
    }

    /// Splits a template into text and parsed expressions, with the variables they name.
    private static func parse(_ bytes: [UInt8], limits: RuleLimits) throws -> ([Part], [String]) {
        var parts: [Part] = []
        var parser = try RuleParser(text: bytes, start: bytes.count, limits: limits, variableMode: .collected)
        var literalStart = 0
        var index = 0
        while index + 1 < bytes.count {
            guard bytes[index] == UInt8(ascii: "$"), bytes[index + 1] == UInt8(ascii: "{") else {
                index += 1
                continue
            }
            if literalStart < index {
                parts.append(.text(String(decoding: bytes[literalStart..<index], as: UTF8.self)))
            }
            try parser.restart(at: index + 2)
            let expression = try parser.parseExpression()
            guard parser.token.isSymbol(.rightBrace) else {
                throw parser.lexer.error(
                    .unexpectedToken, at: parser.token.offset, "expected '}', found \(parser.token.display)")
            }
            parts.append(.expression(expression))
            index = parser.token.offset + 1
            literalStart = index
        }
        if literalStart < bytes.count { parts.append(.text(String(decoding: bytes[literalStart...], as: UTF8.self))) }
        return (parts, parser.variableNames)
    }

    /// Whether the template has no `${...}` (it is plain text).
    public var isConstant: Bool {
        parts.allSatisfy {
            if case .text = $0 { return true }
            return false
        }
    }

    /// The literal text between the substitutions.
    public var literalParts: [String] {
        parts.compactMap {
            if case .text(let text) = $0 { return text }
            return nil
        }
    }

    /// The text with every `${...}` replaced by its value for `input`; `variables` are the rule's SET
    /// variables (``RuleOutput/variables``). An expression that cannot be evaluated writes nothing.
    public func render(_ input: RuleInput, variables: [String: JSONValue] = [:]) -> String {
        let context = RuleContext(input: input, variables: variableNames.map { variables[$0] }, limits: limits)
        var output = ""
        for part in parts {
            switch part {
            case .text(let text):
                output += text
            case .expression(let expression):
                if let value = try? expression.evaluate(context), let text = value.ruleText { output += text }
            }
        }
        return output
    }

    public var description: String { source }

    public static func == (lhs: SubstitutionTemplate, rhs: SubstitutionTemplate) -> Bool {
        lhs.source == rhs.source && lhs.limits == rhs.limits
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(source) }
}
