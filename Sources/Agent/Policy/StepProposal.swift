import SizerCore

/// One turn's draws from pi(.|h_t): the features, the base design, the raw actions (steps) with
/// their log-densities, and the designs they become.
///
/// Training and inference both sample through `init(policy:features:task:history:count:...)`, so
/// what the optimizer proposes is exactly what the trainer optimized.
public struct StepProposal: Sendable {
    public let features: [Double]
    /// The best-so-far design (or the start point) the steps are taken from.
    public let base: [Double]
    /// Raw Gaussian draws; the log-density is of these, before clamping.
    public let actions: [[Double]]
    public let logDensities: [Double]
    /// `clamp(base + action, 0, 1)`.
    public let designs: [[Double]]

    /// Samples `count` steps. With `meanFirst`, the first action is the distribution's mean
    /// (a deterministic exploit candidate) and consumes no randomness.
    public init(policy: GaussianPolicy, features featureMap: HistoryFeatures, task: SizingTask,
                history: [TurnRecord], count: Int, meanFirst: Bool = false, using generator: inout SplitMix64) {
        precondition(count >= 0)
        let phi = featureMap.features(task: task, history: history)
        let distribution = policy.distribution(features: phi)
        let base = featureMap.base(for: history)
        var actions: [[Double]] = []
        for index in 0..<count {
            if meanFirst && index == 0 {
                actions.append(distribution.mean)
            } else {
                actions.append(DiagonalGaussian.sample(mean: distribution.mean, logStd: distribution.logStd, using: &generator))
            }
        }
        features = phi
        self.base = base
        self.actions = actions
        logDensities = actions.map {
            DiagonalGaussian.logDensity(of: $0, mean: distribution.mean, logStd: distribution.logStd).value
        }
        designs = actions.map { action in zip(base, action).map { min(1, max(0, $0 + $1)) } }
    }
}
