import SizerCore

/// Latin hypercube sampling in [0, 1]^d: each of the `count` equal strata of every dimension
/// holds exactly one point, so even a small design covers each variable's whole range.
public enum LatinHypercube {
    /// `count` points in [0, 1]^`dimension`, in random order.
    ///
    /// Uses only `generator` (its own Fisher-Yates, not the standard library's shuffle, whose
    /// algorithm is not promised to stay the same), so a seed gives the same design everywhere.
    public static func sample(count: Int, dimension: Int, using generator: inout SplitMix64) -> [[Double]] {
        precondition(count >= 0 && dimension >= 0)
        var points = [[Double]](repeating: [Double](repeating: 0, count: dimension), count: count)
        guard count > 0 else { return points }
        let width = 1 / Double(count)
        for column in 0..<dimension {
            var strata = Array(0..<count)
            for i in stride(from: count - 1, to: 0, by: -1) {
                strata.swapAt(i, generator.uniformIndex(below: i + 1))
            }
            for row in 0..<count {
                points[row][column] = (Double(strata[row]) + generator.nextUnit()) * width
            }
        }
        return points
    }
}
