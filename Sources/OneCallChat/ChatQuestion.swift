import OneCallCore
import OneCallKnowledge

/// A message read for what it names: devices, tickets, error codes, a time window, a statistic, and
/// the words left over (which may name fields or be a question for the guides).
struct ChatQuestion: Sendable {
    /// What a name that matches no device and no code was written after.
    enum NameRole: Sendable, Hashable {
        /// After "device", "unit" or a telemetry question: a device the registry does not have.
        case device
        /// After "error", "code", "fault" or "alarm": a code no guide covers.
        case code
        /// Either.
        case either
    }

    /// The message's tokens, in order.
    var tokens: [ChatToken]
    /// Known devices named, in order, each once.
    var deviceIDs: [String] = []
    /// UUIDs named (tickets), as written, in order.
    var ticketIDs: [String] = []
    /// Codes that a guide covers, as written, in order.
    var codes: [String] = []
    /// Names that look like an id or a code but are neither known device nor covered code.
    var unknownNames: [(name: String, role: NameRole)] = []
    /// The lowercase words of the other tokens, misspellings of known words corrected.
    var words: [String] = []
    /// The window named, if any.
    var window: ChatWindow?
    /// The statistic named, if any.
    var statistic: ChatStatistic?
    /// Words that belong to no list of the vocabulary: maybe field names, maybe a subject to search.
    var contentWords: [String] = []
    /// The text to search the guides with: the message without its question frame and ids.
    var searchText: String = ""

    /// Reads `message` against the registry's device ids and the knowledge base.
    init(_ message: String, deviceIDs known: [String], knowledge: KnowledgeIndex, maximumWindowSeconds: Double) {
        tokens = ChatToken.tokens(in: message)
        var exact: [String: String] = [:]
        var compact: [String: [String]] = [:]
        for id in known {
            exact[id.lowercased()] = id
            compact[ChatToken(id).compact, default: []].append(id)
        }
        func device(_ token: ChatToken) -> String? {
            if let id = exact[token.lower] { return id }
            if let ids = compact[token.compact], ids.count == 1, !token.compact.isEmpty { return ids[0] }
            return nil
        }

        var skip = Set<Int>()
        var searchParts: [String] = []
        for (index, token) in tokens.enumerated() where !skip.contains(index) {
            let previous = index > 0 ? tokens[index - 1].words.last.map(ChatVocabulary.canonical) : nil
            if token.isUUID {
                if !ticketIDs.contains(where: { $0.lowercased() == token.lower }) { ticketIDs.append(token.text) }
                continue
            }
            if let id = device(token) {
                if !deviceIDs.contains(id) { deviceIDs.append(id) }
                continue
            }
            // "unit 7" for `unit-7`.
            if index + 1 < tokens.count, tokens[index + 1].text.allSatisfy(\.isNumber),
                let ids = compact[token.compact + tokens[index + 1].compact], ids.count == 1
            {
                if !deviceIDs.contains(ids[0]) { deviceIDs.append(ids[0]) }
                skip.insert(index + 1)
                continue
            }
            let afterErrorWord = previous.map { ChatVocabulary.errorWords.contains($0) } ?? false
            let afterDeviceWord = previous.map { ChatVocabulary.deviceWords.contains($0) } ?? false
            let looksLikeName =
                (token.text.first?.isLetter ?? false)
                && (KnowledgeTokenizer.isCodeLike(token.text) || (afterDeviceWord && token.words.count > 1))
            let numberAfterErrorWord = afterErrorWord && token.text.allSatisfy { $0.isNumber || $0 == "-" }
            if looksLikeName || numberAfterErrorWord {
                if !knowledge.sections(forCode: token.text).isEmpty, !afterDeviceWord {
                    if !codes.contains(token.text) { codes.append(token.text) }
                } else if !unknownNames.contains(where: { $0.name == token.text }) {
                    let role: NameRole = afterDeviceWord ? .device : afterErrorWord ? .code : .either
                    unknownNames.append((token.text, role))
                    searchParts.append(token.text)
                }
                continue
            }
            let canonical = token.words.map(ChatVocabulary.canonical)
            words.append(contentsOf: canonical)
            let frame = ChatVocabulary.questionWords.union(ChatVocabulary.deviceWords).union(ChatVocabulary.aboutWords)
            if !canonical.allSatisfy({ frame.contains($0) }) { searchParts.append(token.text) }
        }

        var windowPositions = Set<Int>()
        if let found = ChatWindow.find(in: words, maximumSeconds: maximumWindowSeconds) {
            window = found.window
            windowPositions = found.positions
        }
        statistic = ChatStatistic.find(in: words)
        let vocabulary = ChatVocabulary.self
        contentWords = words.enumerated().compactMap { position, word in
            guard !windowPositions.contains(position) else { return nil }
            let listed = [
                vocabulary.fillerWords, vocabulary.questionWords, vocabulary.aboutWords, vocabulary.deviceWords,
                vocabulary.ticketWords, vocabulary.errorWords, vocabulary.averageWords, vocabulary.minimumWords,
                vocabulary.maximumWords, vocabulary.latestWords, vocabulary.summaryWords, vocabulary.pronouns,
                vocabulary.acknowledgedWords, vocabulary.resolvedWords, vocabulary.openWords, vocabulary.nowWords,
                vocabulary.problemWords,
            ].contains { $0.contains(word) }
            return listed ? nil : word
        }
        searchText = searchParts.joined(separator: " ")
    }

    /// Whether any word is in `set`.
    func has(_ set: Set<String>) -> Bool { words.contains { set.contains($0) } }

    /// Whether the question asks how to do something or why something happens.
    var isHowTo: Bool {
        if has(ChatVocabulary.knowledgeWords) { return true }
        for (index, word) in words.enumerated() where word == "how" && index + 1 < words.count {
            if ChatVocabulary.howToFollowers.contains(words[index + 1]) { return true }
        }
        return false
    }

    /// Whether the question asks about something as a whole ("tell me about", "details of", "status
    /// of"); the "about" of "what about" does not count.
    var asksAbout: Bool {
        for (index, word) in words.enumerated() where ChatVocabulary.aboutWords.contains(word) {
            if word == "about", index > 0, words[index - 1] == "what" || words[index - 1] == "how" { continue }
            return true
        }
        return false
    }

    /// Whether the message says that it continues the conversation: nothing but names, or "and …",
    /// "also …", "what about …", "how about …".
    var isExplicitFollowUp: Bool {
        guard let first = words.first else { return true }
        if first == "and" || first == "also" || first == "then" { return true }
        for (index, word) in words.enumerated() where (word == "what" || word == "how") && index + 1 < words.count {
            if words[index + 1] == "about" { return true }
        }
        return false
    }

    /// Whether the message leans on the conversation so far ("and its pressure?", "what about …",
    /// "the max?").
    var isFollowUp: Bool {
        if isExplicitFollowUp || has(ChatVocabulary.pronouns) { return true }
        return words.allSatisfy { ChatVocabulary.fillerWords.contains($0) || ChatVocabulary.pronouns.contains($0) }
    }

    /// The ticket status a question asks about ("is it acknowledged?"), if any.
    var askedStatus: Ticket.Status? {
        if has(ChatVocabulary.acknowledgedWords) { return .acknowledged }
        if has(ChatVocabulary.resolvedWords) { return .resolved }
        if has(ChatVocabulary.openWords) { return .open }
        return nil
    }
}
