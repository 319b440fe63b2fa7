import SizerCore

/// A trained policy as an `Optimizer`: each turn draws `count` steps from pi(.|h_t) around the
/// best-so-far design. Inference is the same whichever algorithm trained the checkpoint.
///
/// Pure in (task, history, generator): the history is read only through `HistoryFeatures`, and
/// all randomness comes from the generator passed in.
public struct PolicyOptimizer: Optimizer {
    public let checkpoint: PolicyCheckpoint
    /// If set, the first candidate of every turn is the policy mean (a deterministic exploit
    /// move; the others explore). Off by default, which is how training samples.
    public let meanFirst: Bool
    private let policy: GaussianPolicy

    public var name: String { checkpoint.algorithm.rawValue }

    public init(checkpoint: PolicyCheckpoint, meanFirst: Bool = false) throws {
        self.checkpoint = checkpoint
        self.meanFirst = meanFirst
        policy = try checkpoint.policy()
    }

    public func propose(task: SizingTask, history: [TurnRecord], count: Int,
                        using generator: inout SplitMix64) throws -> [[Double]] {
        let features = checkpoint.features
        guard task.dimension == features.dimension, task.specs.count == features.specCount else {
            throw PolicyError(kind: .taskMismatch,
                              detail: "policy for \(checkpoint.circuit) (d=\(features.dimension), m=\(features.specCount)); task \(task.circuit) (d=\(task.dimension), m=\(task.specs.count))")
        }
        return StepProposal(policy: policy, features: features, task: task, history: history, count: count,
                            meanFirst: meanFirst, using: &generator).designs
    }
}
