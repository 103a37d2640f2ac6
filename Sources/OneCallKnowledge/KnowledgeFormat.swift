/// The text formats a knowledge document can be written in.
public enum KnowledgeFormat: String, Sendable, Hashable, CaseIterable {
    case markdown
    case plainText = "text"
}
