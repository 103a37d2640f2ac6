/// A ``RunbookVocabulary`` turned into word sequences, to say what one phrase of an action list means.
struct PhraseClassifier: Sendable {
    /// What a phrase asks for.
    enum Meaning: Equatable {
        /// Nothing to read: punctuation or filler only.
        case empty
        /// The end of the action list.
        case stop
        /// A prohibition such as `Do not call the operator`.
        case negated
        /// Nothing the vocabulary knows.
        case unknown
        /// These tools, in the order the phrase names them.
        case tools([RunbookTool])

        /// Whether the phrase is something the vocabulary understands: tools or a stop.
        var isUnderstood: Bool {
            switch self {
            case .stop, .tools: return true
            case .empty, .negated, .unknown: return false
            }
        }
    }

    private struct Rule {
        var tool: RunbookTool
        var phrases: [[String]]
        var verbs: Set<String>
        var objects: [[String]]
    }

    private let rules: [Rule]
    private let stopPhrases: [[String]]
    private let negations: Set<String>
    private let ignored: Set<String>
    private let sequence: [[String]]
    private let conditions: [[String]]
    private let actionFields: [[String]]
    private let stepFields: [[String]]

    init(_ vocabulary: RunbookVocabulary) {
        let ignored = Set(vocabulary.ignoredWords.flatMap { WordScanner.plainTokens(in: $0) })
        func words(_ text: String) -> [String] { WordScanner.plainTokens(in: text).filter { !ignored.contains($0) } }
        func list(_ texts: [String]) -> [[String]] { texts.map(words).filter { !$0.isEmpty } }
        self.ignored = ignored
        rules = vocabulary.rules.map { rule in
            Rule(
                tool: rule.tool, phrases: list(rule.phrases), verbs: Set(rule.verbs.flatMap(words)),
                objects: list(rule.objects))
        }
        stopPhrases = list(vocabulary.stopPhrases)
        negations = Set(vocabulary.negations.flatMap(words))
        // Sequence words are matched before ignored words are left out, longest first.
        sequence = vocabulary.sequenceWords.map { WordScanner.plainTokens(in: $0) }.filter { !$0.isEmpty }
            .sorted { $0.count > $1.count }
        conditions = vocabulary.conditionWords.map { WordScanner.plainTokens(in: $0) }.filter { !$0.isEmpty }
        actionFields = list(vocabulary.actionFieldNames)
        stepFields = list(vocabulary.stepFieldNames)
    }

    /// The phrase's words as the rules see them: leading sequence words and ignored words left out.
    func words(of phrase: some StringProtocol) -> [String] {
        var tokens = WordScanner.plainTokens(in: phrase)[...]
        var dropped = true
        while dropped {
            dropped = false
            for words in sequence where tokens.starts(with: words) {
                tokens = tokens.dropFirst(words.count)
                dropped = true
                break
            }
        }
        return tokens.filter { !ignored.contains($0) }
    }

    /// What `phrase` means.
    func meaning(of phrase: some StringProtocol) -> Meaning {
        let tokens = words(of: phrase)
        guard !tokens.isEmpty else { return .empty }
        for stop in stopPhrases {
            if stop.count == 1 ? tokens == stop : Self.find(stop, in: tokens, avoiding: nil) != nil { return .stop }
        }
        if tokens.contains(where: negations.contains) { return .negated }
        var found: [(tool: RunbookTool, position: Int)] = []
        for rule in rules {
            if let position = Self.position(of: rule, in: tokens) { found.append((rule.tool, position)) }
        }
        guard !found.isEmpty else { return .unknown }
        var tools: [RunbookTool] = []
        for match in found.sorted(by: { $0.position < $1.position }) where !tools.contains(match.tool) {
            tools.append(match.tool)
        }
        return .tools(tools)
    }

    /// Whether `phrase` starts with a condition word (`If the fault persists`).
    func isCondition(_ phrase: some StringProtocol) -> Bool {
        let tokens = WordScanner.plainTokens(in: phrase)
        return conditions.contains { tokens.starts(with: $0) }
    }

    /// Whether `phrase` starts with a sequence word (`Then phone the operator`).
    func startsWithSequenceWord(_ phrase: some StringProtocol) -> Bool {
        let tokens = WordScanner.plainTokens(in: phrase)
        return sequence.contains { tokens.starts(with: $0) }
    }

    /// Whether a field name names the troubleshooting steps.
    func isStepField(_ name: String) -> Bool {
        let tokens = words(of: name)
        return stepFields.contains { Self.find($0, in: tokens, avoiding: nil) != nil }
    }

    /// Whether a field name names the action list.
    func isActionField(_ name: String) -> Bool {
        guard !isStepField(name) else { return false }
        let tokens = words(of: name)
        return actionFields.contains { Self.find($0, in: tokens, avoiding: nil) != nil }
    }

    /// The position of the rule's first match in `tokens`, if it matches.
    private static func position(of rule: Rule, in tokens: [String]) -> Int? {
        var best: Int?
        func note(_ position: Int) { best = min(best ?? position, position) }
        for phrase in rule.phrases {
            if let position = find(phrase, in: tokens, avoiding: nil) { note(position) }
        }
        for (index, token) in tokens.enumerated() where rule.verbs.contains(token) {
            for object in rule.objects {
                if let position = find(object, in: tokens, avoiding: index) { note(min(index, position)) }
            }
        }
        return best
    }

    /// Where `words` first occur together in `tokens`, not covering position `avoiding`.
    private static func find(_ words: [String], in tokens: [String], avoiding: Int?) -> Int? {
        guard !words.isEmpty, words.count <= tokens.count else { return nil }
        for start in 0...(tokens.count - words.count) {
            if let avoiding, avoiding >= start && avoiding < start + words.count { continue }
            if tokens[start..<(start + words.count)].elementsEqual(words) { return start }
        }
        return nil
    }
}
