import Foundation

/// Runs a univariate detector over NAB-format data, writing one results file per series.
///
/// Reads every `DATA/<category>/<file>.csv` and writes `OUT/<detector>/<category>/<detector>_<file>.csv` with the
/// header `timestamp,value,anomaly_score,label` (label 0), one row per input row, timestamps copied verbatim.
/// Each series gets a fresh detector.
public struct NABRunner: Sendable {
    /// The directory holding one subdirectory per category.
    public var dataDirectory: String
    /// The directory results are written under (created when missing).
    public var outputDirectory: String
    /// The detector name used in result paths.
    public var detectorName: String
    /// Makes a fresh detector for each series.
    public var makeDetector: @Sendable () -> any UnivariateDetector
    /// Caps on each input file.
    public var limits: NABSeries.Limits

    /// Creates a runner for one of the named detectors.
    public init(
        dataDirectory: String, outputDirectory: String, detector: UnivariateDetectorKind = .onecall,
        limits: NABSeries.Limits = NABSeries.Limits()
    ) {
        self.init(
            dataDirectory: dataDirectory, outputDirectory: outputDirectory, detectorName: detector.rawValue,
            limits: limits, makeDetector: { detector.makeDetector() })
    }

    /// Creates a runner for any detector; `detectorName` must be a plain name (letters, digits, `-`, `_`, `.`).
    public init(
        dataDirectory: String, outputDirectory: String, detectorName: String,
        limits: NABSeries.Limits = NABSeries.Limits(),
        makeDetector: @escaping @Sendable () -> any UnivariateDetector
    ) {
        self.dataDirectory = dataDirectory
        self.outputDirectory = outputDirectory
        self.detectorName = detectorName
        self.limits = limits
        self.makeDetector = makeDetector
    }

    /// The series files found, as `category/file.csv` paths relative to the data directory, sorted.
    public func seriesFiles() throws -> [String] {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: dataDirectory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw NABError(file: dataDirectory, reason: "not a directory")
        }
        var result: [String] = []
        for category in try listing(dataDirectory) {
            let categoryPath = dataDirectory + "/" + category
            guard manager.fileExists(atPath: categoryPath, isDirectory: &isDirectory), isDirectory.boolValue else {
                continue
            }
            for file in try listing(categoryPath) where file.hasSuffix(".csv") {
                result.append(category + "/" + file)
            }
        }
        return result
    }

    /// Scores every series and writes the results; throws on the first unreadable or malformed file.
    @discardableResult
    public func run() throws -> NABRunReport {
        guard !detectorName.isEmpty, detectorName != ".", detectorName != "..",
            detectorName.unicodeScalars.allSatisfy({
                $0.properties.isAlphabetic || ("0"..."9").contains($0)
                    || $0 == "-" || $0 == "_" || $0 == "."
            })
        else { throw NABError(file: outputDirectory, reason: "bad detector name \"\(detectorName)\"") }
        let clock = ContinuousClock()
        let started = clock.now
        var detectorTime = Duration.zero
        var rows = 0
        let files = try seriesFiles()
        for relative in files {
            let inputPath = dataDirectory + "/" + relative
            let series = try read(inputPath)
            let before = clock.now
            var detector = makeDetector()
            var scores = [Double](repeating: 0, count: series.count)
            for index in 0..<series.count {
                scores[index] = detector.update(timestamp: series.timestamps[index], value: series.values[index]).value
            }
            detectorTime += clock.now - before
            rows += series.count
            let parts = relative.split(separator: "/")
            let directory = outputDirectory + "/" + detectorName + "/" + parts[0]
            let outputPath = directory + "/" + detectorName + "_" + parts[1]
            try write(series: series, scores: scores, directory: directory, path: outputPath)
        }
        return NABRunReport(
            files: files.count, rows: rows, seconds: Self.seconds(clock.now - started),
            detectorSeconds: Self.seconds(detectorTime))
    }

    private func listing(_ path: String) throws -> [String] {
        do {
            return try FileManager.default.contentsOfDirectory(atPath: path).filter { !$0.hasPrefix(".") }.sorted()
        } catch {
            throw NABError(file: path, reason: "cannot list directory: \(error.localizedDescription)")
        }
    }

    private func read(_ path: String) throws -> NABSeries {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        if let size = (attributes?[.size] as? NSNumber)?.intValue, size > limits.maxFileBytes {
            throw NABError(file: path, reason: "file is \(size) bytes, more than \(limits.maxFileBytes)")
        }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw NABError(file: path, reason: "cannot read: \(error.localizedDescription)")
        }
        return try NABSeries(csv: data, name: path, limits: limits)
    }

    private func write(series: NABSeries, scores: [Double], directory: String, path: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw NABError(file: directory, reason: "cannot create directory: \(error.localizedDescription)")
        }
        var text = "timestamp,value,anomaly_score,label\n"
        text.reserveCapacity(series.count * 48)
        for index in 0..<series.count {
            text += series.timestampTexts[index]
            text += ","
            text += series.valueTexts[index]
            text += ","
            text += "\(scores[index])"
            text += ",0\n"
        }
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw NABError(file: path, reason: "cannot write: \(error.localizedDescription)")
        }
    }

    private static func seconds(_ duration: Duration) -> Double {
        let parts = duration.components
        return Double(parts.seconds) + Double(parts.attoseconds) * 1e-18
    }
}
