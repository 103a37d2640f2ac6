/// What one device (or, summed, a fleet) did: the counts a run reports.
public struct SimulatorStatistics: Sendable, Hashable {
    /// Readings taken from the model.
    public var readingsTaken = 0
    /// Readings the broker acknowledged (QoS 1 and 2) or that were written (QoS 0).
    public var readingsPublished = 0
    /// Error messages published.
    public var errorsPublished = 0
    /// Shadow updates published.
    public var shadowUpdatesPublished = 0
    /// Commands and shadow `desired` keys applied.
    public var commandsApplied = 0
    /// Commands and shadow `desired` keys refused (bad JSON, unknown action or key, bad value).
    public var commandsRejected = 0
    /// Shadow requests the shadow service rejected (`…/update/rejected`, `…/get/rejected` other than 404).
    public var shadowRejections = 0
    /// Publications that failed (the broker refused or the connection was shut down).
    public var publishFailures = 0
    /// Messages dropped because the queue kept while offline was full.
    public var messagesDropped = 0
    /// Disconnections asked for by the `disconnect` command.
    public var disconnects = 0

    /// Creates zero counts.
    public init() {}

    /// The sum of two sets of counts.
    public static func + (lhs: SimulatorStatistics, rhs: SimulatorStatistics) -> SimulatorStatistics {
        var sum = lhs
        sum.readingsTaken += rhs.readingsTaken
        sum.readingsPublished += rhs.readingsPublished
        sum.errorsPublished += rhs.errorsPublished
        sum.shadowUpdatesPublished += rhs.shadowUpdatesPublished
        sum.commandsApplied += rhs.commandsApplied
        sum.commandsRejected += rhs.commandsRejected
        sum.shadowRejections += rhs.shadowRejections
        sum.publishFailures += rhs.publishFailures
        sum.messagesDropped += rhs.messagesDropped
        sum.disconnects += rhs.disconnects
        return sum
    }
}
