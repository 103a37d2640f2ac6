import OneCallCore

/// A compiled AWS IoT SQL expression. Chains of operators of one precedence are kept flat
/// (`a + b - c` is one node with two operations), so a long chain costs no stack depth.
indirect enum RuleExpression: Sendable {
    /// A literal value.
    case constant(JSONValue)
    /// `*`: the whole payload (or, in a nested SELECT, the current element).
    case payload
    /// A field of the payload, by path: `state.reported.temp`.
    case field([String])
    /// A SET variable, by slot.
    case variable(Int)
    /// Member and element access on another expression: `get(a, 0).b`, `a[0]`, `@v.x`.
    case access(RuleExpression, [AccessStep])
    /// Unary minus.
    case negate(RuleExpression)
    /// `NOT x`.
    case not(RuleExpression)
    /// `x op y op z ...`, evaluated left to right.
    case chain(RuleExpression, [Operation])
    /// `x IS [NOT] NULL`, `x IS [NOT] UNDEFINED`.
    case test(RuleExpression, Test)
    /// A built-in function.
    case call(RuleFunction, [RuleExpression])
    /// `cast(x AS type)`.
    case cast(RuleExpression, CastType)
    /// `encode(*, 'base64')`: the payload's bytes, whatever they are.
    case encodePayload
    /// `CASE v WHEN t THEN r ... ELSE e END`.
    case simpleCase(RuleExpression, [CaseBranch], RuleExpression?)
    /// `CASE WHEN condition THEN r ... ELSE e END`.
    case searchedCase([CaseBranch], RuleExpression?)
    /// `[a, b, ...]`.
    case array([RuleExpression])
    /// `{'key': value, ...}`.
    case object([ObjectMember])
    /// A nested `(SELECT ... FROM expression [WHERE ...])`.
    case query(RuleQuery)

    /// One step of member or element access.
    enum AccessStep: Sendable {
        case key(String)
        case index(RuleExpression)
    }

    /// One operator and its right operand.
    struct Operation: Sendable {
        var symbol: BinaryOperator
        var operand: RuleExpression
    }

    /// The binary operators, by precedence level.
    enum BinaryOperator: Sendable {
        case or, and
        case equal, notEqual, less, lessOrEqual, greater, greaterOrEqual, `in`, notIn, contains
        case add, subtract, concatenate
        case multiply, divide, remainder
    }

    /// The `IS` tests.
    enum Test: Sendable {
        case isNull, isNotNull, isUndefined, isNotUndefined
    }

    /// The types `cast` converts to.
    enum CastType: Sendable {
        case string, int, decimal, double, boolean
    }

    /// `WHEN when THEN then`.
    struct CaseBranch: Sendable {
        var when: RuleExpression
        var then: RuleExpression
    }

    /// `'key': value` in an object literal.
    struct ObjectMember: Sendable {
        var key: String
        var value: RuleExpression
    }
}
