/// A labelled field of a guide section ("Severity: high", or "Actions:" followed by a list).
public struct KnowledgeField: Sendable, Hashable {
    /// The label as written, without emphasis or colon.
    public var name: String
    /// The text after the label on its line, with wrapped continuation lines joined.
    public var value: String
    /// The field as a list: the items of a list below the label, the items of an inline numbered list
    /// ("1. Check X. 2. Check Y."), or else the sentences of the value.
    public var items: [String]

    /// A field called `name` with its `value` and `items`.
    public init(name: String, value: String, items: [String]) {
        self.name = name
        self.value = value
        self.items = items
    }
}
