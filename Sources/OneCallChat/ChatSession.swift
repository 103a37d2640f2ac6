/// One conversation: its context for follow-ups, its bounded history and when it was last used.
struct ChatSession: Sendable {
    var context = ChatSessionContext()
    var history: [ChatTurn] = []
    /// When it was last used, in seconds since 1970.
    var lastUsed: Double
    /// The table's use counter at the last use (for least-recently-used order).
    var useOrder: UInt64

    /// Records an exchange, keeping at most `limit`.
    mutating func record(_ turn: ChatTurn, limit: Int) {
        history.append(turn)
        if history.count > max(limit, 0) { history.removeFirst(history.count - max(limit, 0)) }
    }
}
