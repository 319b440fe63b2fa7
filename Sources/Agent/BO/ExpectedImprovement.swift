import Foundation

/// Expected improvement for maximization: EI = E[max(f - best - ξ, 0)] under a normal posterior
/// f ~ N(μ, σ²), which is σ h(z) with z = (μ - best - ξ)/σ and h(z) = φ(z) + z Φ(z).
public enum ExpectedImprovement {
    /// Below this z, h(z) = φ(z) + z Φ(z) loses too many digits to cancellation and, a little
    /// further, underflows; the asymptotic series takes over.
    static let asymptoticBelow = -30.0

    /// EI at a point with posterior `mean` and `variance`, over the incumbent `best`, demanding
    /// at least `margin` (ξ) of improvement. A (near) zero variance gives the sure improvement.
    public static func value(mean: Double, variance: Double, best: Double, margin: Double) -> Double {
        let improvement = mean - best - margin
        let sigma = max(variance, 0).squareRoot()
        guard sigma > 1e-12 * max(1, abs(improvement)) else { return max(improvement, 0) }
        let z = improvement / sigma
        if z < asymptoticBelow { return exp(logValue(mean: mean, variance: variance, best: best, margin: margin)) }
        return sigma * max(normalPDF(z) + z * normalCDF(z), 0)
    }

    /// log EI: finite (for σ > 0) even far below the incumbent, where EI itself underflows to 0,
    /// so candidates there can still be ranked.
    public static func logValue(mean: Double, variance: Double, best: Double, margin: Double) -> Double {
        let improvement = mean - best - margin
        let sigma = max(variance, 0).squareRoot()
        guard sigma > 1e-12 * max(1, abs(improvement)) else {
            return improvement > 0 ? log(improvement) : -.infinity
        }
        let z = improvement / sigma
        if z >= asymptoticBelow {
            let h = normalPDF(z) + z * normalCDF(z)
            return h > 0 ? log(sigma) + log(h) : -.infinity
        }
        // h(z) = φ(z) (1/z² - 3/z⁴ + 15/z⁶ - …) for z → -∞ (Mills' ratio expansion).
        let inverseSquare = 1 / (z * z)
        let series = inverseSquare * (1 - 3 * inverseSquare + 15 * inverseSquare * inverseSquare)
        return log(sigma) - 0.5 * z * z - 0.5 * log(2 * Double.pi) + log(series)
    }

    static func normalPDF(_ z: Double) -> Double { exp(-0.5 * z * z) / (2 * Double.pi).squareRoot() }

    /// Φ(z) = ½ erfc(-z/√2): accurate in the lower tail, unlike ½(1 + erf(z/√2)).
    static func normalCDF(_ z: Double) -> Double { 0.5 * erfc(-z / 2.0.squareRoot()) }
}
