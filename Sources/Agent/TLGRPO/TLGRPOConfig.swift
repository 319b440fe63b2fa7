/// Which credit assignment trains the policy; inference is the same for both.
public enum TrainingAlgorithm: String, Codable, Sendable, CaseIterable {
    /// Turn-level GRPO: G candidates per turn from one shared history, advantages within the turn.
    case tlgrpo
    /// Trajectory-level GRPO: G rollouts of T turns with one candidate each, one advantage per
    /// rollout (from its best reward) broadcast to all its turns.
    case grpo
}

/// TL-GRPO (and trajectory-level GRPO) settings, stored with every job and checkpoint.
/// Defaults are the reported run: the synthetic environment, 30,000 training simulations, seed 1
/// (held-out mean best reward 0.71 untrained -> 1.26 trained, success 50 % -> 85 %).
public struct TLGRPOConfig: Codable, Sendable, Hashable {
    // MARK: - Algorithm

    /// Turn-level (the method) or trajectory-level (the baseline) credit assignment.
    public var algorithm: TrainingAlgorithm = .tlgrpo
    /// Candidates sampled per turn from the same history (G); for `grpo`, rollouts per task.
    public var groupSize = 8
    /// Turns per task during training (T); every task costs `groupSize * turnsPerTask` simulations.
    public var turnsPerTask = 6
    /// Tasks whose turn groups are batched into one update.
    public var tasksPerUpdate = 4
    /// Which candidate of a turn carries the history forward.
    public var continuation: ContinuationRule = .bestOfGroup
    /// Passes over the batch per update (PPO epochs).
    public var epochs = 4
    /// Samples per Adam step; the batch is shuffled into minibatches of this size each epoch.
    public var minibatchSize = 64
    /// Clip range on the probability ratio pi / pi_old.
    public var clipEpsilon = 0.2
    /// Weight of KL(pi || pi_ref) in the loss (closed form for diagonal Gaussians).
    public var klCoefficient = 0.01
    /// Every this many updates the reference policy becomes a copy of the current one (0: never).
    public var referenceRefreshUpdates = 10
    /// Weight of the entropy bonus.
    public var entropyCoefficient = 0.0
    /// Added to the group's reward standard deviation in the advantage denominator.
    public var advantageEpsilon = 1e-4
    /// A group whose reward standard deviation is at most this carries no signal and is skipped.
    public var zeroVarianceTolerance = 1e-9

    // MARK: - Optimizer

    /// Adam step size. 3e-3 learned faster on the synthetic task (1.29 vs 1.26 at 30,000
    /// simulations); 1e-3 is kept until a simulated circuit confirms it is stable there.
    public var learningRate = 1e-3
    /// Gradient norm clip (global, before each Adam step).
    public var maxGradientNorm = 1.0

    // MARK: - Network and features

    /// Widths of the tanh hidden layers.
    public var hiddenSizes = [64, 64]
    /// Turns of history shown to the policy besides the best-so-far.
    public var recentTurns = 3
    /// Base of the first step in every coordinate (the centre of the design box).
    public var startPoint = 0.5
    /// Standard deviation of the untrained policy's steps, in design units.
    public var initialStd = 0.2
    /// Lower bound of the learned standard deviation.
    public var minStd = 0.005
    /// Upper bound of the learned standard deviation.
    public var maxStd = 0.5

    // MARK: - Run

    /// Simulations the training run may spend (every candidate of every turn counts).
    public var simulationBudget = 30_000
    /// Seeds the initial weights, the task draws, every sample and the minibatch shuffles.
    public var seed: UInt64 = 1

    public init() {}
}
