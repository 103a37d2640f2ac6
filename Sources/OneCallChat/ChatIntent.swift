/// What a question asks for.
enum ChatIntent: String, Sendable, Hashable {
    /// A device: where it is, who owns the site, its latest reading and open tickets.
    case device
    /// An error code's section in the knowledge base.
    case errorCode = "error_code"
    /// One ticket of one device, with the telemetry of its window.
    case deviceTicket = "device_ticket"
    /// One ticket's status.
    case ticketStatus = "ticket_status"
    /// A list of tickets (open ones, or one device's).
    case ticketList = "ticket_list"
    /// What is wrong right now, across devices.
    case problems
    /// A value or a summary of a device's readings over a window.
    case telemetry
    /// A free question, answered from the knowledge base.
    case knowledge
}
