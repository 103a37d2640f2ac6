import OneCallAgent
import OneCallChat
import OneCallCore
import OneCallKnowledge
import OneCallStorage

/// What the workflow routes work with: tickets, the tools, the knowledge base, the planner and
/// the MCP server.
public struct WorkflowAPI: Sendable {
    public var tickets: any TicketStore
    public var tools: any ToolProvider
    public var library: KnowledgeLibrary
    public var planner: RunbookPlanner
    public var mcp: MCPToolServer
    /// Wakes the dispatcher after a change that may add due actions.
    public var wake: @Sendable () -> Void
    /// Knowledge search (BM25, fused with semantic ranks when configured).
    public var search: @Sendable (String, Int) async -> [KnowledgeHit]
    /// Every call's attempts.
    public var calls: (any CallStore)?
    /// The contact center's definitions and provider, as the API shows them; `nil` without one.
    public var contactCenter: (@Sendable () -> JSONObject)?
    /// Answers operators' questions (`POST /api/v1/chat`).
    public var chat: ChatEngine?

    public init(
        tickets: any TicketStore, tools: any ToolProvider, library: KnowledgeLibrary, planner: RunbookPlanner,
        mcp: MCPToolServer, wake: @escaping @Sendable () -> Void,
        search: @escaping @Sendable (String, Int) async -> [KnowledgeHit], calls: (any CallStore)? = nil,
        contactCenter: (@Sendable () -> JSONObject)? = nil, chat: ChatEngine? = nil
    ) {
        self.chat = chat
        self.search = search
        self.calls = calls
        self.contactCenter = contactCenter
        self.tickets = tickets
        self.tools = tools
        self.library = library
        self.planner = planner
        self.mcp = mcp
        self.wake = wake
    }
}
