/// One tool call of a runbook plan and the guide's words that asked for it.
public struct PlannedAction: Sendable, Hashable {
    /// The tool to run.
    public var tool: RunbookTool
    /// The phrase of the guide it was mapped from, such as `Log a ticket`; `nil` for the ticket a plan
    /// opens when the guide has no runbook or no action list for the code.
    public var phrase: String?

    /// Creates an action.
    public init(tool: RunbookTool, phrase: String? = nil) {
        self.tool = tool
        self.phrase = phrase
    }
}
