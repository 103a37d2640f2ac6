import OneCallCore
import OneCallStorage

extension ChatEngine {
    /// One ticket's status, answering a yes-or-no question about it first when one was asked.
    func ticketStatusAnswer(
        _ id: String, asked: Ticket.Status?, _ turn: ChatTurnInput
    ) async throws -> (ChatAnswer, Ticket?) {
        guard let ticket = try await storedTicket(id) else {
            return (
                ChatAnswer(
                    answer: "No ticket \(ChatFormat.code(id)) is stored.", facts: [],
                    intent: ChatIntent.ticketStatus.rawValue), nil
            )
        }
        var lines: [String] = []
        if let asked { lines.append(Self.verdict(ticket, asked: asked)) }
        lines.append(
            "**Ticket \(ChatFormat.code(ticket.uniqueID))** — "
                + Self.ticketLine(ticket, showDevice: true)
                .replacingOccurrences(of: ChatFormat.code(ticket.uniqueID) + " — ", with: ""))
        lines.append(contentsOf: Self.lifecycleLines(ticket))
        var facts = [Self.ticketFact(ticket)]
        let calls = try await source.tickets.calls(ticketID: ticket.uniqueID, limit: 10)
        for call in calls {
            lines.append(
                "- Call \(ChatFormat.code(call.id)): \(call.status.rawValue), \(ChatFormat.count(call.attempts, "attempt"))"
            )
            facts.append(Self.callFact(call))
        }
        return (
            ChatAnswer(answer: lines.joined(separator: "\n"), facts: facts, intent: ChatIntent.ticketStatus.rawValue),
            ticket
        )
    }

    /// "Yes — …" or "No — …" for a question whether a ticket has a status.
    static func verdict(_ ticket: Ticket, asked: Ticket.Status) -> String {
        let id = ChatFormat.code(ticket.uniqueID)
        switch (asked, ticket.status) {
        case (.acknowledged, .acknowledged):
            return "Yes — ticket \(id) was acknowledged\(Self.when(ticket.acknowledgedAt, by: ticket.acknowledgedBy))."
        case (.acknowledged, .resolved):
            if ticket.acknowledgedAt != nil {
                return
                    "Yes — ticket \(id) was acknowledged\(Self.when(ticket.acknowledgedAt, by: ticket.acknowledgedBy)) "
                    + "and is now resolved."
            }
            return
                "It was never acknowledged, but ticket \(id) is resolved\(Self.when(ticket.resolvedAt, by: ticket.resolvedBy))."
        case (.acknowledged, .open):
            return "No — ticket \(id) is open: nobody has acknowledged it yet."
        case (.resolved, .resolved):
            return "Yes — ticket \(id) was resolved\(Self.when(ticket.resolvedAt, by: ticket.resolvedBy))."
        case (.resolved, _):
            return "No — ticket \(id) is not resolved; it is \(ticket.status.rawValue)."
        case (.open, .resolved):
            return "No — ticket \(id) is resolved."
        case (.open, _):
            return "Yes — ticket \(id) is unresolved; its status is \(ticket.status.rawValue)."
        }
    }

    /// " at T by W", or "".
    static func when(_ time: Double?, by actor: String?) -> String {
        var text = ""
        if let time { text += " at \(ChatFormat.time(time))" }
        if let actor, !actor.isEmpty { text += " by \(actor)" }
        return text
    }

    /// The ticket's steps after opening: acknowledged, resolved, fault cleared, no runbook, attention.
    static func lifecycleLines(_ ticket: Ticket) -> [String] {
        var lines: [String] = []
        if ticket.acknowledgedAt != nil {
            lines.append("- Acknowledged" + when(ticket.acknowledgedAt, by: ticket.acknowledgedBy))
        }
        if ticket.resolvedAt != nil {
            var line = "- Resolved" + when(ticket.resolvedAt, by: ticket.resolvedBy)
            if let resolution = ticket.resolution, !resolution.isEmpty { line += ": \(resolution)" }
            lines.append(line)
        }
        if let cleared = ticket.faultClearedAt {
            lines.append("- The device reported the fault cleared at \(ChatFormat.time(cleared))")
        }
        if ticket.noRunbook { lines.append("- No section of the knowledge base covers this code (no runbook)") }
        for note in ticket.attention { lines.append("- Needs attention: \(note)") }
        return lines
    }

    /// A call request as a fact.
    static func callFact(_ call: CallRequest) -> ChatFact {
        var text = "call for ticket \(call.ticketID) about \(call.deviceID): \(call.status.rawValue)"
        text += ", \(ChatFormat.count(call.attempts, "attempt"))"
        if let outcome = call.outcome, !outcome.isEmpty { text += " (\(outcome))" }
        return ChatFact(kind: .call, source: "calls/\(call.id)", text: text)
    }

    /// Tickets of one device or of all, newest first, as the filter asks.
    func ticketListAnswer(device: String?, filter: ChatTicketFilter, _ turn: ChatTurnInput) async throws -> ChatAnswer {
        let tickets = try await listTickets(device: device, filter: filter)
        let scope = device.map { " of \(ChatFormat.code($0))" } ?? ""
        guard !tickets.isEmpty else {
            if let device, try await source.devices.device(id: device) == nil, turn.recent.isEmpty {
                return unknownDeviceAnswer(device, turn)
            }
            // None unresolved: say what there is instead, so "no open tickets" is not read as "none ever".
            if filter == .unresolved, let latest = try await listTickets(device: device, filter: .all).first {
                return ChatAnswer(
                    answer: "There are no \(filter.label)\(scope). The latest ticket\(scope): "
                        + Self.ticketLine(latest, showDevice: device == nil),
                    facts: [Self.ticketFact(latest)], intent: ChatIntent.ticketList.rawValue)
            }
            return ChatAnswer(
                answer: "There are no \(filter.label)\(scope).", facts: [], intent: ChatIntent.ticketList.rawValue,
                grounded: true)
        }
        let limit = configuration.maximumTickets
        let count = tickets.count > limit ? "More than \(limit)" : String(tickets.count)
        var lines = ["**\(count) \(filter.label)\(scope)**, newest first:"]
        if tickets.count == 1 {
            lines[0] = "**1 \(filter.label.replacingOccurrences(of: "tickets", with: "ticket"))\(scope)**:"
        }
        var facts: [ChatFact] = []
        for ticket in tickets.prefix(limit) {
            lines.append("- " + Self.ticketLine(ticket, showDevice: device == nil))
            facts.append(Self.ticketFact(ticket))
        }
        return ChatAnswer(answer: lines.joined(separator: "\n"), facts: facts, intent: ChatIntent.ticketList.rawValue)
    }

    /// Up to `maximumTickets + 1` tickets that pass `filter`, newest first.
    func listTickets(device: String?, filter: ChatTicketFilter) async throws -> [Ticket] {
        let limit = configuration.maximumTickets + 1
        var tickets: [Ticket]
        switch filter {
        case .status(let status):
            tickets = try await source.tickets.tickets(TicketQuery(status: status, deviceID: device, limit: limit))
        case .all:
            tickets = try await source.tickets.tickets(TicketQuery(deviceID: device, limit: limit))
        case .unresolved:
            tickets = try await source.tickets.tickets(TicketQuery(status: .open, deviceID: device, limit: limit))
            tickets += try await source.tickets.tickets(
                TicketQuery(status: .acknowledged, deviceID: device, limit: limit))
        }
        tickets.sort { ($0.timeStamp, $0.uniqueID) > ($1.timeStamp, $1.uniqueID) }
        return Array(tickets.prefix(limit))
    }
}
