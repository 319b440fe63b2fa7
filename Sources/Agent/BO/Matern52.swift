import Foundation

/// The Matérn 5/2 correlation, as a function of the lengthscale-scaled distance r:
/// m(r) = (1 + √5 r + 5r²/3) exp(-√5 r). Twice differentiable, so smooth enough for circuit
/// responses without the squared exponential's overconfidence.
enum Matern52 {
    static let sqrt5 = 5.0.squareRoot()

    static func correlation(scaledDistance r: Double) -> Double {
        (1 + sqrt5 * r + 5 * r * r / 3) * exp(-sqrt5 * r)
    }

    /// ∂m/∂(log ℓₖ) = g(r) Δₖ²/ℓₖ² with g(r) = 5/3 (1 + √5 r) exp(-√5 r); this returns g(r).
    /// (∂m/∂r = -5/3 r (1 + √5 r) e^(-√5 r) and ∂r/∂log ℓₖ = -Δₖ²/(ℓₖ² r): the r cancels, so
    /// the derivative is finite at r = 0.)
    static func logLengthscaleFactor(scaledDistance r: Double) -> Double {
        5 * (1 + sqrt5 * r) * exp(-sqrt5 * r) / 3
    }

    /// r between two points whose coordinates are already divided by the lengthscales.
    @inline(__always)
    static func scaledDistance(_ a: UnsafeBufferPointer<Double>, _ aStart: Int,
                               _ b: UnsafeBufferPointer<Double>, _ bStart: Int, dimension: Int) -> Double {
        var sum = 0.0
        for k in 0..<dimension {
            let delta = a[aStart + k] - b[bStart + k]
            sum += delta * delta
        }
        return sum.squareRoot()
    }
}
