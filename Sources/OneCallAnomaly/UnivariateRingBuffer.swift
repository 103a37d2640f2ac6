/// A fixed-capacity first-in-first-out window of numbers: appending to a full buffer drops the oldest.
public struct UnivariateRingBuffer: Sendable, Hashable {
    /// The most values the buffer holds.
    public let capacity: Int
    private var storage: [Double]
    private var start = 0
    /// How many values the buffer holds now (at most `capacity`).
    public private(set) var count = 0

    /// Creates an empty buffer holding at most `capacity` (at least 1) values.
    public init(capacity: Int) {
        self.capacity = max(capacity, 1)
        storage = [Double](repeating: 0, count: self.capacity)
    }

    /// Whether the buffer holds `capacity` values.
    public var isFull: Bool { count == capacity }

    /// The value `age` steps back from the newest (`age` 0 is the newest), which must be below `count`.
    public subscript(age age: Int) -> Double {
        precondition(age >= 0 && age < count, "age out of range")
        var index = start + count - 1 - age
        if index >= capacity { index -= capacity }
        return storage[index]
    }

    /// Appends `value`, returning the value dropped to make room, if any.
    @discardableResult
    public mutating func append(_ value: Double) -> Double? {
        if count < capacity {
            var index = start + count
            if index >= capacity { index -= capacity }
            storage[index] = value
            count += 1
            return nil
        }
        let dropped = storage[start]
        storage[start] = value
        start += 1
        if start == capacity { start = 0 }
        return dropped
    }

    /// The values held, oldest first.
    public var values: [Double] {
        (0..<count).map { self[age: count - 1 - $0] }
    }

    /// Bytes of heap storage the buffer holds (fixed at creation).
    public var storageBytes: Int { capacity * MemoryLayout<Double>.stride }
}
