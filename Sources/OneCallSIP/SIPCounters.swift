import Synchronization

/// The live counters behind ``SIPStatistics``, shared by the agent and its media handlers.
final class SIPCounters: Sendable {
    private let state = Mutex(SIPStatistics())

    /// Changes the counters.
    func update(_ change: (inout SIPStatistics) -> Void) {
        state.withLock { change(&$0) }
    }

    /// A copy of the counters.
    var snapshot: SIPStatistics { state.withLock { $0 } }
}
