import OneCallCore

extension ChatEngine {
    /// A value or a summary of a device's readings: the newest value, or the average, minimum or
    /// maximum over a window, with the count of readings and the window.
    func telemetryAnswer(_ request: ChatTelemetryRequest, _ turn: ChatTurnInput) async throws -> ChatAnswer {
        let intent = ChatIntent.telemetry.rawValue
        let device = request.deviceID
        let recent =
            turn.recent.first?.deviceID == device ? turn.recent : try await newestReadings(of: device, limit: 20)
        guard !recent.isEmpty else {
            guard turn.registry.contains(where: { $0.id == device }) else { return unknownDeviceAnswer(device, turn) }
            return ChatAnswer(
                answer: "No readings of \(ChatFormat.code(device)) are stored.", facts: [], intent: intent)
        }
        let names = Self.fieldNames(of: recent)
        var wanted = names
        if !request.fieldWords.isEmpty {
            let matched = ChatFieldMatcher.match(request.fieldWords, in: names).fields
            guard !matched.isEmpty else {
                let asked = request.fieldWords.joined(separator: " ")
                return ChatAnswer(
                    answer: "The readings of \(ChatFormat.code(device)) have no field matching “\(asked)”. "
                        + "Its fields: " + names.map(ChatFormat.code).joined(separator: ", ") + ".",
                    facts: [], intent: intent)
            }
            wanted = matched
        }
        let fieldList = wanted.map(ChatFormat.code).joined(separator: ", ")

        if request.statistic == .latest {
            var candidates = recent
            var scope = ""
            if let window = request.window {
                let range = window.range(now: turn.now)
                candidates = try await newestReadings(of: device, limit: 200, from: range.from, to: range.to)
                scope = " \(window.label)"
            }
            guard let reading = candidates.first(where: { reading in wanted.contains { reading.value(of: $0) != nil } })
            else {
                return ChatAnswer(
                    answer: "\(ChatFormat.code(device)) has no readings of \(fieldList)\(scope).", facts: [],
                    intent: intent)
            }
            let present = wanted.compactMap { name in reading.value(of: name).map { (name, $0) } }
            var lines: [String] = []
            if present.count == 1, let (name, value) = present.first {
                lines.append(
                    "The latest \(ChatFormat.code(name)) of \(ChatFormat.code(device)) is "
                        + "**\(ChatFormat.value(value, field: name))**, at \(ChatFormat.time(reading.timestamp)).")
            } else {
                lines.append(
                    "**Latest reading of \(ChatFormat.code(device))** (\(ChatFormat.time(reading.timestamp))):")
                for (name, value) in present {
                    lines.append("- \(ChatFormat.code(name)): \(ChatFormat.value(value, field: name))")
                }
            }
            return ChatAnswer(answer: lines.joined(separator: "\n"), facts: [Self.readingFact(reading)], intent: intent)
        }

        let window = request.window ?? .last(configuration.defaultWindowSeconds)
        let range = window.range(now: turn.now)
        let end = min(range.to, turn.now)
        let span = "\(window.label) (\(ChatFormat.time(range.from)) – \(ChatFormat.time(end)))"
        let summary = try await windowSummary(
            device: device, from: range.from, to: range.to, fields: request.fieldWords.isEmpty ? nil : wanted)
        let withValues = summary.fields.filter { $0.count > 0 }
        guard summary.readings > 0, !withValues.isEmpty else {
            var text = "\(ChatFormat.code(device)) has no readings"
            if !request.fieldWords.isEmpty { text += " of \(fieldList)" }
            text += " \(span)."
            if let newest = recent.first { text += " Its newest reading is from \(ChatFormat.time(newest.timestamp))." }
            return ChatAnswer(answer: text, facts: [], intent: intent)
        }
        let cut = summary.truncated ? " (the first \(configuration.maximumReadings))" : ""
        let fact = ChatFact(
            kind: .telemetry, source: "telemetry/\(device)",
            text: "\(summary.readings) readings \(ChatFormat.time(range.from)) – \(ChatFormat.time(end)): "
                + withValues.map { Self.summaryText($0).replacingOccurrences(of: "`", with: "") }
                .joined(separator: "; "))

        if withValues.count == 1, let only = withValues.first, let statistic = Self.single(request.statistic, of: only)
        {
            let text =
                "The \(request.statistic.rawValue) \(ChatFormat.code(only.field)) of \(ChatFormat.code(device)) "
                + "\(span) is **\(ChatFormat.number(statistic, field: only.field))**, from "
                + "\(ChatFormat.count(only.count, "reading"))\(cut)."
            return ChatAnswer(answer: text, facts: [fact], intent: intent)
        }
        var lines = [
            "**\(ChatFormat.code(device))** \(span), \(ChatFormat.count(summary.readings, "reading"))\(cut):"
        ]
        for field in withValues {
            if let value = Self.single(request.statistic, of: field) {
                lines.append(
                    "- \(ChatFormat.code(field.field)): \(request.statistic.rawValue) "
                        + "**\(ChatFormat.number(value, field: field.field))** (\(field.count))")
            } else {
                lines.append("- " + Self.summaryText(field))
            }
        }
        return ChatAnswer(answer: lines.joined(separator: "\n"), facts: [fact], intent: intent)
    }

    /// The one number a statistic asks of a numeric field (`nil` for a summary or a word field).
    static func single(_ statistic: ChatStatistic, of summary: ChatFieldSummary) -> Double? {
        switch statistic {
        case .average: return summary.average
        case .minimum: return summary.minimum
        case .maximum: return summary.maximum
        case .latest, .summary: return nil
        }
    }
}
