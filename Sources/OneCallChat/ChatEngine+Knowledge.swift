import Foundation
import OneCallKnowledge

extension ChatEngine {
    /// A free question answered from the guides: the best matching sections' relevant lines quoted,
    /// with the guide and section named; or a plain "no answer".
    func knowledgeAnswer(_ query: String, unknownName: String?, _ turn: ChatTurnInput) -> ChatAnswer {
        let query = ChatFormat.cut(query, limit: 500)
        var queryTerms: [String] = []
        for term in KnowledgeTokenizer.searchTerms(in: query) where !queryTerms.contains(term) {
            queryTerms.append(term)
        }
        let hits = queryTerms.isEmpty ? [] : turn.index.search(query, limit: 8)
        var chosen: [(section: KnowledgeSection, lines: [String], score: Double)] = []
        for hit in hits {
            guard chosen.count < 2 else { break }
            if let best = chosen.first?.score, hit.score < best * 0.75 { break }
            let section = Self.section(of: hit, in: turn.index)
            guard
                !chosen.contains(where: {
                    $0.section.path == section.path && $0.section.documentName == section.documentName
                })
            else { continue }
            let sectionTerms = Set(KnowledgeTokenizer.searchTerms(in: section.text))
            let covered = queryTerms.filter { sectionTerms.contains($0) }.count
            guard covered * 2 >= queryTerms.count else { continue }
            let lines = Self.relevantLines(of: section, terms: queryTerms)
            chosen.append((section, lines, hit.score))
        }
        guard !chosen.isEmpty else {
            var text = "The knowledge base has no answer to that."
            if let unknownName {
                text =
                    "I know no device \(ChatFormat.code(unknownName)), and the knowledge base has no section for "
                    + "\(ChatFormat.code(unknownName)) and no answer to that."
            }
            text +=
                " I can answer about devices (“tell me about the device ID”), error codes, tickets, telemetry "
                + "(“average power of ID in the last hour”) and what the guides say."
            return ChatAnswer(answer: text, facts: [], intent: ChatIntent.knowledge.rawValue)
        }
        var blocks: [String] = []
        var facts: [ChatFact] = []
        var budget = configuration.maximumQuoteCharacters
        for entry in chosen {
            let title = entry.section.title.isEmpty ? "introduction" : entry.section.title
            let quoted = ChatFormat.cut(entry.lines.joined(separator: "\n"), limit: max(budget, 200))
            budget -= quoted.count
            blocks.append(
                "From the guide *\(entry.section.documentName)*, section “\(title)”:\n"
                    + ChatFormat.quote(quoted, limit: configuration.maximumQuoteCharacters))
            facts.append(
                ChatFact(kind: .knowledge, source: "knowledge/\(entry.section.documentName)#\(title)", text: quoted))
        }
        return ChatAnswer(
            answer: blocks.joined(separator: "\n\n"), facts: facts, intent: ChatIntent.knowledge.rawValue)
    }

    /// The section a hit's chunk is in (the chunk alone when the section cannot be found).
    static func section(of hit: KnowledgeHit, in index: KnowledgeIndex) -> KnowledgeSection {
        if let chunk = index.chunk(hit.chunkID),
            let section = index.sections(inDocument: hit.documentName).first(where: { $0.path == chunk.sectionPath })
        {
            return section
        }
        return KnowledgeSection(
            documentName: hit.documentName, title: hit.sectionTitle, level: 0, path: [hit.sectionTitle],
            text: hit.text, body: hit.text, fields: [])
    }

    /// The lines of `section` that hold the most of `terms`: list fields item by item ("Troubleshooting
    /// steps: 2. Clean or replace the air filters."), other lines whole; at most four, in order.
    static func relevantLines(of section: KnowledgeSection, terms: [String]) -> [String] {
        var units: [String] = []
        var expanded = Set<String>()
        var inParagraph = false
        let listFields = section.fields.filter { $0.items.count > 1 }
        for rawLine in section.body.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            guard !line.isEmpty, !line.hasPrefix("#") else {
                inParagraph = false
                continue
            }
            let bare = line.drop { $0 == "*" || $0 == "-" || $0 == " " }.lowercased()
            if let field = listFields.first(where: { bare.hasPrefix($0.name.lowercased()) }) {
                for (number, item) in field.items.enumerated() {
                    units.append("**\(field.name):** \(number + 1). \(item)")
                    expanded.insert(item)
                }
                inParagraph = false
                continue
            }
            // An item of a list already expanded, on a line of its own below its label.
            let item = line.drop { $0.isNumber || $0 == "." || $0 == ")" || $0 == "-" || $0 == "*" || $0 == " " }
            if expanded.contains(String(item)) { continue }
            let isListItem = item.count < line.count
            let isField = section.fields.contains { bare.hasPrefix($0.name.lowercased()) }
            if inParagraph, !isListItem, !isField, let last = units.indices.last {
                units[last] += " " + line
            } else {
                units.append(line)
            }
            inParagraph = !isListItem && !isField
        }
        let scores = units.map { unit in
            let unitTerms = Set(KnowledgeTokenizer.searchTerms(in: unit))
            return terms.filter { unitTerms.contains($0) }.count
        }
        let best = scores.max() ?? 0
        guard best > 0 else { return Array(units.prefix(3)) }
        var picked = units.indices.filter { scores[$0] == best }
        if picked.count < 4 {
            picked += units.indices.filter { scores[$0] > 0 && scores[$0] < best }.prefix(4 - picked.count)
        }
        return picked.prefix(4).sorted().map { units[$0] }
    }
}
