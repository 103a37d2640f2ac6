/// Novelty of the recent shape of a series at one time scale, against a bounded memory of earlier shapes.
///
/// A context is `length` consecutive block means of `scale` observations each (the newest block ends at the newest
/// observation). Its raw novelty is the root-mean-square distance to the nearest remembered context that does not
/// overlap it, in units of the series range. That is normalised by the largest raw novelty of the preceding
/// `window` observations, so a result above 1 means the most novel shape in that window. Nothing is scored until
/// `minimumMemory` comparable contexts are remembered.
public struct UnivariateContextMemory: Sendable {
    /// Observations per block.
    public let scale: Int
    /// Blocks per context.
    public let length: Int
    /// Contexts remembered.
    public let capacity: Int
    /// Comparable contexts needed before anything is scored.
    public let minimumMemory: Int
    private var values: UnivariateRingBuffer
    private var contexts: [Double]
    private var stored = 0
    private var next = 0
    private var current: [Double]
    private var raws: UnivariateRingBuffer

    /// Creates a memory of `capacity` contexts of `length` blocks of `scale` observations, normalising novelty
    /// over `window` observations and scoring once `minimumMemory` contexts can be compared.
    public init(scale: Int, length: Int, capacity: Int, window: Int, minimumMemory: Int) {
        self.scale = max(scale, 1)
        self.length = max(length, 1)
        self.capacity = max(capacity, 1)
        self.minimumMemory = min(max(minimumMemory, 1), self.capacity)
        values = UnivariateRingBuffer(capacity: self.scale * self.length)
        contexts = [Double](repeating: 0, count: self.length * self.capacity)
        current = [Double](repeating: 0, count: self.length)
        raws = UnivariateRingBuffer(capacity: max(window, 2))
    }

    /// Adds `value` and returns the normalised novelty of the context it completes (0 while still learning);
    /// `range` is the current spread of the series.
    public mutating func update(_ value: Double, range: Double) -> Double {
        values.append(value)
        guard values.isFull else { return 0 }
        for block in 0..<length {
            var sum = 0.0
            for offset in 0..<scale { sum += values[age: (length - 1 - block) * scale + offset] }
            current[block] = sum / Double(scale)
        }
        // Contexts younger than one context span overlap the current one: skip them.
        let skip = scale * length
        let usable = max(stored - skip, 0)
        var best = Double.infinity
        for age in skip..<(skip + usable) {
            var position = next - 1 - age
            if position < 0 { position += capacity }
            let base = position * length
            var distance = 0.0
            for index in 0..<length {
                let delta = contexts[base + index] - current[index]
                distance += delta * delta
                if distance >= best { break }
            }
            if distance < best { best = distance }
        }
        let base = next * length
        for index in 0..<length { contexts[base + index] = current[index] }
        next = next + 1 == capacity ? 0 : next + 1
        stored = min(stored + 1, capacity)
        guard usable >= minimumMemory || usable == capacity - skip && usable > 0 else { return 0 }
        let raw = (best / Double(length)).squareRoot() / range
        var pastMax = 0.0
        for age in 0..<raws.count { pastMax = max(pastMax, raws[age: age]) }
        let enough = raws.count >= min(20, raws.capacity)
        raws.append(raw)
        return enough ? raw / max(pastMax, 1e-9) : 0
    }

    /// Bytes of heap storage held (fixed at creation).
    public var storageBytes: Int {
        values.storageBytes + raws.storageBytes + (contexts.count + current.count) * MemoryLayout<Double>.stride
    }
}
