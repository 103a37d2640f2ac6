import OneCallKnowledge

/// Reads the items of an action list into clauses and maps each clause to tools.
///
/// An item is cut into sentences and then into clauses at "and", "then", "but", "plus", "+", "→",
/// commas and semicolons. Conditions ("if the unit restarts", "unless …", "when …") and what follows
/// "without" are dropped, and so is a purpose after a tool ("Call the operator to clear the fault"
/// asks for a call). A clause with a negation asks for nothing; a clause after "and" that starts
/// with no verb belongs to the clause before it ("call the operator and the site owner").
/// Parenthetical remarks may ask for tools but are never reported as unmapped.
struct RunbookPhraseReader {
    /// What one clause asks for.
    enum Meaning: Equatable {
        case tools([RunbookTool])
        /// Nothing: a negated clause, "no further action", a remark.
        case nothing
        case unmapped
    }

    struct Clause {
        var text: String
        var meaning: Meaning
    }

    let vocabulary: RunbookVocabulary

    private static let connectors: Set<String> = Set(
        [
            "and", "then", "but", "plus", "&", "+", "→", "->", "=>", "also", "thereafter", "afterwards",
            "subsequently",
        ].map(KnowledgeTokenizer.stem))
    private static let connectorPhrases = stemmed([["as", "well", "as"], ["followed", "by"], ["after", "that"]])
    private static let conditions: Set<String> = Set(
        ["if", "unless", "when", "whenever", "once", "until", "while", "provided", "without", "except"].map(
            KnowledgeTokenizer.stem))
    private static let conditionPhrases = stemmed([["in", "case"], ["as", "soon", "as"], ["in", "the", "event"]])
    private static let purposePhrases = stemmed([["in", "order", "to"], ["so", "that"]])

    private static func stemmed(_ phrases: [[String]]) -> [[String]] {
        phrases.map { $0.map(KnowledgeTokenizer.stem) }
    }

    func clauses(of item: String) -> [Clause] {
        let (main, remarks) = Self.separateParentheses(item)
        var result: [Clause] = []
        for sentence in ListItemSplitter.sentences(main) {
            var clauses: [(range: Range<String.Index>, clause: Clause)] = []
            for range in fragments(of: sentence) {
                let text = Self.clean(sentence[range])
                let meaning = meaning(of: text)
                if meaning == .unmapped, let previous = clauses.last, !startsWithVerb(text),
                    !vocabulary.isNegated(KnowledgeTokenizer.words(in: text))
                {
                    let merged = previous.range.lowerBound..<range.upperBound
                    let mergedText = Self.clean(sentence[merged])
                    clauses[clauses.count - 1] = (
                        merged, Clause(text: mergedText, meaning: self.meaning(of: mergedText))
                    )
                } else {
                    clauses.append((range, Clause(text: text, meaning: meaning)))
                }
            }
            // A lone verb before "and" shares the object of the clause after it: "Open and e-mail a ticket".
            var index = 0
            while index + 1 < clauses.count {
                if clauses[index].clause.meaning == .unmapped,
                    RunbookVocabulary.contentWords(clauses[index].clause.text).count == 1,
                    startsWithVerb(clauses[index].clause.text), case .tools = clauses[index + 1].clause.meaning
                {
                    let merged = clauses[index].range.lowerBound..<clauses[index + 1].range.upperBound
                    let text = Self.clean(sentence[merged])
                    clauses[index + 1] = (merged, Clause(text: text, meaning: meaning(of: text)))
                    clauses.remove(at: index)
                } else {
                    index += 1
                }
            }
            result += clauses.map(\.clause)
        }
        for remark in remarks {
            for sentence in ListItemSplitter.sentences(remark) {
                for range in fragments(of: sentence) {
                    let text = Self.clean(sentence[range])
                    if case .tools(let tools) = meaning(of: text) {
                        result.append(Clause(text: text, meaning: .tools(tools)))
                    }
                }
            }
        }
        return result
    }

    func meaning(of text: String) -> Meaning {
        let words = KnowledgeTokenizer.words(in: text)
        if vocabulary.isNegated(words) { return .nothing }
        let content = words.filter { !RunbookVocabulary.stopWords.contains($0) }
        guard !content.isEmpty else { return .nothing }
        let tools = vocabulary.tools(in: content)
        if !tools.isEmpty { return .tools(tools.map(\.tool)) }
        return vocabulary.saysNoAction(content) ? .nothing : .unmapped
    }

    private func startsWithVerb(_ text: String) -> Bool {
        guard let first = RunbookVocabulary.contentWords(text).first else { return false }
        return vocabulary.isVerb(first)
    }

    /// The clauses of one sentence, as ranges of it, conditions and purposes dropped.
    func fragments(of sentence: String) -> [Range<String.Index>] {
        let tokens = sentence.split(whereSeparator: \.isWhitespace)
        let words = tokens.map { KnowledgeTokenizer.words(in: $0).first ?? String($0) }
        var fragments: [Range<String.Index>] = []
        var current: [Substring] = []
        var dropping = false
        func close() {
            if let first = current.first, let last = current.last,
                !Self.clean(sentence[first.startIndex..<last.endIndex]).isEmpty
            {
                fragments.append(first.startIndex..<last.endIndex)
            }
            current = []
        }
        var index = 0
        while index < tokens.count {
            let token = tokens[index]
            let word = words[index]
            let endsClause = token.last.map { ",;".contains($0) } ?? false
            let nextIsVerb = index + 1 < tokens.count && vocabulary.isVerb(words[index + 1])
            defer { index += 1 }
            if dropping {
                if endsClause || (Self.connectors.contains(word) && nextIsVerb) { dropping = false }
                continue
            }
            if Self.connectors.contains(word) {
                close()
                continue
            }
            if let length = Self.phraseLength(words, at: index, in: Self.connectorPhrases) {
                close()
                index += length - 1
                continue
            }
            if Self.conditions.contains(word) || Self.phraseLength(words, at: index, in: Self.conditionPhrases) != nil {
                close()
                dropping = !endsClause
                continue
            }
            let purpose =
                (word == "to" && nextIsVerb) || Self.phraseLength(words, at: index, in: Self.purposePhrases) != nil
            if purpose, currentHasTools(current) {
                close()
                dropping = true
                continue
            }
            current.append(token)
            if endsClause { close() }
        }
        close()
        return fragments
    }

    private func currentHasTools(_ tokens: [Substring]) -> Bool {
        guard let first = tokens.first, let last = tokens.last,
            case .tools = meaning(of: String(first.base[first.startIndex..<last.endIndex]))
        else { return false }
        return true
    }

    /// The number of words of the first of `phrases` that starts at `index`, or `nil`.
    private static func phraseLength(_ words: [String], at index: Int, in phrases: [[String]]) -> Int? {
        for phrase in phrases where index + phrase.count <= words.count {
            if words[index..<(index + phrase.count)].elementsEqual(phrase) { return phrase.count }
        }
        return nil
    }

    /// The text without the punctuation and list markers around it.
    static func clean(_ text: some StringProtocol) -> String {
        var result = Substring(text)
        if let item = ListItemSplitter.itemText(result) { result = item }
        let edge: Set<Character> = [",", ";", ".", ":", "!", " ", "\t", "\"", "“", "”", "–", "—", "-"]
        while let first = result.first, edge.contains(first) { result = result.dropFirst() }
        while let last = result.last, edge.contains(last) { result = result.dropLast() }
        return String(result)
    }

    /// The text outside parentheses, and the text inside each pair.
    static func separateParentheses(_ text: String) -> (main: String, remarks: [String]) {
        var main = ""
        var remarks: [String] = []
        var remark = ""
        var depth = 0
        for character in text {
            if character == "(" {
                depth += 1
                if depth == 1 {
                    remark = ""
                    continue
                }
            } else if character == ")", depth > 0 {
                depth -= 1
                if depth == 0 {
                    remarks.append(remark)
                    continue
                }
            }
            if depth > 0 { remark.append(character) } else { main.append(character) }
        }
        if depth > 0 { main += remark }
        return (main, remarks)
    }
}
