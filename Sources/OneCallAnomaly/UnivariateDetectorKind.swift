/// The detectors that can be chosen by name (`onecall anomaly nab --detector NAME`).
public enum UnivariateDetectorKind: String, CaseIterable, Sendable {
    /// The best detector here: multi-scale contextual novelty with repeat suppression (the default).
    case onecall
    /// A trailing robust z-score baseline, for comparison.
    case zscore

    /// A fresh detector of this kind with its default settings.
    public func makeDetector() -> any UnivariateDetector {
        switch self {
        case .onecall: return UnivariateContextDetector()
        case .zscore: return UnivariateZScoreDetector()
        }
    }
}
