import OneCallCore
import OneCallStorage

extension ChatEngine {
    /// Where a device is, who owns its site, its latest reading and its unresolved tickets.
    func deviceAnswer(_ id: String, _ turn: ChatTurnInput) async throws -> ChatAnswer {
        let device = try await source.devices.device(id: id)
        let latest =
            turn.recent.first?.deviceID == id ? turn.recent.first : try await newestReadings(of: id, limit: 1).first
        guard device != nil || latest != nil else { return unknownDeviceAnswer(id, turn) }
        var facts: [ChatFact] = []
        var lines: [String] = []

        if let device {
            lines.append("**Device \(ChatFormat.code(id))** (\(device.type))")
            let place = Self.location(of: device)
            lines.append("- Location: " + (place.isEmpty ? "not recorded" : place))
            lines.append("- Site owner: " + Self.owner(of: device))
            facts.append(ChatFact(kind: .device, source: "devices/\(id)", text: Self.deviceText(device)))
        } else {
            lines.append("**Device \(ChatFormat.code(id))** — not in the device registry; its readings are stored.")
        }

        if let latest {
            lines.append("")
            lines.append("**Current state** (latest reading, \(ChatFormat.time(latest.timestamp))):")
            if let error = latest.errorCode(noErrorValues: configuration.noErrorValues) {
                lines.append("- Error code: **\(error.code)** (\(ChatFormat.code(error.field)))")
            } else if let field = latest.fields.first(where: { ChatReading.isErrorField($0.name) }) {
                lines.append(
                    "- No error (\(ChatFormat.code(field.name)) is \(ChatFormat.value(field.value, field: field.name)))"
                )
            }
            let values = latest.fields.filter { !ChatReading.isErrorField($0.name) }
                .map { "\(ChatFormat.code($0.name)) \(ChatFormat.value($0.value, field: $0.name))" }
            if !values.isEmpty { lines.append("- " + values.joined(separator: " · ")) }
            facts.append(Self.readingFact(latest))
        } else {
            lines.append("")
            lines.append("**Current state:** no readings are stored for \(ChatFormat.code(id)).")
        }

        let open = try await source.tickets.tickets(TicketQuery(deviceID: id, limit: configuration.maximumTickets + 1))
            .filter { $0.status != .resolved }
        lines.append("")
        if open.isEmpty {
            lines.append("**Open tickets:** none.")
        } else {
            lines.append(
                "**Open tickets** (\(open.count > configuration.maximumTickets ? "more than \(configuration.maximumTickets)" : String(open.count))):"
            )
            for ticket in open.prefix(configuration.maximumTickets) {
                lines.append("- " + Self.ticketLine(ticket, showDevice: false))
                facts.append(Self.ticketFact(ticket))
            }
        }
        return ChatAnswer(answer: lines.joined(separator: "\n"), facts: facts, intent: ChatIntent.device.rawValue)
    }

    /// The answer for a device that neither the registry nor the telemetry store knows, with the
    /// registered ids that are spelled most like it.
    func unknownDeviceAnswer(_ name: String, _ turn: ChatTurnInput) -> ChatAnswer {
        var text =
            "I know no device \(ChatFormat.code(name)): the registry has no such device and no readings from it are stored."
        let target = ChatToken(name).compact
        let close = turn.registry.map(\.id).filter { id in
            ChatVocabulary.editDistance(ChatToken(id).compact, target, limit: 2) <= 2
        }
        if !close.isEmpty, close.count <= 5 {
            text += " Did you mean " + close.map(ChatFormat.code).joined(separator: " or ") + "?"
        }
        return ChatAnswer(answer: text, facts: [], intent: ChatIntent.device.rawValue)
    }

    // MARK: - Pieces shared by answers

    /// "Street 1, San Diego, CA 92130, US".
    static func location(of device: Device) -> String {
        let region = [device.state, device.zip].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
        return [device.address, device.city, region, device.country].compactMap { $0 }.filter { !$0.isEmpty }
            .joined(separator: ", ")
    }

    /// "Customer 1 (+11234567890)".
    static func owner(of device: Device) -> String {
        switch (device.siteOwner, device.siteOwnerContact) {
        case (let owner?, let contact?): return "\(owner) (\(contact))"
        case (let owner?, nil): return owner
        case (nil, let contact?): return "not named (contact \(contact))"
        case (nil, nil): return "not recorded"
        }
    }

    static func deviceText(_ device: Device) -> String {
        var parts = ["\(device.id) (\(device.type))"]
        let place = location(of: device)
        if !place.isEmpty { parts.append("at \(place)") }
        parts.append("site owner \(owner(of: device))")
        if let lastSeen = device.lastSeen { parts.append("last seen \(ChatFormat.time(lastSeen))") }
        return parts.joined(separator: "; ")
    }

    /// A reading as a fact: its time and fields.
    static func readingFact(_ reading: ChatReading) -> ChatFact {
        let values = reading.fields.map { "\($0.name)=\(ChatFormat.value($0.value, field: $0.name))" }
        return ChatFact(
            kind: .telemetry, source: "telemetry/\(reading.deviceID)",
            text: "reading at \(ChatFormat.time(reading.timestamp)): " + values.joined(separator: ", "))
    }

    /// A ticket as a fact.
    static func ticketFact(_ ticket: Ticket) -> ChatFact {
        ChatFact(kind: .ticket, source: "tickets/\(ticket.uniqueID)", text: ticketText(ticket))
    }

    static func ticketText(_ ticket: Ticket) -> String {
        var text =
            "\(ticket.errorCode) on \(ticket.deviceID), \(ticket.status.rawValue), opened \(ChatFormat.time(ticket.timeStamp))"
        text += ", \(ChatFormat.count(ticket.occurrences, "occurrence"))"
        if ticket.occurrences > 1 { text += ", last \(ChatFormat.time(ticket.lastOccurrenceAt))" }
        return text
    }

    /// "`id` — CODE (title), open, opened T, 3 occurrences (last T)".
    static func ticketLine(_ ticket: Ticket, showDevice: Bool) -> String {
        var line = ChatFormat.code(ticket.uniqueID) + " — "
        if showDevice { line += ChatFormat.code(ticket.deviceID) + " " }
        line += "**\(ticket.errorCode)**"
        if let title = ticket.title, !title.isEmpty { line += " (\(title))" }
        line += ", \(ticket.status.rawValue), opened \(ChatFormat.time(ticket.timeStamp))"
        if ticket.occurrences > 1 {
            line +=
                ", \(ChatFormat.count(ticket.occurrences, "occurrence")) (last \(ChatFormat.time(ticket.lastOccurrenceAt)))"
        }
        return line
    }
}
