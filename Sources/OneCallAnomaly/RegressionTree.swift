/// A binary regression tree stored as parallel arrays: node `i` is a leaf when `feature[i]` is -1,
/// else it sends a vector left when `vector[feature[i]] <= threshold[i]`. Children always come
/// after their parent, so a walk from the root ends.
public struct RegressionTree: Sendable, Hashable {
    public var feature: [Int32]
    public var threshold: [Double]
    public var left: [Int32]
    public var right: [Int32]
    /// A leaf's output (0 for inner nodes).
    public var value: [Double]

    public init(feature: [Int32], threshold: [Double], left: [Int32], right: [Int32], value: [Double]) {
        self.feature = feature
        self.threshold = threshold
        self.left = left
        self.right = right
        self.value = value
    }

    /// The number of nodes.
    public var count: Int { feature.count }

    /// The leaf value for a vector.
    @inlinable
    public func evaluate(_ vector: [Double]) -> Double {
        var node = 0
        while true {
            let index = Int(feature[node])
            if index < 0 { return value[node] }
            node = Int(vector[index] <= threshold[node] ? left[node] : right[node])
        }
    }

    /// Checks that the arrays agree, every child follows its parent, every feature is below
    /// `featureCount` and every number is finite.
    func validate(featureCount: Int) -> String? {
        let count = feature.count
        guard count > 0, threshold.count == count, left.count == count, right.count == count, value.count == count
        else { return "arrays of different lengths" }
        for node in 0..<count {
            guard threshold[node].isFinite || feature[node] < 0, value[node].isFinite else {
                return "node \(node) holds a number that is not finite"
            }
            if feature[node] < 0 { continue }
            guard Int(feature[node]) < featureCount else { return "node \(node) reads feature \(feature[node])" }
            for child in [left[node], right[node]] {
                guard Int(child) > node, Int(child) < count else {
                    return "node \(node) has child \(child), which is not a later node"
                }
            }
        }
        return nil
    }
}
