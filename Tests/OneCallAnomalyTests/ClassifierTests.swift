import OneCallAnomaly
import OneCallCore
import Testing

/// The classifier on generated data: the label depends on two columns together (no single
/// column separates it), with a categorical column, missing values and an unseen category.
@Suite struct ClassifierTests {
    /// Rows `id,load,temp,state,label`: abnormal when load is high while the state is `run`, or
    /// when temp is very low.
    static func table(rows: Int, seed: UInt64) -> CSVTable {
        var rng = SeededRandomNumberGenerator(seed: seed)
        var lines: [[String]] = []
        for index in 0..<rows {
            let load = Double.random(in: 0...100, using: &rng)
            let temp = Double.random(in: -20...40, using: &rng)
            let state = ["run", "idle", "defrost"][Int.random(in: 0..<3, using: &rng)]
            let abnormal = (load > 70 && state == "run") || temp < -10
            let loadText = index % 17 == 0 ? "" : String(format3(load))
            lines.append(["dev\(index % 5)", loadText, String(format3(temp)), state, abnormal ? "bad" : "ok"])
        }
        return CSVTable(columns: ["device_id", "load", "temp", "state", "health"], rows: lines)
    }

    static func format3(_ value: Double) -> Double { (value * 1000).rounded() / 1000 }

    @Test func learnsAnInteractionAndReportsHeldOutFigures() throws {
        let result = try ClassifierTrainer.train(
            Self.table(rows: 3000, seed: 1), options: .init(label: "health", positive: "bad"), trainedAt: 0)
        #expect(result.heldOutRows == 600)
        #expect(result.heldOut.total == 600)
        #expect(result.heldOut.accuracy > 0.95, "\(result.heldOut)")
        #expect(result.heldOut.recall > 0.9)
        // The identifier column is not a feature; the category became one slot per value.
        let names = result.classifier.schema.slots.map(\.name)
        #expect(!names.contains { $0.hasPrefix("device_id") })
        #expect(names.contains("state=run"))
        #expect(result.importance.first.map { ["load", "temp", "state"].contains($0.field) } == true)
        // A reading with an unseen category and a missing value still gets a probability.
        let reading = TelemetryReading(timestamp: 0, numbers: ["temp": 20], words: ["state": "exploded"])
        let probability = result.classifier.probability(reading)
        #expect(probability >= 0 && probability <= 1)
        #expect(result.classifier.classify(TelemetryReading(timestamp: 0, numbers: ["temp": -15])).abnormal)
        #expect(
            result.classifier.classify(
                TelemetryReading(timestamp: 0, numbers: ["load": 95, "temp": 20], words: ["state": "run"])
            ).abnormal)
        #expect(
            !result.classifier.classify(
                TelemetryReading(timestamp: 0, numbers: ["load": 95, "temp": 20], words: ["state": "idle"])
            ).abnormal)
    }

    @Test func theModelFileRoundTripsAndBadFilesAreRefusedWithTheReason() throws {
        let result = try ClassifierTrainer.train(
            Self.table(rows: 500, seed: 2),
            options: .init(label: "health", positive: "bad", parameters: .init(rounds: 20)), trainedAt: 0)
        let bytes = result.classifier.json.jsonBytes
        let loaded = try AnomalyClassifier(json: bytes)
        #expect(loaded == result.classifier)

        func refused(_ mutate: (inout JSONObject) -> Void, _ reason: String) {
            var object = result.classifier.json.objectValue!
            mutate(&object)
            #expect {
                _ = try AnomalyClassifier(json: JSONValue.object(object).jsonBytes)
            } throws: { error in
                "\(error)".contains(reason)
            }
        }
        refused({ $0["format"] = "something else" }, "not a OneCall classifier")
        refused({ $0["version"] = 2 }, "version 2")
        refused({ $0["threshold"] = 1.5 }, "threshold")
        refused({ $0["trees"] = [] }, "trees")
        refused(
            { object in
                var tree = object["trees"]!.arrayValue![0].objectValue!
                tree["left"] = .array(tree["left"]!.arrayValue!.map { _ in .int(0) })
                var trees = object["trees"]!.arrayValue!
                trees[0] = .object(tree)
                object["trees"] = .array(trees)
            }, "not a later node")
        refused(
            { object in
                var tree = object["trees"]!.arrayValue![0].objectValue!
                tree["feature"] = .array(tree["feature"]!.arrayValue!.map { $0 == -1 ? -1 : 999 })
                var trees = object["trees"]!.arrayValue!
                trees[0] = .object(tree)
                object["trees"] = .array(trees)
            }, "reads feature 999")
        #expect(throws: AnomalyModelError.self) { _ = try AnomalyClassifier(json: Array("{".utf8)) }
    }

    @Test func tablesThatCannotBeTrainedOnAreRefused() {
        let table = Self.table(rows: 100, seed: 3)
        #expect(throws: ClassifierTrainingError.self) {
            _ = try ClassifierTrainer.train(table, options: .init(label: "missing", positive: "bad"), trainedAt: 0)
        }
        #expect(throws: ClassifierTrainingError.self) {
            _ = try ClassifierTrainer.train(table, options: .init(label: "health", positive: "never"), trainedAt: 0)
        }
        let tiny = CSVTable(columns: ["x", "y"], rows: [["1", "a"], ["2", "b"]])
        #expect(throws: ClassifierTrainingError.self) {
            _ = try ClassifierTrainer.train(tiny, options: .init(label: "y", positive: "a"), trainedAt: 0)
        }
    }
}
