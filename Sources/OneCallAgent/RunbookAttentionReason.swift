/// Why a plan needs a person to look at it.
public enum RunbookAttentionReason: String, Sendable, Hashable, CaseIterable {
    /// No section of the knowledge base covers the code.
    case noRunbook = "no_runbook"
    /// The section has no action list (no field such as "Actions" or "Response").
    case noActionField = "no_action_field"
    /// Some phrases of the action list map to no tool.
    case unmappedPhrases = "unmapped_phrases"
}
