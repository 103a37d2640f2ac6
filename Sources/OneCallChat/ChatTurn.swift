/// One exchange of a session, kept in its bounded history.
struct ChatTurn: Sendable, Hashable {
    /// The question, as asked.
    var question: String
    /// What it was understood to ask.
    var intent: String
    /// When it was answered, in seconds since 1970.
    var time: Double
}
