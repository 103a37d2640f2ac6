import OneCallKnowledge

extension ChatEngine {
    /// An error code's section of the knowledge base: its fields (steps and actions numbered) and the
    /// section quoted, with the guide named.
    func errorCodeAnswer(_ code: String, _ turn: ChatTurnInput) -> ChatAnswer {
        let sections = turn.index.sections(forCode: code)
        guard let section = sections.first else {
            return ChatAnswer(
                answer: "The knowledge base has no section for error code \(ChatFormat.code(code)).", facts: [],
                intent: ChatIntent.errorCode.rawValue)
        }
        let code = Self.spelling(of: code, in: section)
        var lines = [
            "**Error code \(ChatFormat.code(code))** — from the guide *\(section.documentName)*, section “\(section.title)”:"
        ]
        lines.append(contentsOf: Self.fieldLines(section, vocabulary: turn.index.fieldVocabulary))
        lines.append("")
        lines.append(ChatFormat.quote(section.text, limit: configuration.maximumQuoteCharacters))
        let others = sections.dropFirst().map { "*\($0.documentName)* (“\($0.title)”)" }
        if !others.isEmpty {
            lines.append("")
            lines.append("Also defined in " + others.joined(separator: ", ") + "; the newest guide wins.")
        }
        let fact = ChatFact(
            kind: .knowledge, source: "knowledge/\(section.documentName)#\(code)",
            text: ChatFormat.cut(section.text, limit: configuration.maximumQuoteCharacters))
        return ChatAnswer(answer: lines.joined(separator: "\n"), facts: [fact], intent: ChatIntent.errorCode.rawValue)
    }

    /// The code as the section's heading spells it (`f07` → `F07`), else as asked.
    static func spelling(of code: String, in section: KnowledgeSection) -> String {
        ChatToken.tokens(in: section.title + " " + section.body.prefix(200)).first { $0.lower == code.lowercased() }?
            .text
            ?? code
    }

    /// A section's fields in the guide's order: lists numbered, others on one line; the code field left
    /// out (the heading says it).
    static func fieldLines(_ section: KnowledgeSection, vocabulary: SectionFieldVocabulary) -> [String] {
        var lines: [String] = []
        for field in section.fields {
            let role = vocabulary.role(forFieldName: field.name)
            if role == .code { continue }
            if role == .steps || role == .actions || field.items.count > 1 {
                lines.append("**\(field.name):**")
                for (number, item) in field.items.enumerated() { lines.append("\(number + 1). \(item)") }
            } else {
                lines.append(
                    "- **\(field.name):** \(field.value.isEmpty ? field.items.joined(separator: " ") : field.value)")
            }
        }
        return lines
    }
}
