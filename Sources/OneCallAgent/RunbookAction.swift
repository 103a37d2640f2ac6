/// One planned tool call and the guide's words that asked for it.
public struct RunbookAction: Sendable, Hashable {
    /// The tool to run.
    public var tool: RunbookTool
    /// The phrase of the guide it came from ("Clear the fault on the device"); empty when the planner
    /// added the action itself (a ticket for a code without a runbook).
    public var phrase: String

    /// An action for `tool`, asked for by `phrase`.
    public init(tool: RunbookTool, phrase: String) {
        self.tool = tool
        self.phrase = phrase
    }
}
