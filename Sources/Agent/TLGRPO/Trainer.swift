import Foundation
import Linalg
import SizerCore

/// Trains a `GaussianPolicy` by turn-level GRPO (the method) or trajectory-level GRPO (the
/// baseline, `config.algorithm = .grpo`) against any `SizingEnvironment`, within a simulation
/// budget. Both spend `groupSize * turnsPerTask` simulations per task and share the network,
/// the feature map and the clipped update; only the grouping and the advantages differ.
///
/// Deterministic: the config's seed fixes the initial weights, the tasks, every sample and every
/// minibatch shuffle, whatever order the environment finishes its evaluations in.
public struct TLGRPOTrainer<Environment: SizingEnvironment>: Sendable {
    public let config: TLGRPOConfig
    public let environment: Environment
    public let features: HistoryFeatures
    public private(set) var policy: GaussianPolicy
    /// The frozen policy of the KL term, refreshed every `referenceRefreshUpdates` updates.
    public private(set) var reference: GaussianPolicy
    public private(set) var adam: Adam
    public private(set) var simulationsUsed = 0
    public private(set) var updates = 0
    private var generator: SplitMix64

    public init(config: TLGRPOConfig, environment: Environment) {
        precondition(config.groupSize >= 2 && config.turnsPerTask >= 1 && config.tasksPerUpdate >= 1)
        self.config = config
        self.environment = environment
        features = HistoryFeatures(dimension: environment.variables.count, specCount: environment.specCount,
                                   recentTurns: config.recentTurns, continuation: config.continuation,
                                   startPoint: config.startPoint)
        generator = SplitMix64(seed: config.seed)
        let shape = NetworkShape(inputCount: features.count, hiddenSizes: config.hiddenSizes,
                                 outputCount: features.dimension)
        policy = GaussianPolicy(shape: shape, initialLogStd: log(config.initialStd),
                                minLogStd: log(config.minStd), maxLogStd: log(config.maxStd), using: &generator)
        reference = policy
        adam = Adam(parameterCount: policy.parameterCount, learningRate: config.learningRate)
    }

    /// Simulations one update spends.
    public var simulationsPerUpdate: Int { config.tasksPerUpdate * config.groupSize * config.turnsPerTask }

    /// Runs updates until the next one would exceed `config.simulationBudget`; reports each.
    nonisolated(nonsending) public mutating func train(progress: (TrainingProgress) -> Void = { _ in }) async throws {
        while simulationsUsed + simulationsPerUpdate <= config.simulationBudget {
            progress(try await update())
        }
    }

    /// One update: roll out a batch of tasks with the current policy, then the clipped update.
    nonisolated(nonsending) public mutating func update() async throws -> TrainingProgress {
        let clock = ContinuousClock()
        let start = clock.now

        // 1. Sample tasks and roll them out (tasks run concurrently; results in task order).
        let tasks = (0..<config.tasksPerUpdate).map { _ in trainingTask() }
        let rollouts = try await rollOut(tasks)
        simulationsUsed += rollouts.reduce(0) { $0 + $1.simulations }

        // 2. Advantages within each group, clipped surrogate + KL + entropy, Adam.
        let diagnostics = TurnGroupUpdate.apply(groups: rollouts.flatMap(\.groups), to: &policy, reference: reference,
                                                adam: &adam, config: config, using: &generator)
        updates += 1
        if config.referenceRefreshUpdates > 0 && updates % config.referenceRefreshUpdates == 0 {
            reference = policy
        }

        // 3. Progress (plumbing).
        let seconds = (clock.now - start) / .seconds(1)
        let simulations = rollouts.reduce(0) { $0 + $1.simulations }
        return TrainingProgress(
            update: updates, simulationsUsed: simulationsUsed,
            meanBestReward: rollouts.reduce(0) { $0 + $1.bestReward } / Double(rollouts.count),
            successRate: Double(rollouts.filter(\.succeeded).count) / Double(rollouts.count),
            simulationsPerSecond: seconds > 0 ? Double(simulations) / seconds : 0,
            diagnostics: diagnostics)
    }

    /// The current policy as a checkpoint.
    public func checkpoint(metadata: [String: String] = [:]) -> PolicyCheckpoint {
        PolicyCheckpoint(algorithm: config.algorithm, circuit: environment.circuit, features: features,
                         policy: policy, config: config, simulationsUsed: simulationsUsed, seed: config.seed,
                         metadata: metadata)
    }

    /// A fresh task whose budget is one training rollout: T turns of G candidates (TL-GRPO), or
    /// T turns of one candidate (each trajectory-level rollout; the G rollouts share the targets).
    private mutating func trainingTask() -> SizingTask {
        var task = environment.sampleTask(using: &generator)
        let perTurn = config.algorithm == .tlgrpo ? config.groupSize : 1
        task.groupSize = perTurn
        task.budget = perTurn * config.turnsPerTask
        task.seed = generator.next()
        return task
    }
}
