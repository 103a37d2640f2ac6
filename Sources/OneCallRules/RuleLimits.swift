/// Bounds that rule text and rule evaluation stay within. Text over a bound is refused when the rule is
/// loaded; a value over a bound fails the evaluation with ``RuleEvaluationError``, never a large allocation.
public struct RuleLimits: Sendable, Hashable {
    /// The longest SQL statement or substitution template accepted, in UTF-8 bytes. The default, 256 KiB,
    /// is AWS IoT's quota for the size of a rule.
    public var maximumSQLBytes: Int
    /// How deeply expressions may nest: parentheses, function arguments, CASE, literals and nested
    /// SELECTs each add a level. Keeps parsing and evaluation off the end of a small thread stack.
    public var maximumNestingDepth: Int
    /// The longest string a function or operator may produce, in UTF-8 bytes.
    public var maximumStringBytes: Int
    /// The most elements an array a function, literal or nested SELECT produces may hold.
    public var maximumArrayCount: Int

    /// Creates limits; every argument has the default that ``default`` uses.
    public init(
        maximumSQLBytes: Int = 256 * 1024, maximumNestingDepth: Int = 32, maximumStringBytes: Int = 128 * 1024,
        maximumArrayCount: Int = 10_000
    ) {
        self.maximumSQLBytes = maximumSQLBytes
        self.maximumNestingDepth = maximumNestingDepth
        self.maximumStringBytes = maximumStringBytes
        self.maximumArrayCount = maximumArrayCount
    }

    /// 256 KiB of SQL, 32 levels of nesting, 128 KiB strings and 10,000-element arrays.
    public static let `default` = RuleLimits()
}
