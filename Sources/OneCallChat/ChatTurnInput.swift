import OneCallCore
import OneCallKnowledge

/// What every answer of one turn may read: the time, the knowledge base, the registry, the session's
/// context, the question and the newest readings of the device in question.
struct ChatTurnInput: Sendable {
    var now: Double
    var index: KnowledgeIndex
    var registry: [Device]
    var context: ChatSessionContext
    var question: ChatQuestion
    var recent: [ChatReading]
}
