import OneCallCore

/// A time window a question asks about, relative to the time it is answered: the last N seconds,
/// today or yesterday (UTC days).
struct ChatWindow: Sendable, Hashable {
    /// How the window is measured.
    enum Kind: Sendable, Hashable {
        case last(seconds: Double)
        case today
        case yesterday
        /// An absolute range, such as a ticket's anomaly window.
        case range(from: Double, to: Double)
    }

    var kind: Kind
    /// How the answer names it, as a phrase that follows a statement ("over the last 2 hours", "today").
    var label: String

    /// The range `[from, to)` the window covers when it is `now`.
    func range(now: Double) -> (from: Double, to: Double) {
        switch kind {
        case .last(let seconds): return (now - seconds, now.nextUp)
        case .today:
            let start = Self.startOfDay(now)
            return (start, now.nextUp)
        case .yesterday:
            let start = Self.startOfDay(now)
            return (start - 86_400, start)
        case .range(let from, let to): return (from, to)
        }
    }

    /// The window of the last `seconds`.
    static func last(_ seconds: Double) -> ChatWindow {
        ChatWindow(kind: .last(seconds: seconds), label: "over the last " + describe(seconds: seconds))
    }

    /// Midnight UTC of the day of `time`.
    static func startOfDay(_ time: Double) -> Double {
        var civil = CivilTime(epochSeconds: time)
        civil.hour = 0
        civil.minute = 0
        civil.second = 0
        civil.fraction = 0
        return civil.epochSeconds
    }

    /// "2 hours", "hour", "30 minutes", "3 days".
    static func describe(seconds: Double) -> String {
        let units: [(Double, String)] = [
            (604_800, "week"), (86_400, "day"), (3600, "hour"), (60, "minute"), (1, "second"),
        ]
        for (size, name) in units where seconds >= size && (seconds / size).rounded() == seconds / size {
            let count = Int(seconds / size)
            return count == 1 ? name : "\(count) \(name)s"
        }
        return "\(Int(seconds.rounded())) seconds"
    }

    /// Words that name a unit of time, with its length in seconds.
    static let unitWords: [String: Double] = [
        "second": 1, "seconds": 1, "sec": 1, "secs": 1,
        "minute": 60, "minutes": 60, "min": 60, "mins": 60,
        "hour": 3600, "hours": 3600, "hr": 3600, "hrs": 3600,
        "day": 86_400, "days": 86_400, "week": 604_800, "weeks": 604_800,
    ]
    /// Words that open a window ("last", "past").
    static let leadWords: Set<String> = ["last", "past", "previous", "recent", "preceding"]
    private static let numberWords: [String: Double] = [
        "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
        "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40,
        "fifty": 50, "sixty": 60, "ninety": 90, "couple": 2, "few": 3,
    ]
    private static let compactUnits: [String: Double] = [
        "s": 1, "m": 60, "min": 60, "h": 3600, "d": 86_400, "w": 604_800,
    ]

    /// The window named by `words` (lowercase words of a message), with the positions of the words
    /// that named it, or `nil`. Lengths are capped at `maximumSeconds`.
    static func find(in words: [String], maximumSeconds: Double) -> (window: ChatWindow, positions: Set<Int>)? {
        for (index, word) in words.enumerated() {
            switch word {
            case "today":
                return (ChatWindow(kind: .today, label: "today"), [index])
            case "yesterday":
                return (ChatWindow(kind: .yesterday, label: "yesterday"), [index])
            default: break
            }
            // "2h", "30m", "24hrs"
            if let split = word.firstIndex(where: { !$0.isNumber }), split != word.startIndex,
                let count = Double(word[..<split]),
                let size = compactUnits[String(word[split...])] ?? unitWords[String(word[split...])]
            {
                return (window(count * size, maximumSeconds), [index])
            }
            guard let size = unitWords[word] else { continue }
            var positions: Set<Int> = [index]
            var count: Double?
            var cursor = index - 1
            if cursor >= 0, let number = Double(words[cursor]) ?? numberWords[words[cursor]] {
                count = number
                positions.insert(cursor)
                cursor -= 1
                // "a couple of hours", "half an hour"
            } else if cursor >= 0, words[cursor] == "of", cursor >= 1, let number = numberWords[words[cursor - 1]] {
                count = number
                positions.formUnion([cursor, cursor - 1])
                cursor -= 2
            }
            if cursor >= 0, words[cursor] == "a" || words[cursor] == "the" {
                positions.insert(cursor)
                cursor -= 1
            }
            if cursor >= 0, words[cursor] == "half", count == 1 {
                count = 0.5
                positions.insert(cursor)
                cursor -= 1
            }
            let hasLead = cursor >= 0 && leadWords.contains(words[cursor])
            if hasLead { positions.insert(cursor) }
            guard hasLead || count != nil else { continue }
            return (window((count ?? 1) * size, maximumSeconds), positions)
        }
        return nil
    }

    private static func window(_ seconds: Double, _ maximum: Double) -> ChatWindow {
        last(min(max(seconds, 1), maximum))
    }
}
