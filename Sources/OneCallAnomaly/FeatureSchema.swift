/// How a reading becomes the classifier's input vector: one slot per numeric field (a missing value
/// takes the training median) and one slot per known category of each word field (1 when the
/// reading has it; an unseen or missing category leaves every slot of its field at 0).
public struct FeatureSchema: Sendable, Hashable {
    /// One slot of the vector.
    public struct Slot: Sendable, Hashable {
        /// What the slot holds.
        public enum Kind: Sendable, Hashable {
            /// The field's value, or `fill` when the reading has none.
            case number(fill: Double)
            /// 1 when the field's word is `value`, else 0.
            case category(String)
        }

        /// The reading's field.
        public var field: String
        public var kind: Kind

        public init(field: String, kind: Kind) {
            self.field = field
            self.kind = kind
        }

        /// A readable name: the field, or `field=value` for a category.
        public var name: String {
            switch kind {
            case .number: field
            case .category(let value): "\(field)=\(value)"
            }
        }
    }

    /// The slots, in vector order.
    public var slots: [Slot]

    public init(slots: [Slot]) {
        self.slots = slots
    }

    /// The most categories kept per word field (the most frequent ones); rarer ones count as unseen.
    public static let maximumCategories = 32
    /// The most slots a schema may have.
    public static let maximumSlots = 4096

    /// Texts that mean "no value" in a numeric column.
    public static let missingTexts: Set<String> = ["", "NA", "N/A", "n/a", "null", "NULL", "NaN", "nan"]

    /// Derives the slots from training rows: a column whose every present value is a number is
    /// numeric, any other is a word field.
    public init(columns: [String], rows: [[String]]) {
        var slots: [Slot] = []
        for (index, column) in columns.enumerated() {
            var numbers: [Double] = []
            var numeric = true
            var counts: [String: Int] = [:]
            for row in rows {
                let text = row[index]
                if numeric && !Self.missingTexts.contains(text) {
                    if let value = Double(text), value.isFinite {
                        numbers.append(value)
                    } else {
                        numeric = false
                    }
                }
                if !text.isEmpty { counts[text, default: 0] += 1 }
            }
            if numeric && !numbers.isEmpty {
                numbers.sort()
                slots.append(Slot(field: column, kind: .number(fill: numbers[numbers.count / 2])))
            } else {
                let kept = counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
                    .prefix(Self.maximumCategories)
                    .map(\.key)
                    .sorted()
                for value in kept { slots.append(Slot(field: column, kind: .category(value))) }
            }
            if slots.count >= Self.maximumSlots { break }
        }
        self.slots = Array(slots.prefix(Self.maximumSlots))
    }

    /// The vector of a reading.
    public func vector(_ reading: TelemetryReading) -> [Double] {
        var vector = [Double](repeating: 0, count: slots.count)
        fill(&vector, from: reading)
        return vector
    }

    /// Writes the vector of a reading into `vector` (which has one element per slot).
    public func fill(_ vector: inout [Double], from reading: TelemetryReading) {
        for (index, slot) in slots.enumerated() {
            switch slot.kind {
            case .number(let fill):
                vector[index] = reading.numbers[slot.field] ?? fill
            case .category(let value):
                let word = reading.words[slot.field] ?? reading.numbers[slot.field].map(Self.text)
                vector[index] = word == value ? 1 : 0
            }
        }
    }

    /// The vector of a CSV row, whose fields are named by `columns`.
    public func vector(columns: [String], fields: [String]) -> [Double] {
        var reading = TelemetryReading(timestamp: 0)
        for (name, field) in zip(columns, fields) {
            if Self.missingTexts.contains(field) && field.isEmpty { continue }
            if let value = Double(field), value.isFinite {
                reading.numbers[name] = value
            } else if !Self.missingTexts.contains(field) {
                reading.words[name] = field
            }
        }
        return vector(reading)
    }

    /// A number as a category word: integers without a fraction.
    static func text(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }
}
