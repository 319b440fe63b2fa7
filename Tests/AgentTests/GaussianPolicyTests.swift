@testable import Agent
import Foundation
import SizerCore
import Testing

@Suite struct GaussianPolicyTests {
    let shape = NetworkShape(inputCount: 5, hiddenSizes: [7, 6], outputCount: 3)
    let features = [0.3, -0.7, 0.1, 0.9, -0.2]
    let action = [0.15, -0.4, 0.3]

    /// A policy with output weights large enough that the mean depends visibly on every layer.
    func randomPolicy(seed: UInt64) -> GaussianPolicy {
        var generator = SplitMix64(seed: seed)
        var policy = GaussianPolicy(shape: shape, initialLogStd: -1, minLogStd: -3, maxLogStd: 0.5, using: &generator)
        for i in policy.parameters.indices { policy.parameters[i] = 2 * generator.nextUnit() - 1 }
        return policy
    }

    func withParameters(_ policy: GaussianPolicy, _ parameters: [Double]) -> GaussianPolicy {
        GaussianPolicy(shape: policy.shape, minLogStd: policy.minLogStd, maxLogStd: policy.maxLogStd, parameters: parameters)
    }

    /// Backpropagated gradient of a scalar of (mean, logStd) against central differences.
    func checkGradient(of scalar: (GaussianPolicy.Distribution) -> DiagonalGaussian.Derivative) -> Double {
        let policy = randomPolicy(seed: 11)
        let distribution = policy.distribution(features: features)
        let derivative = scalar(distribution)
        var analytic = [Double](repeating: 0, count: policy.parameterCount)
        policy.backward(distribution, meanGradient: derivative.meanGradient,
                        logStdGradient: derivative.logStdGradient, into: &analytic)
        let numeric = centralDifferences(policy.parameters) { p in
            scalar(withParameters(policy, p).distribution(features: features)).value
        }
        return maxRelativeError(analytic, numeric)
    }

    @Test func logDensityGradientMatchesFiniteDifferences() {
        let error = checkGradient { DiagonalGaussian.logDensity(of: action, mean: $0.mean, logStd: $0.logStd) }
        #expect(error < 1e-6)
    }

    @Test func klGradientMatchesFiniteDifferences() {
        let reference = randomPolicy(seed: 12).distribution(features: features)
        let error = checkGradient {
            DiagonalGaussian.klDivergence(mean: $0.mean, logStd: $0.logStd,
                                          referenceMean: reference.mean, referenceLogStd: reference.logStd)
        }
        #expect(error < 1e-6)
    }

    @Test func entropyGradientMatchesFiniteDifferences() {
        let error = checkGradient { DiagonalGaussian.entropy(logStd: $0.logStd) }
        #expect(error < 1e-6)
    }

    @Test func closedFormsMatchHandValues() {
        // N(0, 1) in one dimension at 0: log density -0.5 log(2 pi); entropy 0.5 (1 + log(2 pi)).
        let halfLogTwoPi = 0.5 * log(2 * Double.pi)
        #expect(abs(DiagonalGaussian.logDensity(of: [0], mean: [0], logStd: [0]).value + halfLogTwoPi) < 1e-12)
        #expect(abs(DiagonalGaussian.entropy(logStd: [0]).value - (0.5 + halfLogTwoPi)) < 1e-12)
        // KL(N(1, 1) || N(0, 1)) = 1/2; KL of a distribution to itself is 0.
        #expect(abs(DiagonalGaussian.klDivergence(mean: [1], logStd: [0], referenceMean: [0], referenceLogStd: [0]).value - 0.5) < 1e-12)
        #expect(abs(DiagonalGaussian.klDivergence(mean: [0.3, 2], logStd: [-1, 0.2], referenceMean: [0.3, 2], referenceLogStd: [-1, 0.2]).value) < 1e-12)
    }

    @Test func logStdStaysInsideItsBounds() {
        var policy = randomPolicy(seed: 5)
        for j in 0..<3 { policy.parameters[shape.parameterCount + j] = [-50.0, 0, 50][j] }
        let logStd = policy.distribution(features: features).logStd
        #expect(logStd.allSatisfy { $0 >= -3 && $0 <= 0.5 })
        #expect(abs(logStd[1] - (-3 + 3.5 / 2)) < 1e-12)
    }

    @Test func freshPolicyStartsNearAZeroStepWithTheInitialStd() {
        var generator = SplitMix64(seed: 2)
        let policy = GaussianPolicy(shape: shape, initialLogStd: log(0.2), minLogStd: log(0.005), maxLogStd: log(0.5),
                                    using: &generator)
        let distribution = policy.distribution(features: features)
        #expect(distribution.mean.allSatisfy { abs($0) < 0.05 })
        #expect(distribution.logStd.allSatisfy { abs($0 - log(0.2)) < 1e-12 })
    }

    @Test func samplesFollowTheDistribution() {
        var generator = SplitMix64(seed: 9)
        let draws = (0..<4000).map { _ in DiagonalGaussian.sample(mean: [1, -2], logStd: [log(0.5), 0], using: &generator) }
        let mean0 = draws.reduce(0) { $0 + $1[0] } / 4000
        let var1 = draws.reduce(0) { $0 + ($1[1] + 2) * ($1[1] + 2) } / 4000
        #expect(abs(mean0 - 1) < 0.05)
        #expect(abs(var1 - 1) < 0.1)
    }
}
