/// The names that guides give their fields, per role: data, extended by configuration, never a
/// rule per guide. A field name matches a synonym when their stemmed words are equal, or, failing
/// that, when the synonym's words appear together in the name (the longest such synonym wins).
public struct SectionFieldVocabulary: Sendable, Hashable {
    /// The synonyms per role, as written.
    public private(set) var names: [SectionFieldRole: [String]]
    private var exact: [[String]: SectionFieldRole] = [:]
    private var patterns: [(words: [String], role: SectionFieldRole)] = []

    /// A vocabulary of `names` per role.
    public init(names: [SectionFieldRole: [String]]) {
        self.names = [:]
        for role in SectionFieldRole.allCases { add(names[role] ?? [], for: role) }
    }

    /// The vocabulary with more synonyms for `role`; a synonym already known for another role moves
    /// to this one.
    public func adding(_ synonyms: [String], for role: SectionFieldRole) -> SectionFieldVocabulary {
        var copy = self
        copy.add(synonyms, for: role)
        return copy
    }

    private mutating func add(_ synonyms: [String], for role: SectionFieldRole) {
        for synonym in synonyms {
            let words = KnowledgeTokenizer.words(in: synonym)
            guard !words.isEmpty else { continue }
            names[role, default: []].append(synonym)
            exact[words] = role
            patterns.removeAll { $0.words == words }
            patterns.append((words, role))
        }
        // Longest first; among equals, the order of `SectionFieldRole.allCases`.
        let order = Dictionary(uniqueKeysWithValues: SectionFieldRole.allCases.enumerated().map { ($1, $0) })
        patterns.sort { ($0.words.count, order[$1.role]!) > ($1.words.count, order[$0.role]!) }
    }

    /// The role of a field called `name` ("Steps to troubleshoot" → `.steps`), or `nil`.
    public func role(forFieldName name: some StringProtocol) -> SectionFieldRole? {
        let words = KnowledgeTokenizer.words(in: name)
        guard !words.isEmpty, words.count <= 8 else { return nil }
        if let role = exact[words] { return role }
        for pattern in patterns where pattern.words.count < words.count {
            if Self.contains(words, pattern.words) { return pattern.role }
        }
        return nil
    }

    /// Whether `name` is exactly a known field name.
    public func isKnownFieldName(_ name: some StringProtocol) -> Bool {
        exact[KnowledgeTokenizer.words(in: name)] != nil
    }

    private static func contains(_ words: [String], _ part: [String]) -> Bool {
        guard part.count <= words.count else { return false }
        for start in 0...(words.count - part.count) where words[start..<(start + part.count)].elementsEqual(part) {
            return true
        }
        return false
    }

    /// Equal when the same names mean the same roles.
    public static func == (lhs: SectionFieldVocabulary, rhs: SectionFieldVocabulary) -> Bool {
        lhs.exact == rhs.exact
    }

    /// Hashes the names and their roles.
    public func hash(into hasher: inout Hasher) { hasher.combine(exact) }

    /// The names found in English troubleshooting guides.
    public static let standard = SectionFieldVocabulary(names: [
        .code: [
            "code", "error code", "fault code", "alarm code", "event code", "code number", "error", "error number",
            "error id", "fault number", "fault id", "alarm", "alarm number", "diagnostic code", "dtc",
        ],
        .faultType: [
            "fault type", "fault", "type", "failure type", "error type", "fault name", "error name", "name",
            "category", "fault category", "problem", "condition", "failure mode",
        ],
        .severity: ["severity", "severity level", "priority", "criticality", "urgency", "level", "alarm level"],
        .effect: [
            "effect", "effect on the unit", "effects", "symptom", "symptoms", "what happens", "impact", "consequence",
            "description", "meaning", "cause", "causes", "possible causes",
        ],
        .steps: [
            "troubleshooting steps", "troubleshooting", "troubleshoot", "steps", "steps to troubleshoot",
            "how to troubleshoot", "diagnosis", "diagnostics", "diagnostic steps", "checks", "what to check",
            "technician steps", "technician actions", "corrective action", "corrective actions", "resolution steps",
            "resolution", "remedy", "repair", "procedure", "investigation", "inspection",
        ],
        .actions: [
            "actions", "action", "system actions", "automatic actions", "automated actions", "actions taken",
            "required actions", "response", "automated response", "system response", "what the system does",
            "escalation", "workflow", "runbook", "runbook actions", "follow-up", "follow-up actions",
            "recommended actions", "response actions", "notification", "notifications", "system behaviour",
            "system behavior", "automatic response", "reaction", "system reaction", "handling", "alerting",
            "automation",
        ],
    ])
}
