@testable import Agent
import Foundation
import SizerCore
import Testing

@Suite struct ClippedSurrogateTests {
    @Test(arguments: [
        (1.5, 2.0, 2.4),    // positive advantage, ratio above 1 + eps: clipped
        (0.5, -1.0, -0.8),  // negative advantage, ratio below 1 - eps: clipped
        (1.5, -1.0, -1.5),  // negative advantage, ratio above: the pessimistic unclipped term
        (0.9, 1.0, 0.9),    // inside the trust region: unclipped
    ])
    func clippedObjectiveOnHandExamples(ratio: Double, advantage: Double, expected: Double) {
        #expect(abs(ClippedSurrogate.clippedObjective(ratio: ratio, advantage: advantage, epsilon: 0.2) - expected) < 1e-12)
    }

    /// All weights zero: mean 0 and log-std at the middle of [-2, 0], i.e. -1, for every input.
    func flatPolicy() -> GaussianPolicy {
        let shape = NetworkShape(inputCount: 2, hiddenSizes: [3], outputCount: 2)
        return GaussianPolicy(shape: shape, minLogStd: -2, maxLogStd: 0,
                              parameters: [Double](repeating: 0, count: shape.parameterCount + 2))
    }

    @Test func lossOnAHandComputedBatch() {
        // Given: two samples with ratios 1.5 and 1.5, advantages +2 and -1.
        let policy = flatPolicy()
        let action = [0.1, -0.2]
        let logDensity = DiagonalGaussian.logDensity(of: action, mean: [0, 0], logStd: [-1, -1]).value
        let old = logDensity - log(1.5)
        let samples = [PolicySample(features: [1, 0], action: action, oldLogDensity: old),
                       PolicySample(features: [0, 1], action: action, oldLogDensity: old)]
        let surrogate = ClippedSurrogate(clipEpsilon: 0.2, klCoefficient: 0.5, entropyCoefficient: 0.1)
        // When
        let result = surrogate.evaluate(policy: policy, references: samples.map { policy.distribution(features: $0.features) },
                                         samples: samples, advantages: [2, -1])
        // Then: objective mean (2.4 - 1.5) / 2; KL to itself 0; entropy 2 (-1 + 0.5 (1 + log 2 pi)).
        let entropy = 2 * (-1 + 0.5 * (1 + log(2 * Double.pi)))
        #expect(abs(result.loss - (-0.45 - 0.1 * entropy)) < 1e-12)
        #expect(abs(result.entropy - entropy) < 1e-12)
        #expect(abs(result.klToReference) < 1e-12)
        #expect(result.clipFraction == 1)
        #expect(abs(result.approxKL - (0.5 - log(1.5))) < 1e-12)
    }

    @Test func fullLossGradientMatchesFiniteDifferences() {
        // Given: an old policy that sampled the actions, a moved current policy, a third as reference.
        var generator = SplitMix64(seed: 21)
        let shape = NetworkShape(inputCount: 4, hiddenSizes: [6, 5], outputCount: 3)
        func make() -> GaussianPolicy {
            var p = GaussianPolicy(shape: shape, initialLogStd: -1, minLogStd: -3, maxLogStd: 0, using: &generator)
            for i in p.parameters.indices { p.parameters[i] = 2 * generator.nextUnit() - 1 }
            return p
        }
        let old = make(), reference = make()
        var current = old
        for i in current.parameters.indices { current.parameters[i] += 0.15 * (2 * generator.nextUnit() - 1) }
        var samples: [PolicySample] = []
        var advantages: [Double] = []
        for k in 0..<12 {
            let features = (0..<4).map { _ in 2 * generator.nextUnit() - 1 }
            let d = old.distribution(features: features)
            let action = DiagonalGaussian.sample(mean: d.mean, logStd: d.logStd, using: &generator)
            let oldLog = DiagonalGaussian.logDensity(of: action, mean: d.mean, logStd: d.logStd).value
            samples.append(PolicySample(features: features, action: action, oldLogDensity: oldLog))
            advantages.append(k % 2 == 0 ? 1.3 : -0.8)
        }
        let surrogate = ClippedSurrogate(clipEpsilon: 0.2, klCoefficient: 0.3, entropyCoefficient: 0.05)
        let references = samples.map { reference.distribution(features: $0.features) }
        // When
        let result = surrogate.evaluate(policy: current, references: references, samples: samples, advantages: advantages)
        let numeric = centralDifferences(current.parameters) { p in
            let moved = GaussianPolicy(shape: shape, minLogStd: -3, maxLogStd: 0, parameters: p)
            return surrogate.evaluate(policy: moved, references: references, samples: samples, advantages: advantages).loss
        }
        // Then: both branches of the clip are exercised, and the gradient is exact.
        #expect(result.clipFraction > 0 && result.clipFraction < 1)
        #expect(maxRelativeError(result.gradient, numeric) < 1e-6)
    }
}
