/// A tool the triage agent can run for a fault, named as the agent's tool registry names it.
///
/// An open set: the three the reference guide uses are predefined, and a ``RunbookVocabulary`` can map
/// phrases to any other name the app's tool registry knows.
public struct RunbookTool: RawRepresentable, Sendable, Hashable, ExpressibleByStringLiteral, CustomStringConvertible {
    /// The tool's name, such as `log_ticket`.
    public var rawValue: String

    /// A tool by name.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// A tool by name, written as a literal.
    public init(stringLiteral value: String) { self.rawValue = value }

    /// The name.
    public var description: String { rawValue }

    /// `log_ticket`: open a ticket for the fault (and e-mail it).
    public static let logTicket: RunbookTool = "log_ticket"
    /// `call_operator`: phone the site operator.
    public static let callOperator: RunbookTool = "call_operator"
    /// `clear_fault`: send the device the command that clears its fault.
    public static let clearFault: RunbookTool = "clear_fault"
}
