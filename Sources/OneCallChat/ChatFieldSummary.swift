/// What a window of readings says about one field: for numbers their count, average, minimum and
/// maximum; for words their count and most common value.
struct ChatFieldSummary: Sendable {
    var field: String
    var count: Int
    var average: Double?
    var minimum: Double?
    var maximum: Double?
    /// The most common word and how often it appeared (ties go to the alphabetically first).
    var mostCommon: (value: String, count: Int)?

    /// One summary per field of `readings`, in the order fields first appear; only `fields` when given.
    static func summaries(of readings: [ChatReading], fields wanted: [String]? = nil, limit: Int) -> [ChatFieldSummary]
    {
        var order: [String] = []
        var numbers: [String: (count: Int, sum: Double, minimum: Double, maximum: Double)] = [:]
        var words: [String: [String: Int]] = [:]
        var wordCounts: [String: Int] = [:]
        let wantedSet = wanted.map(Set.init)
        for reading in readings {
            for (name, value) in reading.fields {
                if let wantedSet, !wantedSet.contains(name) { continue }
                if numbers[name] == nil && words[name] == nil {
                    guard order.count < limit else { continue }
                    order.append(name)
                }
                switch value {
                case .number(let number):
                    guard words[name] == nil else { continue }
                    var entry = numbers[name] ?? (0, 0, number, number)
                    entry.count += 1
                    entry.sum += number
                    entry.minimum = min(entry.minimum, number)
                    entry.maximum = max(entry.maximum, number)
                    numbers[name] = entry
                case .word(let word):
                    guard numbers[name] == nil else { continue }
                    words[name, default: [:]][word, default: 0] += 1
                    wordCounts[name, default: 0] += 1
                }
            }
        }
        if let wanted { order.sort { (wanted.firstIndex(of: $0) ?? 0) < (wanted.firstIndex(of: $1) ?? 0) } }
        return order.map { name in
            if let entry = numbers[name] {
                return ChatFieldSummary(
                    field: name, count: entry.count, average: entry.sum / Double(entry.count), minimum: entry.minimum,
                    maximum: entry.maximum)
            }
            let counts = words[name] ?? [:]
            let top = counts.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.first
            return ChatFieldSummary(
                field: name, count: wordCounts[name] ?? 0, average: nil, minimum: nil, maximum: nil,
                mostCommon: top.map { ($0.key, $0.value) })
        }
    }
}
