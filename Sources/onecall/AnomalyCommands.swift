import ArgumentParser
import Foundation
import OneCallAnomaly
import OneCallApp

struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train the anomaly classifier from a labelled telemetry CSV and save the model the server loads.",
        discussion: """
            Example: onecall train --csv training_data.csv --label wattage_mode --positive abnormal
            The model goes to DATA_DIR/\(AnomalyModelFile.defaultRelativePath) unless --out says otherwise; a \
            running server picks it up at its next start.
            """)
    @Option(help: "The labelled CSV (a header row, one reading per row).") var csv: String
    @Option(help: "The label column.") var label = "wattage_mode"
    @Option(help: "The label value that means abnormal.") var positive = "abnormal"
    @Option(help: "Where to write the model (default: DATA_DIR/\(AnomalyModelFile.defaultRelativePath)).")
    var out: String?
    @Option(help: "OneCall's data directory.") var dataDir = "./onecall-data"
    @Option(
        name: .customLong("exclude"),
        help: "A column that is not a feature (repeatable; default: timestamp and device identifier columns).")
    var excluded: [String] = []
    @Option(help: "The share of rows held out for the report.") var testFraction = 0.2
    @Option(help: "The seed of the held-out split.") var seed: UInt64 = 42
    @Option(help: "Trees.") var rounds = 100
    @Option(help: "Deepest tree.") var depth = 4
    @Option(help: "Learning rate.") var learningRate = 0.1

    func validate() throws {
        guard GradientBoostedTrees.Parameters.roundsRange.contains(rounds) else {
            throw ValidationError("--rounds: expected 1 to \(GradientBoostedTrees.Parameters.roundsRange.upperBound)")
        }
        guard GradientBoostedTrees.Parameters.depthRange.contains(depth) else {
            throw ValidationError("--depth: expected 1 to \(GradientBoostedTrees.Parameters.depthRange.upperBound)")
        }
        guard GradientBoostedTrees.Parameters.learningRateRange.contains(learningRate) else {
            throw ValidationError("--learning-rate: expected 0.001 to 1")
        }
        guard (0...0.9).contains(testFraction) else { throw ValidationError("--test-fraction: expected 0 to 0.9") }
    }

    func run() throws {
        do {
            let table = try AnomalyModelFile.readTable(path: csv)
            var options = ClassifierTrainer.Options(
                label: label, positive: positive, testFraction: testFraction, seed: seed,
                parameters: .init(rounds: rounds, maximumDepth: depth, learningRate: learningRate))
            if !excluded.isEmpty { options.excluded = Set(excluded) }
            let result = try ClassifierTrainer.train(
                table, options: options, trainedAt: Date().timeIntervalSince1970)
            let path = out ?? (dataDir as NSString).appendingPathComponent(AnomalyModelFile.defaultRelativePath)
            try AnomalyModelFile.save(result.classifier, path: path)
            print(AnomalyModelFile.report(result, path: path))
        } catch {
            throw fail(error)
        }
    }
}

struct Anomaly: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the unsupervised anomaly detectors over recorded data.",
        subcommands: [NAB.self, Score.self])

    struct NAB: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Score NAB-format series (DATA/<category>/<file>.csv) and write NAB's results layout.",
            discussion: """
                Writes OUT/<detector>/<category>/<detector>_<file>.csv (timestamp,value,anomaly_score,label); score \
                them with NAB's scorer. Each row's score uses only the rows before it.
                """)
        @Option(help: "The data directory (one folder per category).") var data: String
        @Option(help: "The results directory.") var out: String
        @Option(help: "The detector: \(UnivariateDetectorKind.allCases.map(\.rawValue).joined(separator: ", ")).")
        var detector = UnivariateDetectorKind.onecall.rawValue

        func run() throws {
            guard let kind = UnivariateDetectorKind(rawValue: detector) else {
                throw ValidationError(
                    "--detector: expected \(UnivariateDetectorKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            do {
                let report = try NABRunner(dataDirectory: data, outputDirectory: out, detector: kind).run()
                print(report)
            } catch {
                throw fail(error)
            }
        }
    }
}

extension Anomaly {
    struct Score: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Replay a telemetry CSV through the multivariate detector and write each row's score.",
            discussion: """
                Rows are replayed per device in time order; a row's score uses only that device's earlier rows. \
                Writes timestamp,device_name,anomaly_score,explanation, one line per input row, in input order.
                """)
        @Option(help: "The telemetry CSV (a header row; the reference's column layout or any other).") var csv: String
        @Option(help: "Where to write the scores.") var out: String
        @Option(help: "The device column (default: device_name, device_id or thing_name).") var deviceColumn: String?
        @Option(help: "The time column.") var timestampColumn = "timestamp"
        @Option(
            name: .customLong("exclude"),
            help: "A column that is not a reading, such as a label (repeatable; default: wattage_mode).")
        var excluded: [String] = []

        func run() throws {
            do {
                let table = try AnomalyModelFile.readTable(path: csv)
                let rows = try TelemetryReplay.score(
                    table, deviceColumn: deviceColumn, timestampColumn: timestampColumn,
                    excluding: Set(excluded.isEmpty ? ["wattage_mode"] : excluded))
                try Data(TelemetryReplay.csv(rows).utf8).write(to: URL(fileURLWithPath: out))
                let flagged = rows.filter { $0.score.value >= 0.7 }.count
                print("\(rows.count) rows scored, \(flagged) at 0.7 or above; written to \(out)")
            } catch {
                throw fail(error)
            }
        }
    }
}
