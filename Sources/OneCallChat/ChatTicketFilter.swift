import OneCallCore

/// Which tickets a list shows.
enum ChatTicketFilter: Sendable, Hashable {
    /// Open and acknowledged ones.
    case unresolved
    /// Those with one status.
    case status(Ticket.Status)
    /// Every one.
    case all

    /// The filter a question asks for, or `fallback` when it names no status.
    static func asked(by question: ChatQuestion, fallback: ChatTicketFilter) -> ChatTicketFilter {
        if question.words.contains("all") || question.words.contains("every") { return .all }
        switch question.askedStatus {
        case .acknowledged: return .status(.acknowledged)
        case .resolved: return .status(.resolved)
        case .open: return .unresolved
        case nil: return fallback
        }
    }

    /// Whether `ticket` is shown.
    func includes(_ ticket: Ticket) -> Bool {
        switch self {
        case .unresolved: return ticket.status != .resolved
        case .status(let status): return ticket.status == status
        case .all: return true
        }
    }

    /// How an answer names the tickets ("unresolved tickets").
    var label: String {
        switch self {
        case .unresolved: return "unresolved tickets"
        case .status(let status): return "\(status.rawValue) tickets"
        case .all: return "tickets"
        }
    }
}
