import SizerCore

/// One task's rollouts: the groups they contribute to the update and the task's outcome.
struct TaskRollout: Sendable {
    var groups: [TurnGroup]
    var bestReward: Double
    var succeeded: Bool
    var simulations: Int
}

extension TLGRPOTrainer {
    /// Rolls out every task with the current policy, concurrently; results in task order.
    func rollOut(_ tasks: [SizingTask]) async throws -> [TaskRollout] {
        let policy = self.policy, features = self.features, environment = self.environment, config = self.config
        return try await withThrowingTaskGroup(of: (Int, TaskRollout).self) { group in
            for (index, task) in tasks.enumerated() {
                group.addTask {
                    switch config.algorithm {
                    case .tlgrpo:
                        return (index, try await Self.turnLevelRollout(task, policy: policy, features: features,
                                                                       environment: environment, config: config))
                    case .grpo:
                        return (index, try await Self.trajectoryLevelRollouts(task, policy: policy, features: features,
                                                                              environment: environment, config: config))
                    }
                }
            }
            var results: [(Int, TaskRollout)] = []
            for try await result in group { results.append(result) }
            return results.sorted { $0.0 < $1.0 }.map(\.1)
        }
    }

    /// TL-GRPO: at each turn, G candidates from pi(.|h_t), all evaluated; the turn is one group.
    /// The history keeps every candidate; the feature map applies the continuation rule.
    static func turnLevelRollout(_ task: SizingTask, policy: GaussianPolicy, features: HistoryFeatures,
                                 environment: Environment, config: TLGRPOConfig) async throws -> TaskRollout {
        var history: [TurnRecord] = []
        var groups: [TurnGroup] = []
        for turn in 0..<config.turnsPerTask {
            var generator = task.generator(turn: turn)
            let proposal = StepProposal(policy: policy, features: features, task: task, history: history,
                                        count: config.groupSize, using: &generator)
            let candidates = try await environment.evaluate(task: task, designs: proposal.designs)
            groups.append(TurnGroup(samples: samples(of: proposal), rewards: candidates.map(\.reward)))
            history.append(TurnRecord(index: turn, candidates: candidates))
        }
        return summary(groups: groups, histories: [history])
    }

    /// Trajectory-level GRPO: G rollouts of T turns, one candidate per turn, each from its own
    /// history; every turn of a rollout is scored by the rollout's best reward, and the task's
    /// G rollouts form one group.
    static func trajectoryLevelRollouts(_ task: SizingTask, policy: GaussianPolicy, features: HistoryFeatures,
                                       environment: Environment, config: TLGRPOConfig) async throws -> TaskRollout {
        var seeds = SplitMix64(seed: task.seed)
        var samples: [PolicySample] = []
        var scores: [Double] = []
        var histories: [[TurnRecord]] = []
        for _ in 0..<config.groupSize {
            var rolloutTask = task
            rolloutTask.seed = seeds.next()
            var history: [TurnRecord] = []
            var rolloutSamples: [PolicySample] = []
            for turn in 0..<config.turnsPerTask {
                var generator = rolloutTask.generator(turn: turn)
                let proposal = StepProposal(policy: policy, features: features, task: rolloutTask, history: history,
                                            count: 1, using: &generator)
                let candidates = try await environment.evaluate(task: rolloutTask, designs: proposal.designs)
                rolloutSamples += Self.samples(of: proposal)
                history.append(TurnRecord(index: turn, candidates: candidates))
            }
            let best = history.flatMap(\.candidates).map(\.reward).max() ?? Reward.invalidFloor
            samples += rolloutSamples
            scores += [Double](repeating: best, count: rolloutSamples.count)
            histories.append(history)
        }
        return summary(groups: [TurnGroup(samples: samples, rewards: scores)], histories: histories)
    }

    private static func samples(of proposal: StepProposal) -> [PolicySample] {
        zip(proposal.actions, proposal.logDensities).map {
            PolicySample(features: proposal.features, action: $0, oldLogDensity: $1)
        }
    }

    private static func summary(groups: [TurnGroup], histories: [[TurnRecord]]) -> TaskRollout {
        let candidates = histories.flatMap { $0.flatMap(\.candidates) }
        return TaskRollout(groups: groups, bestReward: candidates.map(\.reward).max() ?? Reward.invalidFloor,
                           succeeded: candidates.contains(where: \.meetsAllSpecs), simulations: candidates.count)
    }
}
