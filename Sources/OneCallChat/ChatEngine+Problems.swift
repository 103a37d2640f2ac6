import OneCallCore
import OneCallStorage

extension ChatEngine {
    /// What is wrong right now: unresolved tickets, and devices whose latest reading carries an error
    /// code, newest first.
    func problemsAnswer(_ turn: ChatTurnInput) async throws -> ChatAnswer {
        let tickets = try await listTickets(device: nil, filter: .unresolved)
        var reported: [ChatReading] = []
        var checked = 0
        for device in turn.registry.prefix(configuration.maximumDevicesScanned) {
            checked += 1
            guard let latest = try await newestReadings(of: device.id, limit: 1).first,
                latest.errorCode(noErrorValues: configuration.noErrorValues) != nil
            else { continue }
            reported.append(latest)
        }

        struct Entry {
            var time: Double
            var line: String
            var facts: [ChatFact]
        }
        var entries: [Entry] = []
        var covered = Set<Int>()
        for ticket in tickets.prefix(configuration.maximumTickets) {
            var line = "- " + Self.ticketLine(ticket, showDevice: true)
            var facts = [Self.ticketFact(ticket)]
            if let index = reported.firstIndex(where: {
                $0.deviceID == ticket.deviceID
                    && $0.errorCode(noErrorValues: configuration.noErrorValues)?.code == ticket.errorCode
            }) {
                covered.insert(index)
                line += "; the latest reading (\(ChatFormat.time(reported[index].timestamp))) still reports it"
                facts.append(Self.readingFact(reported[index]))
            }
            entries.append(Entry(time: max(ticket.lastOccurrenceAt, ticket.timeStamp), line: line, facts: facts))
        }
        for (index, reading) in reported.enumerated() where !covered.contains(index) {
            guard let error = reading.errorCode(noErrorValues: configuration.noErrorValues) else { continue }
            entries.append(
                Entry(
                    time: reading.timestamp,
                    line:
                        "- \(ChatFormat.code(reading.deviceID)) — latest reading (\(ChatFormat.time(reading.timestamp))) "
                        + "reports \(ChatFormat.code(error.field)) **\(error.code)**; no unresolved ticket for it",
                    facts: [Self.readingFact(reading)]))
        }
        entries.sort { $0.time > $1.time }

        guard !entries.isEmpty else {
            return ChatAnswer(
                answer: "Nothing is wrong as far as the stored data shows: no unresolved tickets, and no device's "
                    + "latest reading carries an error code (\(ChatFormat.count(checked, "device")) checked).",
                facts: [], intent: ChatIntent.problems.rawValue, grounded: true)
        }
        let ticketCount = min(tickets.count, configuration.maximumTickets)
        let more = tickets.count > configuration.maximumTickets ? "more than " : ""
        var lines = [
            "**What is wrong now** (\(ChatFormat.time(turn.now))): \(more)\(ChatFormat.count(ticketCount, "unresolved ticket")), "
                + "\(ChatFormat.count(reported.count, "device")) reporting an error code; newest first:"
        ]
        lines.append(contentsOf: entries.map(\.line))
        return ChatAnswer(
            answer: lines.joined(separator: "\n"), facts: entries.flatMap(\.facts), intent: ChatIntent.problems.rawValue
        )
    }
}
