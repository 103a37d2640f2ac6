/// What a telemetry question asks of a field's values.
enum ChatStatistic: String, Sendable, Hashable {
    case average
    case minimum
    case maximum
    /// The newest value.
    case latest
    /// Average, minimum and maximum together.
    case summary

    /// The statistic named by `words`, the first one named winning.
    static func find(in words: [String]) -> ChatStatistic? {
        for word in words {
            if ChatVocabulary.averageWords.contains(word) { return .average }
            if ChatVocabulary.minimumWords.contains(word) { return .minimum }
            if ChatVocabulary.maximumWords.contains(word) { return .maximum }
            if ChatVocabulary.latestWords.contains(word) { return .latest }
        }
        return nil
    }
}
