/// What a NAB run did: how many files and rows it scored and how long that took.
public struct NABRunReport: Sendable, Hashable, CustomStringConvertible {
    /// Series files scored.
    public var files: Int
    /// Observations scored, over all files.
    public var rows: Int
    /// Wall-clock seconds spent, including reading and writing files.
    public var seconds: Double
    /// Seconds spent inside the detectors only.
    public var detectorSeconds: Double

    /// Creates a report.
    public init(files: Int, rows: Int, seconds: Double, detectorSeconds: Double = 0) {
        self.files = files
        self.rows = rows
        self.seconds = seconds
        self.detectorSeconds = detectorSeconds
    }

    /// "N files, M rows in S s".
    public var description: String {
        "\(files) files, \(rows) rows in \(UnivariateExplanation.format(seconds)) s"
    }
}
