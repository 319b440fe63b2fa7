import Foundation
import SizerCore

/// Seeded, disjoint train and test sets of spec targets drawn from the spec file's ranges.
public struct TargetSplits: Sendable {
    public let train: [[SpecTarget]]
    public let test: [[SpecTarget]]

    public init(spec: CircuitSpec) {
        let splits = spec.splits ?? CircuitSpec.Splits(seed: 1, train: 200, test: 50)
        var generator = SplitMix64(seed: splits.seed)
        var all: [[SpecTarget]] = []
        for _ in 0..<(splits.train + splits.test) {
            all.append(spec.specs.map { entry in
                var target = entry.specTarget
                if let range = entry.range, range.count == 2 {
                    target.target = Self.draw(low: range[0], high: range[1], using: &generator)
                }
                return target
            })
        }
        // One sequence cut in two: the sets share no draw.
        train = Array(all.prefix(splits.train))
        test = Array(all.dropFirst(splits.train))
    }

    /// Log-uniform for positive ranges spanning more than a decade, uniform otherwise.
    static func draw(low: Double, high: Double, using generator: inout SplitMix64) -> Double {
        let u = generator.nextUnit()
        guard high > low else { return low }
        if low > 0 && high / low > 10 {
            return exp(log(low) + u * (log(high) - log(low)))
        }
        return low + u * (high - low)
    }
}
