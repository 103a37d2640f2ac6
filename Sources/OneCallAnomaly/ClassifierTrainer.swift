import OneCallCore

/// Trains an ``AnomalyClassifier`` from a labelled CSV table: the label column is predicted,
/// identifier columns are left out, a stratified share of the rows is held out and scored.
public struct ClassifierTrainer: Sendable {
    /// What to train on and how.
    public struct Options: Sendable, Hashable {
        /// The label column (`wattage_mode`).
        public var label: String
        /// The label value that means abnormal (`abnormal`); every other value is normal.
        public var positive: String
        /// Columns that are not features: by default the time and the device identifier.
        public var excluded: Set<String>
        /// The share of rows held out for the report, in [0, 0.9].
        public var testFraction: Double
        /// The seed of the split (the same seed, the same split).
        public var seed: UInt64
        public var parameters: GradientBoostedTrees.Parameters

        public init(
            label: String, positive: String, excluded: Set<String> = Options.identifierColumns,
            testFraction: Double = 0.2, seed: UInt64 = 42,
            parameters: GradientBoostedTrees.Parameters = GradientBoostedTrees.Parameters()
        ) {
            self.label = label
            self.positive = positive
            self.excluded = excluded
            self.testFraction = testFraction
            self.seed = seed
            self.parameters = parameters
        }

        /// Columns that identify rather than describe a reading.
        public static let identifierColumns: Set<String> = [
            "timestamp", "time", "time_stamp", "device_name", "device_id", "thing_name", "unique_id",
        ]
    }

    /// What training produced.
    public struct Result: Sendable {
        public var classifier: AnomalyClassifier
        /// Figures on the held-out rows (on the training rows when nothing was held out).
        public var heldOut: ClassificationReport
        public var trainingRows: Int
        public var heldOutRows: Int
        /// Each input field's share of the total split gain, largest first.
        public var importance: [(field: String, share: Double)]
    }

    /// The fewest rows training accepts.
    public static let minimumRows = 10

    /// Trains; fails with the reason when the table cannot be used.
    public static func train(_ table: CSVTable, options: Options, trainedAt: Double) throws(ClassifierTrainingError)
        -> Result
    {
        guard let labelIndex = table.index(of: options.label) else {
            throw ClassifierTrainingError(
                "no column '\(options.label)' (columns: \(table.columns.joined(separator: ", ")))")
        }
        guard (0...0.9).contains(options.testFraction) else {
            throw ClassifierTrainingError("the held-out share must be between 0 and 0.9")
        }
        let rows = table.rows.filter { !$0[labelIndex].isEmpty }
        guard rows.count >= Self.minimumRows else {
            throw ClassifierTrainingError("\(rows.count) labelled rows; at least \(Self.minimumRows) are needed")
        }
        let labels = rows.map { $0[labelIndex] == options.positive }
        let positives = labels.lazy.filter { $0 }.count
        guard positives > 0 else {
            throw ClassifierTrainingError("no row has \(options.label) = \(options.positive)")
        }
        guard positives < rows.count else {
            throw ClassifierTrainingError("every row has \(options.label) = \(options.positive); nothing is normal")
        }
        let featureColumns = table.columns.indices.filter {
            $0 != labelIndex && !options.excluded.contains(table.columns[$0])
        }
        guard !featureColumns.isEmpty else { throw ClassifierTrainingError("no feature columns") }

        // A stratified split: the same share of each class is held out.
        var rng = SeededRandomNumberGenerator(seed: options.seed)
        var heldOut = Set<Int>()
        for positive in [true, false] {
            var members = labels.indices.filter { labels[$0] == positive }
            members.shuffle(using: &rng)
            let count = Int((Double(members.count) * options.testFraction).rounded())
            heldOut.formUnion(members.prefix(min(count, members.count - 1)))
        }
        let trainingIndices = rows.indices.filter { !heldOut.contains($0) }
        let columns = featureColumns.map { table.columns[$0] }
        func fields(_ row: [String]) -> [String] { featureColumns.map { row[$0] } }
        let schema = FeatureSchema(columns: columns, rows: trainingIndices.map { fields(rows[$0]) })
        guard !schema.slots.isEmpty else { throw ClassifierTrainingError("no usable feature columns") }
        let vectors = trainingIndices.map { schema.vector(columns: columns, fields: fields(rows[$0])) }
        let (trees, gain) = GradientBoostedTrees.train(
            vectors: vectors, labels: trainingIndices.map { labels[$0] }, parameters: options.parameters)

        let classifier0 = AnomalyClassifier(
            label: options.label, positive: options.positive, schema: schema, trees: trees)
        var report = ClassificationReport()
        let scored = heldOut.isEmpty ? Set(trainingIndices) : heldOut
        for index in scored.sorted() {
            let probability = trees.probability(schema.vector(columns: columns, fields: fields(rows[index])))
            report.add(predicted: probability >= classifier0.threshold, actual: labels[index])
        }
        var byField: [String: Double] = [:]
        for (slot, value) in zip(schema.slots, gain) { byField[slot.field, default: 0] += value }
        let totalGain = max(byField.values.reduce(0, +), .leastNonzeroMagnitude)
        let importance = byField.map { (field: $0.key, share: $0.value / totalGain) }
            .sorted { $0.share != $1.share ? $0.share > $1.share : $0.field < $1.field }

        var classifier = classifier0
        let parameters = options.parameters
        classifier.training = [
            "trained_at": .string(CivilTime(epochSeconds: trainedAt).rfc3339),
            "rows": .int(Int64(rows.count)), "training_rows": .int(Int64(trainingIndices.count)),
            "held_out_rows": .int(Int64(heldOut.count)), "positives": .int(Int64(positives)),
            "columns": .array(columns.map { .string($0) }),
            "parameters": [
                "rounds": .int(Int64(parameters.rounds)), "max_depth": .int(Int64(parameters.maximumDepth)),
                "learning_rate": .double(parameters.learningRate), "lambda": .double(parameters.lambda),
                "min_leaf_rows": .int(Int64(parameters.minimumLeafRows)), "seed": .int(Int64(bitPattern: options.seed)),
                "test_fraction": .double(options.testFraction),
            ],
            "held_out": [
                "accuracy": .double(report.accuracy), "precision": .double(report.precision),
                "recall": .double(report.recall), "f1": .double(report.f1),
                "true_positives": .int(Int64(report.truePositives)),
                "false_positives": .int(Int64(report.falsePositives)),
                "true_negatives": .int(Int64(report.trueNegatives)),
                "false_negatives": .int(Int64(report.falseNegatives)),
            ],
        ]
        return Result(
            classifier: classifier, heldOut: report, trainingRows: trainingIndices.count, heldOutRows: heldOut.count,
            importance: importance)
    }
}

/// Why a table could not be trained on.
public struct ClassifierTrainingError: Error, Sendable, Hashable, CustomStringConvertible {
    public var reason: String

    public init(_ reason: String) {
        self.reason = reason
    }

    public var description: String { reason }
}
