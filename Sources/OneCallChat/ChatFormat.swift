import OneCallCore

/// How answers spell numbers, times, ids and quotes: the same way every time.
enum ChatFormat {
    /// A number with at most two decimals and no trailing zeros (`1502.25`, `24`, `-0.5`).
    static func number(_ value: Double) -> String {
        guard value.isFinite else { return String(value) }
        let scaled = (value * 100).rounded()
        guard abs(scaled) < 9e15 else { return String(value) }
        let hundredths = Int64(scaled)
        let sign = hundredths < 0 ? "-" : ""
        let magnitude = hundredths.magnitude
        let whole = magnitude / 100
        let fraction = magnitude % 100
        if fraction == 0 { return sign + String(whole) }
        if fraction % 10 == 0 { return sign + "\(whole).\(fraction / 10)" }
        return sign + "\(whole).\(fraction < 10 ? "0" : "")\(fraction)"
    }

    /// A number with the unit of `field`, if its name gives one (`1502.3 W`, `24.1 °C`).
    static func number(_ value: Double, field: String) -> String {
        guard let unit = ChatFieldMatcher.unit(ofField: field) else { return number(value) }
        return number(value) + (unit == "%" ? "" : " ") + unit
    }

    /// A value of a reading.
    static func value(_ value: ChatValue, field: String) -> String {
        switch value {
        case .number(let number): return Self.number(number, field: field)
        case .word(let word): return word
        }
    }

    /// `YYYY-MM-DD HH:MM:SS UTC`.
    static func time(_ seconds: Double) -> String {
        CivilTime(epochSeconds: seconds).dateTimeText + " UTC"
    }

    /// Text as inline code (ids, field names, codes), with backticks in it removed.
    static func code(_ text: String) -> String {
        "`" + text.replacingOccurrences(of: "`", with: "'") + "`"
    }

    /// `text` as a Markdown block quote, cut at `limit` characters.
    static func quote(_ text: String, limit: Int) -> String {
        let cut = cut(text, limit: limit)
        return cut.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.isEmpty ? ">" : "> " + $0 }
            .joined(separator: "\n")
    }

    /// `text`, cut at `limit` characters with an ellipsis.
    static func cut(_ text: String, limit: Int) -> String {
        guard text.count > limit else { return text }
        return String(text.prefix(max(limit - 1, 0))) + "…"
    }

    /// "1 reading", "12 readings".
    static func count(_ count: Int, _ noun: String) -> String {
        "\(count) \(noun)\(count == 1 ? "" : "s")"
    }
}
