/// How unusual a reading is, from 0 (as expected) to 1 (certainly anomalous), and why.
public struct AnomalyScore: Sendable, Hashable {
    /// The score, in [0, 1].
    public var value: Double
    /// What made the reading unusual — which metric, what range was expected — or empty when
    /// nothing did.
    public var explanation: String

    /// Creates a score, clamping `value` into [0, 1] (NaN counts as 0).
    public init(_ value: Double, explanation: String = "") {
        self.value = value.isNaN ? 0 : min(max(value, 0), 1)
        self.explanation = explanation
    }

    /// Nothing unusual.
    public static let zero = AnomalyScore(0)
}
