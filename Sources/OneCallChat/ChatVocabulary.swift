/// The words that tell what a question asks, and tolerance for their misspellings. Field names,
/// device ids and error codes are never listed here: they come from the data.
enum ChatVocabulary {
    static let errorWords: Set<String> = [
        "error", "errors", "code", "codes", "fault", "faults", "alarm", "alarms", "warning", "warnings",
    ]
    static let deviceWords: Set<String> = [
        "device", "devices", "unit", "units", "machine", "machines", "thing", "sensor", "equipment", "asset",
    ]
    static let ticketWords: Set<String> = ["ticket", "tickets", "incident", "incidents"]
    static let problemWords: Set<String> = [
        "wrong", "problem", "problems", "issue", "issues", "broken", "failing", "failure", "failures", "faulty",
        "trouble", "alert", "alerts", "alarm", "alarms", "faults", "errors", "down",
    ]
    static let nowWords: Set<String> = [
        "now", "currently", "current", "moment", "active", "ongoing", "any", "anything",
    ]
    static let acknowledgedWords: Set<String> = ["acknowledged", "acknowledge", "ack", "acked"]
    static let resolvedWords: Set<String> = ["resolved", "resolve", "closed", "fixed", "done", "solved"]
    static let openWords: Set<String> = ["open", "opened", "unresolved", "pending", "outstanding", "unacknowledged"]
    static let averageWords: Set<String> = ["average", "avg", "mean", "typical"]
    static let minimumWords: Set<String> = ["minimum", "min", "lowest", "least", "smallest"]
    static let maximumWords: Set<String> = ["maximum", "max", "highest", "peak", "largest", "top"]
    static let latestWords: Set<String> = ["latest", "newest", "current", "currently", "now", "present"]
    static let summaryWords: Set<String> = [
        "telemetry", "readings", "reading", "data", "measurements", "measurement", "metrics", "values", "stats",
        "statistics", "summary", "summarize", "summarise", "trend", "history", "sensors",
    ]
    static let aboutWords: Set<String> = [
        "tell", "about", "info", "information", "details", "detail", "describe", "show", "overview", "status",
        "state", "explain", "doing", "health", "everything",
    ]
    static let pronouns: Set<String> = ["it", "its", "this", "that", "same", "there"]
    /// Words that make a question one for the guides (how to fix, why, what causes).
    static let knowledgeWords: Set<String> = [
        "why", "cause", "causes", "caused", "causing", "fix", "fixing", "repair", "clean", "cleaning", "replace",
        "mean", "means", "meaning", "procedure", "troubleshoot", "troubleshooting", "should", "prevent", "avoid",
        "reason", "reasons", "recommend", "recommended", "maintain", "maintenance", "check", "inspect",
    ]
    /// Words after "how" that make a how-to question ("how do I", "how to").
    static let howToFollowers: Set<String> = ["to", "do", "does", "can", "should", "could", "would", "i", "we"]
    /// Words with no meaning of their own in a follow-up ("and what about …").
    static let fillerWords: Set<String> = [
        "and", "what", "whats", "s", "about", "how", "for", "of", "the", "then", "also", "instead", "please", "with",
        "on", "at", "is", "are", "was", "a", "an", "its", "it", "this", "that", "same", "one", "me", "tell", "show",
        "give", "now", "too", "as", "well", "again", "over", "in", "during", "from", "to", "by", "value", "values",
        "level", "levels", "reading", "readings", "device", "unit", "same", "ok", "okay", "thanks", "so", "let",
        "see", "get", "like", "was", "were", "there", "be", "been", "my", "our", "i", "we", "you", "can", "could",
        "would", "do", "does", "did", "have", "has", "had", "been", "which", "one", "ones", "was", "measured",
    ]
    /// Words left out of a knowledge search: the question's frame, not its subject.
    static let questionWords: Set<String> = [
        "what", "whats", "how", "do", "does", "did", "i", "me", "my", "you", "your", "we", "our", "us", "can",
        "could", "would", "should", "please", "tell", "about", "is", "are", "was", "were", "the", "a", "an", "of",
        "to", "in", "on", "for", "with", "why", "when", "where", "which", "who", "there", "any", "it", "its", "s",
        "know", "explain", "give", "show", "get", "need", "want", "hi", "hello", "hey", "thanks", "thank", "be",
        "have", "has", "if", "so", "and", "or", "some", "this", "that", "happen", "happens", "kb", "knowledge",
        "base", "guide", "guides", "say", "says", "said", "best", "way", "way", "right", "d", "ll", "m", "ve",
    ]

    /// Every word listed, the targets of spelling tolerance.
    static let known: Set<String> = errorWords.union(deviceWords).union(ticketWords).union(problemWords)
        .union(nowWords).union(acknowledgedWords).union(resolvedWords).union(openWords).union(averageWords)
        .union(minimumWords).union(maximumWords).union(latestWords).union(summaryWords).union(aboutWords)
        .union(knowledgeWords).union(ChatWindow.unitWords.keys).union(ChatWindow.leadWords)
        .union(["temperature", "pressure", "power", "humidity", "consumption", "yesterday", "today"])

    /// `word`, or the one listed word it misspells (one edit for six letters or more, two for nine
    /// or more).
    static func canonical(_ word: String) -> String {
        guard word.count >= 6, !known.contains(word), word.allSatisfy(\.isLetter) else { return word }
        let allowed = word.count >= 9 ? 2 : 1
        var best: String?
        var bestDistance = allowed + 1
        for candidate in known.sorted() where abs(candidate.count - word.count) <= allowed && candidate.count >= 5 {
            let distance = editDistance(word, candidate, limit: allowed)
            if distance < bestDistance {
                best = candidate
                bestDistance = distance
            }
        }
        return best ?? word
    }

    /// The optimal-string-alignment distance between `a` and `b` (insertions, deletions, substitutions
    /// and adjacent transpositions), or `limit + 1` when it is larger than `limit`.
    static func editDistance(_ a: String, _ b: String, limit: Int) -> Int {
        let a = Array(a)
        let b = Array(b)
        if abs(a.count - b.count) > limit { return limit + 1 }
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        var previousPrevious = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            var rowMinimum = current[0]
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    value = min(value, previousPrevious[j - 2] + 1)
                }
                current[j] = value
                rowMinimum = min(rowMinimum, value)
            }
            if rowMinimum > limit { return limit + 1 }
            (previousPrevious, previous, current) = (previous, current, previousPrevious)
        }
        return min(previous[b.count], limit + 1)
    }
}
