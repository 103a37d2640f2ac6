import OneCallKnowledge

/// The words that turn a guide's action list into tools: phrases per tool, words that negate, words
/// that say "nothing more", and the field names of guide sections. Data, not code: extend it from
/// configuration rather than teaching the planner a guide.
///
/// Phrase syntax: alternatives are separated by `|`; parts that must all appear in a clause are
/// joined by ` + ` (in any order, so "a ticket is logged" matches `log + ticket`) or ` > ` (after
/// the part before); a part that starts with `!` must not appear. Words are compared lowercased and
/// stemmed, with small words ("the", "a", "to") ignored, so `call + operator` matches "Calling the
/// site operator". A phrase without `+` or `>` must appear as written ("work order").
public struct RunbookVocabulary: Sendable, Hashable {
    /// The phrases per tool, as written.
    public private(set) var phrases: [RunbookTool: [String]]
    /// Phrases that mean "no (further) action" without a negation word ("N/A", "that is all").
    public private(set) var noActionPhrases: [String]
    /// Words that negate a clause ("not", "never", "without"); a negated clause asks for nothing.
    public private(set) var negationWords: [String]
    /// Verbs that start an action of their own, beyond the tools' verbs ("check", "wait"); a clause
    /// after "and" that starts with none of them belongs to the clause before ("… the operator and the
    /// site owner").
    public private(set) var actionVerbs: [String]
    /// The names of guide fields (which field holds the actions, which the steps).
    public var fields: SectionFieldVocabulary

    struct Slot: Sendable, Hashable {
        var alternatives: [[String]]
        var followsPrevious: Bool
    }

    struct Pattern: Sendable, Hashable {
        var tool: RunbookTool
        var slots: [Slot]
        var exclusions: [[String]]
    }

    private(set) var patterns: [Pattern] = []
    private(set) var noAction: [[String]] = []
    private(set) var negations: Set<String> = []
    private(set) var verbs: Set<String> = []

    /// Small words that matching ignores.
    static let stopWords: Set<String> = Set(
        [
            "a", "an", "the", "to", "of", "on", "for", "by", "with", "at", "in", "from", "via", "into", "onto", "this",
            "that", "these", "those", "it", "its", "their", "his", "her", "our", "your", "my", "any", "all", "is",
            "are", "be", "been", "being", "was", "were", "will", "would", "should", "must", "shall", "can", "could",
            "may", "might", "please", "immediately", "automatically", "remotely", "also", "as", "so", "then", "and",
            "or", "same", "again", "first", "next", "now", "just", "only", "always", "there", "here", "do", "does",
            "right", "away", "promptly", "directly", "whole", "relevant", "responsible", "appropriate", "designated",
        ].map(KnowledgeTokenizer.stem))

    /// A vocabulary from its tables; see the type's documentation for the phrase syntax.
    public init(
        phrases: [RunbookTool: [String]], noActionPhrases: [String], negationWords: [String], actionVerbs: [String],
        fields: SectionFieldVocabulary = .standard
    ) {
        self.phrases = [:]
        self.noActionPhrases = []
        self.negationWords = []
        self.actionVerbs = []
        self.fields = fields
        for tool in RunbookTool.allCases { add(phrases[tool] ?? [], for: tool) }
        addNoAction(noActionPhrases)
        addNegations(negationWords)
        addVerbs(actionVerbs)
    }

    /// The vocabulary with more phrases for `tool`.
    public func adding(_ phrases: [String], for tool: RunbookTool) -> RunbookVocabulary {
        var copy = self
        copy.add(phrases, for: tool)
        return copy
    }

    /// The vocabulary with more "no action" phrases.
    public func adding(noActionPhrases phrases: [String]) -> RunbookVocabulary {
        var copy = self
        copy.addNoAction(phrases)
        return copy
    }

    /// The vocabulary extended from configuration: keys are tool wire names (`log_ticket`,
    /// `call_operator`, `clear_fault`), `no_action` for "nothing more" phrases, `negation` for
    /// negation words and `verbs` for action verbs; values are phrases.
    public func extended(with configuration: [String: [String]]) throws(RunbookVocabularyError) -> RunbookVocabulary {
        var copy = self
        for key in configuration.keys.sorted() {
            let values = configuration[key] ?? []
            if let tool = RunbookTool(rawValue: key) {
                copy.add(values, for: tool)
            } else {
                switch key {
                case "no_action", "none": copy.addNoAction(values)
                case "negation", "negations": copy.addNegations(values)
                case "verbs", "action_verbs": copy.addVerbs(values)
                default: throw RunbookVocabularyError(key: key)
                }
            }
        }
        return copy
    }

    // MARK: - Compiling

    /// The words of `text` that matching looks at.
    static func contentWords(_ text: some StringProtocol) -> [String] {
        KnowledgeTokenizer.words(in: text).filter { !stopWords.contains($0) }
    }

    private mutating func add(_ newPhrases: [String], for tool: RunbookTool) {
        for phrase in newPhrases {
            guard let pattern = Self.compile(phrase, tool: tool) else { continue }
            phrases[tool, default: []].append(phrase)
            patterns.append(pattern)
            // The first part's words are verbs that start an action.
            if pattern.slots.count > 1 {
                for alternative in pattern.slots[0].alternatives where alternative.count == 1 {
                    verbs.insert(alternative[0])
                }
            }
        }
    }

    private mutating func addNoAction(_ phrases: [String]) {
        for phrase in phrases {
            let words = Self.contentWords(phrase)
            guard !words.isEmpty else { continue }
            noActionPhrases.append(phrase)
            noAction.append(words)
        }
    }

    private mutating func addNegations(_ words: [String]) {
        for word in words {
            negationWords.append(word)
            negations.formUnion(KnowledgeTokenizer.words(in: word))
        }
    }

    private mutating func addVerbs(_ words: [String]) {
        for word in words {
            actionVerbs.append(word)
            verbs.formUnion(KnowledgeTokenizer.words(in: word))
        }
    }

    static func compile(_ phrase: String, tool: RunbookTool) -> Pattern? {
        var slots: [Slot] = []
        var exclusions: [[String]] = []
        var rest = Substring(phrase)
        var followsPrevious = false
        while !rest.isEmpty {
            let next = Self.separator(in: rest)
            let part = next.map { rest[..<$0.lowerBound] } ?? rest
            var text = part.trimmed
            let isExclusion = text.hasPrefix("!")
            if isExclusion { text = text.dropFirst().trimmed }
            let alternatives = text.split(separator: "|").map { contentWords($0) }.filter { !$0.isEmpty }
            if !alternatives.isEmpty {
                if isExclusion {
                    exclusions += alternatives
                } else {
                    slots.append(Slot(alternatives: alternatives, followsPrevious: followsPrevious && !slots.isEmpty))
                }
            }
            followsPrevious = next.map { rest[$0] == " > " } ?? false
            rest = next.map { rest[$0.upperBound...] } ?? ""
        }
        return slots.isEmpty ? nil : Pattern(tool: tool, slots: slots, exclusions: exclusions)
    }

    /// The first ` + ` or ` > ` in `text`.
    private static func separator(in text: Substring) -> Range<Substring.Index>? {
        var index = text.startIndex
        while index < text.endIndex {
            let rest = text[index...]
            if rest.hasPrefix(" + ") || rest.hasPrefix(" > ") {
                return index..<text.index(index, offsetBy: 3)
            }
            index = text.index(after: index)
        }
        return nil
    }

    // MARK: - Matching

    /// The tools whose patterns match `words` (content words), each with the position of its match.
    func tools(in words: [String]) -> [(tool: RunbookTool, position: Int)] {
        var found: [RunbookTool: Int] = [:]
        for pattern in patterns {
            guard let position = Self.match(pattern, words) else { continue }
            found[pattern.tool] = min(found[pattern.tool] ?? .max, position)
        }
        return found.map { ($0.key, $0.value) }.sorted {
            ($0.position, $0.tool.rawValue) < ($1.position, $1.tool.rawValue)
        }
    }

    /// Whether `words` hold a "no action" phrase.
    func saysNoAction(_ words: [String]) -> Bool {
        noAction.contains { Self.find($0, in: words, from: 0) != nil }
    }

    func isNegated(_ words: [String]) -> Bool { words.contains { negations.contains($0) } }

    func isVerb(_ word: String) -> Bool { verbs.contains(word) }

    private static func match(_ pattern: Pattern, _ words: [String]) -> Int? {
        for exclusion in pattern.exclusions where find(exclusion, in: words, from: 0) != nil { return nil }
        var first = Int.max
        var previousEnd = 0
        for slot in pattern.slots {
            var best: (start: Int, end: Int)?
            for alternative in slot.alternatives {
                guard let start = find(alternative, in: words, from: slot.followsPrevious ? previousEnd : 0) else {
                    continue
                }
                if best == nil || start < best!.start { best = (start, start + alternative.count) }
            }
            guard let best else { return nil }
            first = min(first, best.start)
            previousEnd = best.end
        }
        return first
    }

    private static func find(_ part: [String], in words: [String], from start: Int) -> Int? {
        guard !part.isEmpty, start + part.count <= words.count else { return nil }
        for index in start...(words.count - part.count) where words[index..<(index + part.count)].elementsEqual(part) {
            return index
        }
        return nil
    }

    /// Equal when the tables are equal.
    public static func == (lhs: RunbookVocabulary, rhs: RunbookVocabulary) -> Bool {
        lhs.phrases == rhs.phrases && lhs.noActionPhrases == rhs.noActionPhrases
            && lhs.negationWords == rhs.negationWords && lhs.actionVerbs == rhs.actionVerbs && lhs.fields == rhs.fields
    }

    /// Hashes the phrase tables.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(phrases)
        hasher.combine(noActionPhrases)
    }
}

extension StringProtocol {
    fileprivate var trimmed: SubSequence {
        guard let first = firstIndex(where: { !$0.isWhitespace }) else { return self[endIndex...] }
        return self[first...lastIndex(where: { !$0.isWhitespace })!]
    }
}
