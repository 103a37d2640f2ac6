/// The sessions of a chat engine, bounded: the least recently used session goes first when the table
/// is full, and a session idle for too long is forgotten.
struct ChatSessionTable: Sendable {
    private(set) var sessions: [String: ChatSession] = [:]
    private var counter: UInt64 = 0
    let maximumSessions: Int
    let idleSeconds: Double

    init(maximumSessions: Int, idleSeconds: Double) {
        self.maximumSessions = max(maximumSessions, 1)
        self.idleSeconds = idleSeconds
    }

    /// The context of session `id` at `now` (empty for a new or expired session).
    mutating func context(of id: String, now: Double) -> ChatSessionContext {
        guard let session = sessions[id] else { return ChatSessionContext() }
        if now - session.lastUsed > idleSeconds {
            sessions[id] = nil
            return ChatSessionContext()
        }
        return session.context
    }

    /// Stores the new context of session `id` and its exchange, evicting as the bounds require.
    mutating func update(
        _ id: String, context: ChatSessionContext, turn: ChatTurn, now: Double, historyLimit: Int
    ) {
        counter += 1
        var session = sessions[id] ?? ChatSession(lastUsed: now, useOrder: counter)
        session.context = context
        session.lastUsed = now
        session.useOrder = counter
        session.record(turn, limit: historyLimit)
        sessions[id] = session
        if sessions.count > maximumSessions {
            sessions = sessions.filter { now - $0.value.lastUsed <= idleSeconds }
        }
        while sessions.count > maximumSessions {
            guard let oldest = sessions.min(by: { $0.value.useOrder < $1.value.useOrder })?.key else { break }
            sessions[oldest] = nil
        }
    }

    /// Forgets session `id`.
    mutating func remove(_ id: String) {
        sessions[id] = nil
    }
}
