/// Turns a code's section of a guide into a ``RunbookPlan``: its troubleshooting steps, and its action
/// list mapped to tools through a ``RunbookVocabulary``. Deterministic and free of I/O.
///
/// - The **action list** is the first field whose name is an action field name (`Actions:`,
///   `Automated response:`, `### System actions`, a table's `Response` column). Its items (lines, bullets
///   or inline `1. … 2. …`) are cut into phrases at sentence ends, `;`, `then` and new lines that start a
///   new sentence, and at `and` or `,` when every piece is understood on its own. Each phrase maps to
///   the tools of the rules it matches; each tool is used once, in the guide's order. A stop phrase
///   (`No further action`) ends the list. A phrase that maps to nothing, or that forbids something
///   (`Do not call the operator`), goes to ``RunbookPlan/unmapped`` verbatim.
/// - **No action list**: when the section's own text says so (`No action required.`) the plan has no
///   actions; otherwise it runs the vocabulary's fallback tool (`log_ticket`) so that a person sees the
///   fault, with ``RunbookPlan/actionListFound`` false and nothing added to `unmapped`.
/// - **No section**: the plan runs the fallback tool with ``RunbookPlan/noRunbook`` true.
/// - **Steps** are the items of the first step field (`Troubleshooting steps:`, `Checks:`), or, without
///   one, of a list outside every field.
public struct RunbookPlanner: Sendable {
    /// The words the planner knows.
    public let vocabulary: RunbookVocabulary
    private let classifier: PhraseClassifier

    /// A planner with a vocabulary; the standard one by default.
    public init(vocabulary: RunbookVocabulary = .standard) {
        self.vocabulary = vocabulary
        classifier = PhraseClassifier(vocabulary)
    }

    /// The plan for `code` from the index's best section for it.
    public func plan(code: String, in index: KnowledgeIndex) -> RunbookPlan {
        plan(code: code, section: index.section(forCode: code))
    }

    /// The plan for `code` from the document's section for it.
    public func plan(code: String, in document: KnowledgeDocument) -> RunbookPlan {
        plan(code: code, section: document.section(forCode: code))
    }

    /// The plan for `code` from `section`; `nil` means the knowledge base has no section for the code.
    public func plan(code: String, section: CodeSection?) -> RunbookPlan {
        guard let section else {
            return RunbookPlan(
                code: code, actions: [PlannedAction(tool: vocabulary.fallbackTool)], sectionFound: false,
                actionListFound: false)
        }
        let fields = SectionFields(section.lines, classifier: classifier)
        let values = fields.values

        var steps: [String] = []
        if let field = fields.fields.first(where: { classifier.isStepField($0.name) }) {
            steps = stepItems(field.lines)
        } else {
            let loose = ItemList(lines: fields.looseLines, classifier: classifier)
            if loose.isList { steps = loose.items.map(Self.oneLine) }
        }

        var actions: [PlannedAction] = []
        var unmapped: [String] = []
        var actionListFound = false
        if let field = fields.fields.first(where: { classifier.isActionField($0.name) }) {
            let list = ItemList(lines: field.lines, classifier: classifier)
            let result = mapActions(list.items)
            if result.phrases > 0 {
                actions = result.actions
                unmapped = result.unmapped
                actionListFound = true
            }
        }
        if !actionListFound {
            let saysNone = fields.looseLines.contains { line in
                ItemList.sentences(line, semicolons: true, keepingTerminators: false).contains {
                    classifier.meaning(of: Self.cleaned($0)) == .stop
                }
            }
            if saysNone {
                actionListFound = true
            } else {
                actions = [PlannedAction(tool: vocabulary.fallbackTool)]
            }
        }

        func field(_ names: [String]) -> String? {
            for name in names {
                if let value = values[SectionFields.key(name)], !value.isEmpty { return Self.cleaned(value) }
            }
            return nil
        }
        let title = headingTitle(section) ?? field(vocabulary.titleFieldNames)
        return RunbookPlan(
            code: code, title: title, severity: field(vocabulary.severityFieldNames),
            faultType: field(vocabulary.faultTypeFieldNames), steps: steps, actions: actions, unmapped: unmapped,
            fields: values, sectionFound: true, actionListFound: actionListFound,
            documentName: section.documentName, heading: section.heading)
    }

    // MARK: Steps

    private func stepItems(_ lines: [String]) -> [String] {
        let list = ItemList(lines: lines, classifier: classifier)
        if list.isList { return list.items.map(Self.oneLine) }
        return list.items.flatMap { ItemList.sentences(Self.oneLine($0), semicolons: false, keepingTerminators: true) }
    }

    private static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).map { $0.trimmedWhitespace }.joined(separator: " ")
    }

    // MARK: Actions

    private func mapActions(_ items: [String]) -> (actions: [PlannedAction], unmapped: [String], phrases: Int) {
        var actions: [PlannedAction] = []
        var unmapped: [String] = []
        var phrases = 0
        for item in items {
            for phrase in self.phrases(of: item) {
                let text = Self.cleaned(phrase)
                switch classifier.meaning(of: text) {
                case .empty:
                    continue
                case .stop:
                    return (actions, unmapped, phrases + 1)
                case .negated, .unknown:
                    phrases += 1
                    unmapped.append(text)
                case .tools(let tools):
                    phrases += 1
                    for tool in tools where !actions.contains(where: { $0.tool == tool }) {
                        actions.append(PlannedAction(tool: tool, phrase: text))
                    }
                }
            }
        }
        return (actions, unmapped, phrases)
    }

    /// An action item cut into phrases.
    func phrases(of item: String) -> [String] {
        var result: [String] = []
        for sentence in ItemList.sentences(item, semicolons: true, keepingTerminators: false) {
            let lines = sentence.split(whereSeparator: \.isNewline).map { String($0.trimmedWhitespace) }
                .filter { !$0.isEmpty }
            let separate =
                lines.count > 1
                && (lines.dropFirst().allSatisfy { line in
                    line.first?.isUppercase == true || classifier.startsWithSequenceWord(line)
                } || lines.allSatisfy { classifier.meaning(of: $0).isUnderstood })
            for piece in separate ? lines : [lines.joined(separator: " ")] {
                for part in splitAtThen(piece) {
                    let pieces = splitAtConjunctions(part)
                    if pieces.count > 1 && pieces.allSatisfy({ classifier.meaning(of: $0).isUnderstood }) {
                        result += pieces
                    } else {
                        result.append(part)
                    }
                }
            }
        }
        return result
    }

    /// `text` cut before each word `then` after its start; a piece that is a condition (`If it persists`)
    /// stays with the piece after it.
    private func splitAtThen(_ text: String) -> [String] {
        let characters = Array(text)
        var cuts: [Int] = []
        for start in Self.wordStarts(of: "then", in: characters) where start > 0 { cuts.append(start) }
        guard !cuts.isEmpty else { return [text] }
        var pieces: [String] = []
        var pending = ""
        var start = 0
        for end in cuts + [characters.count] {
            let piece = String(characters[start..<end])
            start = end
            let joined = pending.isEmpty ? piece : pending + piece
            if end < characters.count, classifier.isCondition(joined) {
                pending = joined
                continue
            }
            pending = ""
            let trimmed = Self.trimmingTrailingConjunction(joined)
            if !trimmed.isEmpty { pieces.append(trimmed) }
        }
        return pieces
    }

    /// `text` cut at commas and at the word `and`, the separators dropped.
    private func splitAtConjunctions(_ text: String) -> [String] {
        let characters = Array(text)
        var pieces: [String] = []
        var start = 0
        let ands = Set(Self.wordStarts(of: "and", in: characters))
        var index = 0
        while index < characters.count {
            if characters[index] == "," {
                pieces.append(String(characters[start..<index]))
                start = index + 1
            } else if ands.contains(index) {
                pieces.append(String(characters[start..<index]))
                start = index + 3
                index += 2
            }
            index += 1
        }
        pieces.append(String(characters[min(start, characters.count)...]))
        return pieces.map { String($0.trimmedWhitespace) }.filter { !$0.isEmpty }
    }

    /// Where the word `word` (lowercase) starts in `characters`, ignoring case.
    private static func wordStarts(of word: String, in characters: [Character]) -> [Int] {
        let target = Array(word)
        guard characters.count >= target.count else { return [] }
        var starts: [Int] = []
        for start in 0...(characters.count - target.count) {
            let before = start == 0 ? nil : characters[start - 1]
            let after = start + target.count < characters.count ? characters[start + target.count] : nil
            guard before.map({ !$0.isLetter && !$0.isNumber }) ?? true,
                after.map({ !$0.isLetter && !$0.isNumber }) ?? true
            else { continue }
            if zip(characters[start..<(start + target.count)], target).allSatisfy({ $0.lowercased() == String($1) }) {
                starts.append(start)
            }
        }
        return starts
    }

    private static func trimmingTrailingConjunction(_ text: String) -> String {
        var trimmed = text.trimmed([",", ";"])
        if trimmed.lowercased().hasSuffix(" and") { trimmed = trimmed.dropLast(4).trimmed([",", ";"]) }
        return String(trimmed)
    }

    /// A phrase or value without surrounding white space, markup, quotes and closing punctuation.
    static func cleaned(_ text: some StringProtocol) -> String {
        var result = text.trimmed(["*", "_", "`", "\""])
        while let last = result.last, ".,;:!".contains(last) {
            result = result.dropLast().trimmed(["*", "_", "`", "\""])
        }
        return String(result)
    }

    // MARK: Title

    /// The heading's words besides the code and label words such as `Error code`, or `nil`.
    private func headingTitle(_ section: CodeSection) -> String? {
        let heading = section.heading
        let separators: Set<Character> = [
            ":", "-", "–", "—", "|", "(", ")", "[", "]", "#", "*", "`", ".", ",", "_", "=",
        ]
        let words = WordScanner.words(in: heading)
        let labels = Set(vocabulary.headingLabelWords.map { $0.lowercased() })
        func title(_ text: some StringProtocol) -> String? {
            let trimmed = text.trimmed(separators)
            let titleWords = WordScanner.words(in: trimmed)
            guard !titleWords.isEmpty, !titleWords.allSatisfy({ labels.contains($0.text) }) else { return nil }
            return String(trimmed)
        }
        guard let pattern = CodePattern(section.code, maximumBytes: .max),
            let match = pattern.bestMatch(in: words)
        else { return title(heading) }
        let characters = Array(heading)
        let word = words[match.index]
        return title(String(characters[word.end...])) ?? title(String(characters[..<word.start]))
    }
}
