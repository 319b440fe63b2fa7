import Linalg
import SizerCore

/// Runs any `Optimizer` on one task of an environment until the task's budget is spent, turn by
/// turn with `task.generator(turn:)`, as the agent does against the daemon. For held-out
/// evaluation of trained policies and for comparing optimizers at equal simulation counts.
public enum OptimizerRun {
    public static func history(of optimizer: some Optimizer, on task: SizingTask,
                               environment: some SizingEnvironment) async throws -> [TurnRecord] {
        var history: [TurnRecord] = []
        var used = 0
        while used < task.budget {
            let count = min(task.groupSize, task.budget - used)
            var generator = task.generator(turn: history.count)
            let designs = try optimizer.propose(task: task, history: history, count: count, using: &generator)
            let candidates = try await environment.evaluate(task: task, designs: designs)
            used += candidates.count
            history.append(TurnRecord(index: history.count, candidates: candidates))
        }
        return history
    }

    /// Mean best reward and success rate of `optimizer` over `tasks`.
    public static func score(of optimizer: some Optimizer, on tasks: [SizingTask],
                             environment: some SizingEnvironment) async throws -> (meanBestReward: Double, successRate: Double) {
        var best: [Double] = []
        var successes = 0
        for task in tasks {
            let candidates = try await history(of: optimizer, on: task, environment: environment).flatMap(\.candidates)
            best.append(candidates.map(\.reward).max() ?? Reward.invalidFloor)
            successes += candidates.contains(where: \.meetsAllSpecs) ? 1 : 0
        }
        return (VectorMath.mean(best), Double(successes) / Double(max(tasks.count, 1)))
    }
}
