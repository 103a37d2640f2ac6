/// A workflow tool that a runbook's action list can ask for, by its wire name.
public enum RunbookTool: String, Sendable, Hashable, CaseIterable {
    /// Record the ticket and e-mail it.
    case logTicket = "log_ticket"
    /// Phone the site operator (a call through the contact center).
    case callOperator = "call_operator"
    /// Tell the device to clear its fault.
    case clearFault = "clear_fault"
}
