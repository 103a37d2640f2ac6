import Foundation
import OneCallAnomaly
import OneCallCore

/// Reading training data and reading and writing the classifier's model file.
public enum AnomalyModelFile {
    /// Where `onecall train` writes the model and the server looks for it, under the data directory.
    public static let defaultRelativePath = "models/anomaly-classifier.json"
    /// The largest CSV file read, in bytes.
    public static let maximumCSVBytes = 1 << 30

    /// The model path a configuration implies.
    public static func path(_ configuration: OneCallConfiguration) -> String {
        configuration.anomaly.modelPath
            ?? (configuration.dataDirectory as NSString).appendingPathComponent(defaultRelativePath)
    }

    /// Reads a CSV file, refusing one over ``maximumCSVBytes``.
    public static func readTable(path: String) throws -> CSVTable {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        if let size = attributes[.size] as? Int, size > maximumCSVBytes {
            throw AnomalyFileError(path: path, reason: "larger than \(maximumCSVBytes >> 20) MiB")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw AnomalyFileError(path: path, reason: "cannot be read")
        }
        do {
            return try CSVTable(parsing: data)
        } catch {
            throw AnomalyFileError(path: path, reason: "\(error)")
        }
    }

    /// Reads a model file.
    public static func load(path: String) throws -> AnomalyClassifier {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        if let size = attributes[.size] as? Int, size > AnomalyClassifier.maximumFileBytes {
            throw AnomalyFileError(path: path, reason: "larger than \(AnomalyClassifier.maximumFileBytes >> 20) MiB")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw AnomalyFileError(path: path, reason: "cannot be read")
        }
        do {
            return try AnomalyClassifier(json: data)
        } catch {
            throw AnomalyFileError(path: path, reason: "\(error)")
        }
    }

    /// Writes a model file atomically (a reader sees the old file or the new one, never half).
    public static func save(_ classifier: AnomalyClassifier, path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        try Data(classifier.json.jsonBytes).write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    /// The report `onecall train` prints.
    public static func report(_ result: ClassifierTrainer.Result, path: String) -> String {
        let report = result.heldOut
        let classifier = result.classifier
        func percent(_ value: Double) -> String { String(format: "%.2f %%", value * 100) }
        let positive = classifier.positive
        let negative = "not \(positive)"
        let width = max(positive.count, negative.count, 9)
        func pad(_ text: String) -> String { text.padding(toLength: width, withPad: " ", startingAt: 0) }
        var lines = [
            "trained on \(result.trainingRows) rows, held out \(result.heldOutRows) "
                + "(label \(classifier.label), positive \(positive))",
            "features: \(classifier.schema.slots.map(\.name).joined(separator: ", "))",
            "held-out accuracy  \(percent(report.accuracy))",
            "precision          \(percent(report.precision))",
            "recall             \(percent(report.recall))",
            "F1                 \(percent(report.f1))",
            "confusion matrix (rows: actual, columns: predicted)",
            "  \(pad("")) \(pad(positive)) \(pad(negative))",
            "  \(pad(positive)) \(pad(String(report.truePositives))) \(pad(String(report.falseNegatives)))",
            "  \(pad(negative)) \(pad(String(report.falsePositives))) \(pad(String(report.trueNegatives)))",
            "importance: "
                + result.importance.filter { $0.share >= 0.005 }.prefix(6).map {
                    "\($0.field) \(String(format: "%.0f %%", $0.share * 100))"
                }
                .joined(separator: ", "),
            "model written to \(path) (\(classifier.trees.trees.count) trees)",
        ]
        if result.heldOutRows == 0 { lines[2] = "training accuracy  \(percent(report.accuracy)) (nothing held out)" }
        return lines.joined(separator: "\n")
    }
}

/// A training or model file that could not be used: the path and the reason.
public struct AnomalyFileError: Error, Sendable, Hashable, CustomStringConvertible {
    public var path: String
    public var reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "\(path): \(reason)" }
}
