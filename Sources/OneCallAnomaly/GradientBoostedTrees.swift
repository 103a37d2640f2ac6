#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A binary classifier: gradient-boosted regression trees on the logistic loss. The trees are
/// grown level by level on histograms of each feature's values (at most 256 bins), so that training
/// costs rows × features per level.
public struct GradientBoostedTrees: Sendable, Hashable {
    /// How the trees are grown.
    public struct Parameters: Sendable, Hashable {
        /// The number of trees.
        public var rounds: Int
        /// The deepest a tree grows.
        public var maximumDepth: Int
        /// How much of each tree's output is kept.
        public var learningRate: Double
        /// L2 regularisation of leaf values.
        public var lambda: Double
        /// The fewest training rows a leaf may hold.
        public var minimumLeafRows: Int

        public init(
            rounds: Int = 100, maximumDepth: Int = 4, learningRate: Double = 0.1, lambda: Double = 1,
            minimumLeafRows: Int = 5
        ) {
            self.rounds = rounds
            self.maximumDepth = maximumDepth
            self.learningRate = learningRate
            self.lambda = lambda
            self.minimumLeafRows = minimumLeafRows
        }

        /// The ranges each parameter is allowed.
        public static let roundsRange = 1...2000
        public static let depthRange = 1...12
        public static let learningRateRange = 0.001...1.0
    }

    /// The log-odds before any tree.
    public var base: Double
    public var trees: [RegressionTree]

    public init(base: Double, trees: [RegressionTree]) {
        self.base = base
        self.trees = trees
    }

    /// The probability that a vector is of the positive class.
    public func probability(_ vector: [Double]) -> Double {
        var sum = base
        for tree in trees { sum += tree.evaluate(vector) }
        return 1 / (1 + exp(-sum))
    }

    /// Trains on vectors (rows of equal length) with labels; also returns each feature's total gain.
    public static func train(
        vectors: [[Double]], labels: [Bool], parameters: Parameters = Parameters()
    ) -> (model: GradientBoostedTrees, gain: [Double]) {
        let rows = vectors.count
        let features = vectors.first?.count ?? 0
        let positives = labels.lazy.filter { $0 }.count
        let prior = (Double(positives) + 0.5) / (Double(rows) + 1)
        let base = log(prior / (1 - prior))
        guard rows > 0, features > 0 else { return (GradientBoostedTrees(base: base, trees: []), []) }
        let binned = BinnedFeatures(vectors: vectors)
        var scores = [Double](repeating: base, count: rows)
        var gradients = [Double](repeating: 0, count: rows)
        var hessians = [Double](repeating: 0, count: rows)
        var gain = [Double](repeating: 0, count: features)
        var trees: [RegressionTree] = []
        for _ in 0..<parameters.rounds {
            for row in 0..<rows {
                let p = 1 / (1 + exp(-scores[row]))
                gradients[row] = p - (labels[row] ? 1 : 0)
                hessians[row] = max(p * (1 - p), 1e-12)
            }
            let tree = grow(
                binned: binned, gradients: gradients, hessians: hessians, parameters: parameters, gain: &gain)
            for row in 0..<rows { scores[row] += tree.evaluate(vectors[row]) }
            trees.append(tree)
        }
        return (GradientBoostedTrees(base: base, trees: trees), gain)
    }

    private static func grow(
        binned: BinnedFeatures, gradients: [Double], hessians: [Double], parameters: Parameters, gain: inout [Double]
    ) -> RegressionTree {
        var feature: [Int32] = []
        var threshold: [Double] = []
        var left: [Int32] = []
        var right: [Int32] = []
        var value: [Double] = []
        let lambda = parameters.lambda
        func addLeaf(_ rows: [Int]) -> Int {
            var g = 0.0
            var h = 0.0
            for row in rows {
                g += gradients[row]
                h += hessians[row]
            }
            feature.append(-1)
            threshold.append(0)
            left.append(-1)
            right.append(-1)
            value.append(-g / (h + lambda) * parameters.learningRate)
            return feature.count - 1
        }
        // Breadth first, so that children are always numbered after their parent.
        var level: [(node: Int, rows: [Int])] = [(addLeaf(Array(0..<binned.rows)), Array(0..<binned.rows))]
        for _ in 0..<parameters.maximumDepth {
            var next: [(node: Int, rows: [Int])] = []
            for (node, rows) in level where rows.count >= 2 * parameters.minimumLeafRows {
                guard
                    let split = binned.bestSplit(
                        rows: rows, gradients: gradients, hessians: hessians, lambda: lambda,
                        minimumLeafRows: parameters.minimumLeafRows)
                else { continue }
                var leftRows: [Int] = []
                var rightRows: [Int] = []
                for row in rows {
                    if binned.bin(row: row, feature: split.feature) <= split.bin {
                        leftRows.append(row)
                    } else {
                        rightRows.append(row)
                    }
                }
                gain[split.feature] += split.gain
                let leftNode = addLeaf(leftRows)
                let rightNode = addLeaf(rightRows)
                feature[node] = Int32(split.feature)
                threshold[node] = binned.cuts[split.feature][split.bin]
                left[node] = Int32(leftNode)
                right[node] = Int32(rightNode)
                value[node] = 0
                next.append((leftNode, leftRows))
                next.append((rightNode, rightRows))
            }
            if next.isEmpty { break }
            level = next
        }
        return RegressionTree(feature: feature, threshold: threshold, left: left, right: right, value: value)
    }
}

/// Training vectors reduced to bin numbers per feature, with the cut between neighbouring bins.
struct BinnedFeatures {
    let rows: Int
    let features: Int
    /// Row-major bin numbers.
    private let bins: [UInt8]
    /// `cuts[f][b]`: values up to it are in bin `b` or lower.
    let cuts: [[Double]]

    static let maximumBins = 256

    init(vectors: [[Double]]) {
        rows = vectors.count
        features = vectors.first?.count ?? 0
        var cuts: [[Double]] = []
        for feature in 0..<features {
            var values = vectors.map { $0[feature] }
            values.sort()
            var distinct: [Double] = []
            for value in values where distinct.last != value { distinct.append(value) }
            var featureCuts: [Double] = []
            if distinct.count <= Self.maximumBins {
                for index in 0..<max(0, distinct.count - 1) {
                    featureCuts.append((distinct[index] + distinct[index + 1]) / 2)
                }
            } else {
                // Quantile cuts, each between two distinct values.
                for quantile in 1..<Self.maximumBins {
                    let position = values.count * quantile / Self.maximumBins
                    let below = values[max(0, position - 1)]
                    let above = values[position]
                    let cut = below == above ? below : (below + above) / 2
                    if featureCuts.last.map({ cut > $0 }) ?? true { featureCuts.append(cut) }
                }
            }
            cuts.append(featureCuts)
        }
        var bins = [UInt8](repeating: 0, count: rows * features)
        for (row, vector) in vectors.enumerated() {
            for feature in 0..<features {
                bins[row * features + feature] = UInt8(Self.bin(vector[feature], cuts: cuts[feature]))
            }
        }
        self.cuts = cuts
        self.bins = bins
    }

    /// The first bin whose cut is at or above the value (the last bin when none is).
    static func bin(_ value: Double, cuts: [Double]) -> Int {
        var low = 0
        var high = cuts.count
        while low < high {
            let middle = (low + high) / 2
            if value <= cuts[middle] { high = middle } else { low = middle + 1 }
        }
        return low
    }

    func bin(row: Int, feature: Int) -> Int { Int(bins[row * features + feature]) }

    /// The split of `rows` with the largest gain, if one has positive gain and leaves enough rows on
    /// each side.
    func bestSplit(
        rows: [Int], gradients: [Double], hessians: [Double], lambda: Double, minimumLeafRows: Int
    ) -> (feature: Int, bin: Int, gain: Double)? {
        var totalG = 0.0
        var totalH = 0.0
        for row in rows {
            totalG += gradients[row]
            totalH += hessians[row]
        }
        let parentScore = totalG * totalG / (totalH + lambda)
        var best: (feature: Int, bin: Int, gain: Double)?
        var g = [Double](repeating: 0, count: Self.maximumBins)
        var h = [Double](repeating: 0, count: Self.maximumBins)
        var n = [Int](repeating: 0, count: Self.maximumBins)
        for feature in 0..<features where !cuts[feature].isEmpty {
            let binCount = cuts[feature].count + 1
            for index in 0..<binCount {
                g[index] = 0
                h[index] = 0
                n[index] = 0
            }
            for row in rows {
                let bin = Int(bins[row * features + feature])
                g[bin] += gradients[row]
                h[bin] += hessians[row]
                n[bin] += 1
            }
            var leftG = 0.0
            var leftH = 0.0
            var leftN = 0
            for bin in 0..<(binCount - 1) {
                leftG += g[bin]
                leftH += h[bin]
                leftN += n[bin]
                let rightN = rows.count - leftN
                guard leftN >= minimumLeafRows, rightN >= minimumLeafRows else { continue }
                let rightG = totalG - leftG
                let rightH = totalH - leftH
                let gain =
                    leftG * leftG / (leftH + lambda) + rightG * rightG / (rightH + lambda) - parentScore
                if gain > 1e-9 && gain > (best?.gain ?? 0) { best = (feature, bin, gain) }
            }
        }
        return best
    }
}
