/// A rule ready to run: its definition and its compiled statement. A class, so that handing a rule to
/// every match costs one reference count, not a copy of its parts.
public final class CompiledRule: Sendable {
    /// The rule as configured.
    public let definition: RuleDefinition
    /// The compiled SQL.
    public let statement: RuleStatement

    /// The rule's name.
    public var name: String { definition.name }

    /// Creates a compiled rule.
    public init(definition: RuleDefinition, statement: RuleStatement) {
        self.definition = definition
        self.statement = statement
    }
}
