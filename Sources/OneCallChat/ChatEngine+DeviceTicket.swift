import OneCallCore
import OneCallStorage

extension ChatEngine {
    /// One ticket of one device: its history, actions and calls, the device's telemetry over the
    /// ticket's window, and the troubleshooting steps (reported for a technician, never run).
    func deviceTicketAnswer(device: String, ticketID: String, _ turn: ChatTurnInput) async throws -> ChatAnswer {
        let intent = ChatIntent.deviceTicket.rawValue
        guard let ticket = try await storedTicket(ticketID) else {
            return ChatAnswer(answer: "No ticket \(ChatFormat.code(ticketID)) is stored.", facts: [], intent: intent)
        }
        guard ticket.deviceID == device else {
            return ChatAnswer(
                answer: "Ticket \(ChatFormat.code(ticket.uniqueID)) is not a ticket of \(ChatFormat.code(device)): "
                    + "it belongs to \(ChatFormat.code(ticket.deviceID)).",
                facts: [Self.ticketFact(ticket)], intent: intent, grounded: false)
        }
        var facts = [Self.ticketFact(ticket)]
        var lines: [String] = []
        var heading =
            "**Ticket \(ChatFormat.code(ticket.uniqueID))** of \(ChatFormat.code(device)) — error code **\(ticket.errorCode)**"
        let details = [ticket.title, ticket.severity.map { "severity \($0)" }].compactMap { $0 }.filter { !$0.isEmpty }
        if !details.isEmpty { heading += " (\(details.joined(separator: ", ")))" }
        lines.append(heading)
        lines.append(
            "- Status: **\(ticket.status.rawValue)**; opened \(ChatFormat.time(ticket.timeStamp)); "
                + "\(ChatFormat.count(ticket.occurrences, "occurrence")), last \(ChatFormat.time(ticket.lastOccurrenceAt))"
        )
        lines.append(contentsOf: Self.lifecycleLines(ticket))

        if !ticket.actions.isEmpty {
            lines.append("")
            lines.append("**Actions:**")
            for (number, action) in ticket.actions.sorted(by: { $0.sequence < $1.sequence }).enumerated() {
                lines.append("\(number + 1). " + Self.actionText(action))
            }
        }

        let calls = try await source.tickets.calls(ticketID: ticket.uniqueID, limit: 10)
        if !calls.isEmpty {
            lines.append("")
            lines.append("**Calls:**")
            for call in calls.reversed() {
                var line = "- \(ChatFormat.code(call.id)) to \(call.contactName ?? "the site contact")"
                if let contact = call.contact { line += " (\(contact))" }
                line += ": **\(call.status.rawValue)**, \(ChatFormat.count(call.attempts, "attempt"))"
                if let outcome = call.outcome, !outcome.isEmpty { line += " — \(outcome)" }
                lines.append(line)
                if let callStore = source.calls {
                    for attempt in try await callStore.callAttempts(callID: call.id).prefix(10) {
                        var text =
                            "  - attempt \(attempt.number): \(attempt.outcome.rawValue) at \(ChatFormat.time(attempt.startedAt))"
                        if let name = attempt.operatorName { text += " (\(name))" }
                        if !attempt.digits.isEmpty { text += ", pressed \(attempt.digits)" }
                        lines.append(text)
                    }
                }
                facts.append(Self.callFact(call))
            }
        }

        // Telemetry over the ticket's window.
        let range: (from: Double, to: Double)
        let label: String
        if let start = ticket.anomalyStart, let end = ticket.anomalyEnd {
            range = (min(start, end), max(start, end).nextUp)
            label = "the anomaly window \(ChatFormat.time(range.from)) – \(ChatFormat.time(max(start, end)))"
        } else {
            range = (ticket.timeStamp - 3600, ticket.timeStamp.nextUp)
            label = "the hour before the ticket (\(ChatFormat.time(range.from)) – \(ChatFormat.time(ticket.timeStamp)))"
        }
        lines.append("")
        let summary = try await windowSummary(device: device, from: range.from, to: range.to, fields: nil)
        if summary.readings == 0 {
            lines.append("**Telemetry** over \(label): no readings are stored.")
        } else {
            lines.append(
                "**Telemetry** over \(label), \(ChatFormat.count(summary.readings, "reading"))\(summary.truncated ? " (the first \(configuration.maximumReadings))" : ""):"
            )
            lines.append(contentsOf: summary.fields.map { "- " + Self.summaryText($0) })
            facts.append(
                ChatFact(
                    kind: .telemetry, source: "telemetry/\(device)",
                    text: "\(summary.readings) readings \(ChatFormat.time(range.from)) – \(ChatFormat.time(range.to)): "
                        + summary.fields.map { Self.summaryText($0).replacingOccurrences(of: "`", with: "") }
                        .joined(separator: "; ")))
        }

        // Troubleshooting steps: the ticket's, else the guide's.
        var steps = ticket.troubleshootingSteps
        var stepsSource = "the ticket"
        if steps.isEmpty, let section = turn.index.section(forCode: ticket.errorCode),
            let field = section.field(.steps, in: turn.index.fieldVocabulary)
        {
            steps = field.items
            stepsSource = "*\(section.documentName)*"
            facts.append(
                ChatFact(
                    kind: .knowledge, source: "knowledge/\(section.documentName)#\(ticket.errorCode)",
                    text: steps.joined(separator: " ")))
        }
        lines.append("")
        if steps.isEmpty {
            lines.append("**Troubleshooting steps:** none are recorded for \(ticket.errorCode).")
        } else {
            lines.append(
                "**Troubleshooting steps** (from \(stepsSource), for a technician — reported here, never run):")
            for (number, step) in steps.enumerated() { lines.append("\(number + 1). \(step)") }
        }
        return ChatAnswer(answer: lines.joined(separator: "\n"), facts: facts, intent: intent)
    }

    /// "log_ticket — done (1 attempt, completed T)".
    static func actionText(_ action: TicketAction) -> String {
        var text =
            "\(ChatFormat.code(action.tool)) — **\(action.status.rawValue)** (\(ChatFormat.count(action.attempts, "attempt"))"
        if let completed = action.completedAt { text += ", completed \(ChatFormat.time(completed))" }
        text += ")"
        if let error = action.lastError, !error.isEmpty { text += "; last error: \(ChatFormat.cut(error, limit: 160))" }
        if let result = action.result, !result.isEmpty {
            text += "; result: " + ChatFormat.code(ChatFormat.cut(JSONValue.object(result).jsonString, limit: 160))
        }
        return text
    }

    /// A summary of a device's readings in `[from, to)`.
    func windowSummary(
        device: String, from: Double, to: Double, fields: [String]?
    ) async throws -> (readings: Int, truncated: Bool, fields: [ChatFieldSummary]) {
        let records = try await source.telemetry.readings(
            TelemetryQuery(deviceID: device, from: from, to: to, limit: configuration.maximumReadings + 1))
        let truncated = records.count > configuration.maximumReadings
        let readings = records.prefix(configuration.maximumReadings).compactMap {
            ChatReading($0, maximumFields: configuration.maximumFields)
        }
        let summaries = ChatFieldSummary.summaries(of: readings, fields: fields, limit: configuration.maximumFields)
        return (readings.count, truncated, summaries)
    }

    /// "`power_consumption_watts`: avg 1502.3 W, min 1250 W, max 1799 W (12)" or "`mode`: mostly cool (10 of 12)".
    static func summaryText(_ summary: ChatFieldSummary) -> String {
        let name = ChatFormat.code(summary.field)
        if let average = summary.average, let minimum = summary.minimum, let maximum = summary.maximum {
            return "\(name): avg \(ChatFormat.number(average, field: summary.field)), "
                + "min \(ChatFormat.number(minimum, field: summary.field)), "
                + "max \(ChatFormat.number(maximum, field: summary.field)) (\(summary.count))"
        }
        if let top = summary.mostCommon {
            return top.count == summary.count
                ? "\(name): \(top.value) (all \(summary.count))"
                : "\(name): mostly \(top.value) (\(top.count) of \(summary.count))"
        }
        return "\(name): no values"
    }
}
