import OneCallCore

/// The words of a ticket's e-mail and of the call about it.
public enum TicketMailComposer {
    /// The e-mail for a ticket: a subject that names device, code and fault, and a plain-text body
    /// with every field a technician needs.
    public static func compose(_ ticket: Ticket, device: Device?, actionID: Int64) -> TicketMail {
        var subject = "[OneCall] \(ticket.errorCode) on \(ticket.deviceID)"
        if let title = ticket.title { subject += ": \(title)" }
        if ticket.noRunbook { subject += " (no runbook)" }
        var lines: [String] = []
        lines.append("Ticket: \(ticket.uniqueID)")
        lines.append("Device: \(ticket.deviceID)")
        if let device {
            let place = [device.address, device.city, device.state, device.zip, device.country].compactMap { $0 }
                .filter { !$0.isEmpty }
            if !place.isEmpty { lines.append("Location: \(place.joined(separator: ", "))") }
            if let owner = device.siteOwner { lines.append("Site owner: \(owner)") }
            if let contact = device.siteOwnerContact { lines.append("Site owner contact: \(contact)") }
        }
        lines.append("Error code: \(ticket.errorCode)")
        if let title = ticket.title { lines.append("Fault: \(title)") }
        if let severity = ticket.severity { lines.append("Severity: \(severity)") }
        lines.append("Time: \(CivilTime(epochSeconds: ticket.timeStamp).rfc3339)")
        if let start = ticket.anomalyStart { lines.append("Anomaly start: \(CivilTime(epochSeconds: start).rfc3339)") }
        if let end = ticket.anomalyEnd { lines.append("Anomaly end: \(CivilTime(epochSeconds: end).rfc3339)") }
        lines.append("Status: \(ticket.status.rawValue)")
        lines.append("")
        if ticket.noRunbook {
            lines.append("No section of the knowledge base covers this code: please look at the device.")
            lines.append("")
        }
        if !ticket.troubleshootingSteps.isEmpty {
            lines.append("Troubleshooting steps:")
            for (index, step) in ticket.troubleshootingSteps.enumerated() { lines.append("  \(index + 1). \(step)") }
            lines.append("")
        }
        let actions = ticket.actions.map(\.tool)
        if !actions.isEmpty {
            lines.append("Actions taken by OneCall: \(actions.joined(separator: ", "))")
        }
        if !ticket.attention.isEmpty {
            lines.append("Needs attention:")
            for item in ticket.attention { lines.append("  - \(item)") }
        }
        return TicketMail(
            subject: subject, body: lines.joined(separator: "\n") + "\n",
            messageID: "<ticket-\(ticket.uniqueID).\(actionID)@onecall>")
    }

    /// What a call about the ticket says.
    public static func callMessage(_ ticket: Ticket, device: Device?) -> String {
        var words = "This is OneCall. Device \(ticket.deviceID)"
        if let device {
            let place = [device.address, device.city].compactMap { $0 }.filter { !$0.isEmpty }
            if !place.isEmpty { words += " at \(place.joined(separator: ", "))" }
        }
        words += " reports error \(ticket.errorCode)"
        if let title = ticket.title { words += ", \(title.replacingUnderscores())" }
        if let severity = ticket.severity { words += ", severity \(severity)" }
        words += ". Ticket \(ticket.uniqueID.prefix(8)). Press 1 to acknowledge."
        return words
    }
}

extension String {
    fileprivate func replacingUnderscores() -> String { String(map { $0 == "_" ? " " : $0 }) }
}
