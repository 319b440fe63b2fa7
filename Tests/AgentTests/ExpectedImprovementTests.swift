@testable import Agent
import Foundation
import Testing

@Suite struct ExpectedImprovementTests {
    @Test func matchesTheClosedFormAtAHandPoint() {
        // μ = best: EI = σ φ(0) = σ / √(2π)
        let ei = ExpectedImprovement.value(mean: 1, variance: 4, best: 1, margin: 0)
        #expect(abs(ei - 2 / (2 * Double.pi).squareRoot()) < 1e-12)
        #expect(abs(ExpectedImprovement.normalCDF(1.96) - 0.9750021) < 1e-6)
    }

    @Test func matchesNumericalIntegration() {
        // E[max(f - best - ξ, 0)] by a midpoint rule over f ~ N(0.3, 0.5²)
        let mean = 0.3, sigma = 0.5, best = 0.6, margin = 0.05
        var integral = 0.0
        let steps = 200_000, low = mean - 10 * sigma, width = 20 * sigma / Double(steps)
        for i in 0..<steps {
            let f = low + (Double(i) + 0.5) * width
            integral += max(f - best - margin, 0) * ExpectedImprovement.normalPDF((f - mean) / sigma) / sigma * width
        }
        let ei = ExpectedImprovement.value(mean: mean, variance: sigma * sigma, best: best, margin: margin)
        #expect(abs(ei - integral) < 1e-8)
    }

    @Test func zeroVarianceGivesTheSureImprovement() {
        #expect(ExpectedImprovement.value(mean: 2, variance: 0, best: 1, margin: 0.1) == 0.9)
        #expect(ExpectedImprovement.value(mean: 0.5, variance: 0, best: 1, margin: 0) == 0)
        #expect(ExpectedImprovement.logValue(mean: 0.5, variance: 0, best: 1, margin: 0) == -.infinity)
    }

    @Test func logValueStaysFiniteAndOrderedFarBelowTheIncumbent() {
        // z = -40 and -60: EI underflows, log EI must still rank the closer point higher
        let near = ExpectedImprovement.logValue(mean: -40, variance: 1, best: 0, margin: 0)
        let far = ExpectedImprovement.logValue(mean: -60, variance: 1, best: 0, margin: 0)
        #expect(near.isFinite && far.isFinite && near > far)
        // and join the direct formula without a jump: d log h/dz = Φ(z)/h(z) ≈ |z| near z = -30
        let justAbove = ExpectedImprovement.logValue(mean: -29.999, variance: 1, best: 0, margin: 0)
        let justBelow = ExpectedImprovement.logValue(mean: -30.001, variance: 1, best: 0, margin: 0)
        #expect(abs((justAbove - justBelow) - 0.002 * 30) < 1e-3)
        let direct = log(ExpectedImprovement.value(mean: -10, variance: 1, best: 0, margin: 0))
        #expect(abs(ExpectedImprovement.logValue(mean: -10, variance: 1, best: 0, margin: 0) - direct) < 1e-12)
    }
}
