/// What a session remembers for follow-up questions: the last intent and what it was about.
struct ChatSessionContext: Sendable, Hashable {
    var intent: ChatIntent?
    var deviceID: String?
    var ticketID: String?
    var code: String?
    /// The words that named the fields of the last telemetry question.
    var fieldWords: [String] = []
    var statistic: ChatStatistic?
    var window: ChatWindow?
    /// The tickets the last list showed.
    var ticketFilter: ChatTicketFilter?
}
