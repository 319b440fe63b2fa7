import Foundation
import SizerCore

/// The draws the optimizers make, written out here so a seed gives the same designs on every
/// platform and Swift version (the standard library's random APIs promise no algorithm).
extension SplitMix64 {
    /// Uniform in 0..<bound (multiply-high; bias below 2^-50 for the sizes used here).
    mutating func uniformIndex(below bound: Int) -> Int {
        precondition(bound > 0)
        return Int(next().multipliedFullWidth(by: UInt64(bound)).high)
    }

    /// A point drawn uniformly from [0, 1)^dimension.
    mutating func uniformPoint(dimension: Int) -> [Double] {
        (0..<dimension).map { _ in nextUnit() }
    }

    /// A standard normal draw (Box-Muller; one of the pair is discarded to stay stateless).
    mutating func standardNormal() -> Double {
        let radius = (-2 * log(1 - nextUnit())).squareRoot()
        return radius * cos(2 * Double.pi * nextUnit())
    }
}
