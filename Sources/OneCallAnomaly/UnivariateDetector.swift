/// A streaming detector over one series: each call sees one observation and may use only what came before.
///
/// Implementations keep bounded state (fixed-size windows and summaries), are deterministic, and return
/// scores in [0, 1] with an explanation that is non-empty only when the score is high.
public protocol UnivariateDetector: Sendable {
    /// Scores one observation (timestamp in seconds since 1970) and learns from it.
    mutating func update(timestamp: Double, value: Double) -> AnomalyScore
}
