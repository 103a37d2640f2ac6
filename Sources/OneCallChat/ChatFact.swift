/// One piece of stored data that an answer used: what kind it is, where it is, and what it said.
public struct ChatFact: Sendable, Hashable {
    /// The kind of data a fact comes from.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// The device registry.
        case device
        /// A ticket, with its actions.
        case ticket
        /// Stored readings.
        case telemetry
        /// A guide of the knowledge base.
        case knowledge
        /// A call request and its attempts.
        case call
    }

    /// The kind of data.
    public var kind: Kind
    /// Where it is: `devices/ID`, `tickets/UUID`, `telemetry/DEVICE`, `knowledge/GUIDE#SECTION`, `calls/ID`.
    public var source: String
    /// The fact as the answer used it.
    public var text: String

    /// A fact of `kind` from `source`.
    public init(kind: Kind, source: String, text: String) {
        self.kind = kind
        self.source = source
        self.text = text
    }
}
