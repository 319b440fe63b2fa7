import Linalg
import SizerCore

/// The samples of one group and the rewards that rank them.
///
/// TL-GRPO: one turn's G candidates, all drawn from the same history. Trajectory-level GRPO: a
/// task's G rollouts, every turn of a rollout scored by that rollout's best reward; each rollout
/// contributes the same number of turns, so the group's mean and standard deviation equal those
/// of the G rollout scores, and the advantage is the rollout's, broadcast to its turns.
public struct TurnGroup: Sendable {
    public var samples: [PolicySample]
    public var rewards: [Double]

    public init(samples: [PolicySample], rewards: [Double]) {
        precondition(samples.count == rewards.count)
        self.samples = samples
        self.rewards = rewards
    }
}

/// What one update did; logged every update.
public struct UpdateDiagnostics: Codable, Sendable, Hashable {
    public var groups = 0
    /// Groups with zero reward variance, left out of the update.
    public var skippedZeroVarianceGroups = 0
    /// Mean over groups of the group's mean reward.
    public var groupRewardMean = 0.0
    /// Mean over groups of the group's reward standard deviation.
    public var groupRewardStd = 0.0
    public var adamSteps = 0
    // Means over the Adam steps of the update:
    public var loss = 0.0
    public var approxKL = 0.0
    public var klToReference = 0.0
    public var clipFraction = 0.0
    public var entropy = 0.0
    /// Gradient norm before clipping.
    public var gradientNorm = 0.0
}

/// The clipped policy update over a batch of groups: advantages within each group, then
/// `epochs` passes of shuffled minibatches, each one clipped-surrogate gradient and one Adam step.
public enum TurnGroupUpdate {
    public static func apply(groups: [TurnGroup], to policy: inout GaussianPolicy, reference: GaussianPolicy,
                             adam: inout Adam, config: TLGRPOConfig,
                             using generator: inout SplitMix64) -> UpdateDiagnostics {
        var diagnostics = UpdateDiagnostics()
        diagnostics.groups = groups.count

        // 1. Group-relative advantages; zero-variance groups carry no signal.
        var samples: [PolicySample] = []
        var advantages: [Double] = []
        for group in groups {
            diagnostics.groupRewardMean += VectorMath.mean(group.rewards) / Double(max(groups.count, 1))
            diagnostics.groupRewardStd += VectorMath.standardDeviation(group.rewards) / Double(max(groups.count, 1))
            guard let groupAdvantages = GroupAdvantage.advantages(
                rewards: group.rewards, epsilon: config.advantageEpsilon,
                zeroVarianceTolerance: config.zeroVarianceTolerance) else {
                diagnostics.skippedZeroVarianceGroups += 1
                continue
            }
            samples += group.samples
            advantages += groupAdvantages
        }
        guard !samples.isEmpty else { return diagnostics }

        // 2. Clipped surrogate + KL + entropy, a few epochs of minibatch Adam steps.
        let surrogate = ClippedSurrogate(clipEpsilon: config.clipEpsilon, klCoefficient: config.klCoefficient,
                                         entropyCoefficient: config.entropyCoefficient)
        let references = samples.map { reference.distribution(features: $0.features) }
        let batchSize = max(1, config.minibatchSize)
        for _ in 0..<config.epochs {
            let order = shuffledIndices(samples.count, using: &generator)
            for start in stride(from: 0, to: order.count, by: batchSize) {
                let batch = order[start..<min(start + batchSize, order.count)]
                var step = surrogate.evaluate(policy: policy, references: batch.map { references[$0] },
                                              samples: batch.map { samples[$0] }, advantages: batch.map { advantages[$0] })
                let norm = VectorMath.clipNorm(&step.gradient, maxNorm: config.maxGradientNorm)
                adam.update(&policy.parameters, gradient: step.gradient)

                // Diagnostics (plumbing): running sums, averaged below.
                diagnostics.adamSteps += 1
                diagnostics.loss += step.loss
                diagnostics.approxKL += step.approxKL
                diagnostics.klToReference += step.klToReference
                diagnostics.clipFraction += step.clipFraction
                diagnostics.entropy += step.entropy
                diagnostics.gradientNorm += norm
            }
        }

        // 3. Diagnostics: means over the Adam steps.
        let steps = Double(max(diagnostics.adamSteps, 1))
        diagnostics.loss /= steps
        diagnostics.approxKL /= steps
        diagnostics.klToReference /= steps
        diagnostics.clipFraction /= steps
        diagnostics.entropy /= steps
        diagnostics.gradientNorm /= steps
        return diagnostics
    }

    /// Fisher-Yates written out, so the order depends only on the generator, not on the
    /// standard library's shuffle.
    static func shuffledIndices(_ count: Int, using generator: inout SplitMix64) -> [Int] {
        var indices = Array(0..<count)
        guard count > 1 else { return indices }
        for i in stride(from: count - 1, to: 0, by: -1) {
            let j = Int(generator.next() % UInt64(i + 1))
            indices.swapAt(i, j)
        }
        return indices
    }
}
