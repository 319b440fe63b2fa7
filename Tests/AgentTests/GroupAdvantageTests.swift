@testable import Agent
import Linalg
import SizerCore
import Testing

@Suite struct GroupAdvantageTests {
    @Test func standardizesWithinTheGroup() throws {
        // Given: mean 2.5, population std sqrt(1.25).
        let a = try #require(GroupAdvantage.advantages(rewards: [1, 2, 3, 4], epsilon: 0, zeroVarianceTolerance: 1e-12))
        let s = 1.25.squareRoot()
        let expected = [-1.5 / s, -0.5 / s, 0.5 / s, 1.5 / s]
        for (x, y) in zip(a, expected) { #expect(abs(x - y) < 1e-12) }
    }

    @Test func epsilonShrinksTheAdvantages() throws {
        let a = try #require(GroupAdvantage.advantages(rewards: [-1, 1], epsilon: 1, zeroVarianceTolerance: 1e-12))
        #expect(a == [-0.5, 0.5])
    }

    @Test func zeroVarianceAndSingletonGroupsCarryNoSignal() {
        #expect(GroupAdvantage.advantages(rewards: [-1.25, -1.25, -1.25], epsilon: 1e-4, zeroVarianceTolerance: 1e-9) == nil)
        #expect(GroupAdvantage.advantages(rewards: [0.3], epsilon: 1e-4, zeroVarianceTolerance: 1e-9) == nil)
    }

    @Test func updateSkipsZeroVarianceGroupsAndLeavesWeightsAlone() {
        // Given: one group where every simulation failed.
        var generator = SplitMix64(seed: 3)
        var policy = GaussianPolicy(shape: NetworkShape(inputCount: 2, hiddenSizes: [4], outputCount: 2),
                                    initialLogStd: -1, minLogStd: -3, maxLogStd: 0, using: &generator)
        let before = policy.parameters
        let sample = PolicySample(features: [0.1, 0.2], action: [0, 0], oldLogDensity: 0)
        let group = TurnGroup(samples: [sample, sample, sample], rewards: [-1.25, -1.25, -1.25])
        var adam = Adam(parameterCount: policy.parameterCount)
        // When
        let diagnostics = TurnGroupUpdate.apply(groups: [group], to: &policy, reference: policy, adam: &adam,
                                                config: TLGRPOConfig(), using: &generator)
        // Then
        #expect(diagnostics.skippedZeroVarianceGroups == 1)
        #expect(diagnostics.adamSteps == 0)
        #expect(policy.parameters == before)
        #expect(abs(diagnostics.groupRewardMean - -1.25) < 1e-12)
    }
}
