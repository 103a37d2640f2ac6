/// A telemetry question made whole with the session's context: which device, which fields (by the
/// words that named them; none for every field), which statistic, over which window.
struct ChatTelemetryRequest: Sendable, Hashable {
    var deviceID: String
    var fieldWords: [String]
    var statistic: ChatStatistic
    /// `nil` for the newest value (with `.latest`), else the window to summarise.
    var window: ChatWindow?
}
