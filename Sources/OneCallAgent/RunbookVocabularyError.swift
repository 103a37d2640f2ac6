/// A vocabulary configuration key that names no tool and no word list.
public struct RunbookVocabularyError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The key as configured.
    public var key: String

    /// An error for the configuration key `key`.
    public init(key: String) {
        self.key = key
    }

    /// The key and the keys that are allowed.
    public var description: String {
        let tools = RunbookTool.allCases.map(\.rawValue).joined(separator: ", ")
        return "unknown runbook vocabulary key '\(key)': use a tool (\(tools)), no_action, negation or verbs"
    }
}
