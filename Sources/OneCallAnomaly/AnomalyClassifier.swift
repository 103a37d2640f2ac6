import OneCallCore

/// A trained classifier of readings as normal or abnormal, as saved in a model file: the label it
/// predicts, how readings become vectors, the trees, and how it was trained.
///
/// The file is JSON with `"format": "onecall.anomaly.classifier"` and a `version`; a file of
/// another format, a newer version or inconsistent content is refused with the reason.
public struct AnomalyClassifier: Sendable, Hashable {
    /// The model file's format name.
    public static let format = "onecall.anomaly.classifier"
    /// The version this build writes and reads.
    public static let version = 1
    /// The largest model file read, in bytes.
    public static let maximumFileBytes = 32 << 20

    /// The label column it was trained on (`wattage_mode`).
    public var label: String
    /// The label value it predicts (`abnormal`).
    public var positive: String
    /// The probability at or above which a reading is abnormal.
    public var threshold: Double
    public var schema: FeatureSchema
    public var trees: GradientBoostedTrees
    /// What training recorded: data, parameters and held-out figures, as JSON.
    public var training: JSONObject

    public init(
        label: String, positive: String, threshold: Double = 0.5, schema: FeatureSchema,
        trees: GradientBoostedTrees, training: JSONObject = JSONObject()
    ) {
        self.label = label
        self.positive = positive
        self.threshold = threshold
        self.schema = schema
        self.trees = trees
        self.training = training
    }

    /// The probability that the reading is abnormal.
    public func probability(_ reading: TelemetryReading) -> Double {
        trees.probability(schema.vector(reading))
    }

    /// Whether the reading is abnormal, with its probability.
    public func classify(_ reading: TelemetryReading) -> (abnormal: Bool, probability: Double) {
        let probability = probability(reading)
        return (probability >= threshold, probability)
    }
}

extension AnomalyClassifier {
    /// The model as JSON.
    public var json: JSONValue {
        let slots: [JSONValue] = schema.slots.map { slot in
            switch slot.kind {
            case .number(let fill): ["field": .string(slot.field), "kind": "number", "fill": .double(fill)]
            case .category(let value): ["field": .string(slot.field), "kind": "category", "value": .string(value)]
            }
        }
        let trees: [JSONValue] = self.trees.trees.map { tree in
            [
                "feature": .array(tree.feature.map { .int(Int64($0)) }),
                "threshold": .array(tree.threshold.map { .double($0) }),
                "left": .array(tree.left.map { .int(Int64($0)) }),
                "right": .array(tree.right.map { .int(Int64($0)) }),
                "value": .array(tree.value.map { .double($0) }),
            ]
        }
        return [
            "format": .string(Self.format), "version": .int(Int64(Self.version)), "label": .string(label),
            "positive": .string(positive), "threshold": .double(threshold), "features": .array(slots),
            "base": .double(self.trees.base), "trees": .array(trees), "training": .object(training),
        ]
    }

    /// Reads a model file's content.
    public init(json bytes: some Collection<UInt8>) throws(AnomalyModelError) {
        guard bytes.count <= Self.maximumFileBytes else {
            throw AnomalyModelError("larger than \(Self.maximumFileBytes >> 20) MiB")
        }
        let value: JSONValue
        do {
            value = try JSONValue(parsing: bytes, limits: JSONParseLimits(maximumBytes: Self.maximumFileBytes))
        } catch {
            throw AnomalyModelError("\(error)")
        }
        guard let object = value.objectValue else { throw AnomalyModelError("expected a JSON object") }
        guard object["format"]?.stringValue == Self.format else {
            throw AnomalyModelError("not a OneCall classifier (format is not \(Self.format))")
        }
        guard let version = object["version"]?.intValue else { throw AnomalyModelError("no version") }
        guard version == Int64(Self.version) else {
            throw AnomalyModelError("version \(version); this build reads version \(Self.version)")
        }
        guard let label = object["label"]?.stringValue, let positive = object["positive"]?.stringValue else {
            throw AnomalyModelError("label and positive are required")
        }
        guard let threshold = object["threshold"]?.doubleValue, threshold > 0, threshold < 1 else {
            throw AnomalyModelError("threshold: expected a number between 0 and 1")
        }
        guard let base = object["base"]?.doubleValue, base.isFinite else {
            throw AnomalyModelError("base: expected a number")
        }
        guard let features = object["features"]?.arrayValue, features.count <= FeatureSchema.maximumSlots else {
            throw AnomalyModelError("features: expected an array of at most \(FeatureSchema.maximumSlots)")
        }
        var slots: [FeatureSchema.Slot] = []
        for (index, feature) in features.enumerated() {
            guard let field = feature["field"]?.stringValue else {
                throw AnomalyModelError("features[\(index)]: no field")
            }
            switch feature["kind"]?.stringValue {
            case "number":
                guard let fill = feature["fill"]?.doubleValue, fill.isFinite else {
                    throw AnomalyModelError("features[\(index)]: fill: expected a number")
                }
                slots.append(.init(field: field, kind: .number(fill: fill)))
            case "category":
                guard let value = feature["value"]?.stringValue else {
                    throw AnomalyModelError("features[\(index)]: value: expected a string")
                }
                slots.append(.init(field: field, kind: .category(value)))
            default:
                throw AnomalyModelError("features[\(index)]: kind: expected number or category")
            }
        }
        guard let treeValues = object["trees"]?.arrayValue,
            GradientBoostedTrees.Parameters.roundsRange.contains(treeValues.count)
        else {
            throw AnomalyModelError(
                "trees: expected an array of 1 to \(GradientBoostedTrees.Parameters.roundsRange.upperBound)")
        }
        var trees: [RegressionTree] = []
        for (index, tree) in treeValues.enumerated() {
            func numbers(_ key: String) throws(AnomalyModelError) -> [Double] {
                guard let array = tree[key]?.arrayValue, array.count <= 1 << 14 else {
                    throw AnomalyModelError("trees[\(index)].\(key): expected an array of at most 16384 numbers")
                }
                var result: [Double] = []
                result.reserveCapacity(array.count)
                for element in array {
                    guard let number = element.doubleValue else {
                        throw AnomalyModelError("trees[\(index)].\(key): expected numbers")
                    }
                    result.append(number)
                }
                return result
            }
            func integers(_ key: String) throws(AnomalyModelError) -> [Int32] {
                var result: [Int32] = []
                for number in try numbers(key) {
                    guard number == number.rounded(), abs(number) < Double(Int32.max) else {
                        throw AnomalyModelError("trees[\(index)].\(key): expected integers")
                    }
                    result.append(Int32(number))
                }
                return result
            }
            let candidate = RegressionTree(
                feature: try integers("feature"), threshold: try numbers("threshold"), left: try integers("left"),
                right: try integers("right"), value: try numbers("value"))
            if let problem = candidate.validate(featureCount: slots.count) {
                throw AnomalyModelError("trees[\(index)]: \(problem)")
            }
            trees.append(candidate)
        }
        self.init(
            label: label, positive: positive, threshold: threshold, schema: FeatureSchema(slots: slots),
            trees: GradientBoostedTrees(base: base, trees: trees), training: object["training"]?.objectValue ?? [:])
    }
}

/// Why a model file could not be used.
public struct AnomalyModelError: Error, Sendable, Hashable, CustomStringConvertible {
    public var reason: String

    public init(_ reason: String) {
        self.reason = reason
    }

    public var description: String { "invalid anomaly model: \(reason)" }
}
