import Agent
import Foundation
import SizerCore

/// Runs optimizers on known test functions the way the agent runs them on circuits: one turn at
/// a time, each with `task.generator(turn:)`, until the budget is spent.
enum OptimizerHarness {
    static func task(dimension: Int, budget: Int, groupSize: Int, seed: UInt64) -> SizingTask {
        let variables = (0..<dimension).map { SizingTask.Variable(name: "x\($0)", kind: .other) }
        return SizingTask(circuit: "test", variables: variables, specs: [], budget: budget,
                          groupSize: groupSize, seed: seed)
    }

    static func candidate(_ x: [Double], reward: Double) -> Candidate {
        Candidate(x: x, reward: reward, meetsAllSpecs: reward >= 1, margins: [], outcome: .ok)
    }

    /// The full history of a run that maximizes `objective`.
    static func run(_ optimizer: some Optimizer, task: SizingTask,
                    objective: ([Double]) -> Double) throws -> [TurnRecord] {
        var history: [TurnRecord] = []
        var used = 0
        while used < task.budget {
            let count = min(task.groupSize, task.budget - used)
            var generator = task.generator(turn: history.count)
            let designs = try optimizer.propose(task: task, history: history, count: count, using: &generator)
            let candidates = designs.map { candidate($0, reward: objective($0)) }
            history.append(TurnRecord(index: history.count, candidates: candidates))
            used += count
        }
        return history
    }

    static func bestReward(_ history: [TurnRecord]) -> Double {
        history.flatMap(\.candidates).map(\.reward).max() ?? -.infinity
    }
}

/// Test functions, scaled to the unit cube and negated so that larger is better.
enum TestFunctions {
    /// Negated Branin on [-5, 10] x [0, 15]; maximum -0.397887 at three points.
    static func negatedBranin(_ x: [Double]) -> Double {
        let x1 = -5 + 15 * x[0], x2 = 15 * x[1]
        let b = 5.1 / (4 * Double.pi * Double.pi), c = 5 / Double.pi, t = 1 / (8 * Double.pi)
        let term = x2 - b * x1 * x1 + c * x1 - 6
        return -(term * term + 10 * (1 - t) * cos(x1) + 10)
    }

    static let braninMaximum = -0.397887

    /// Hartmann-6 (already on [0, 1]^6), negated; maximum 3.32237.
    static func hartmann6(_ x: [Double]) -> Double {
        let alpha = [1.0, 1.2, 3.0, 3.2]
        let a: [[Double]] = [[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14],
                             [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]]
        let p: [[Double]] = [[0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886],
                             [0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991],
                             [0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650],
                             [0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381]]
        var sum = 0.0
        for i in 0..<4 {
            var inner = 0.0
            for j in 0..<6 { inner += a[i][j] * (x[j] - p[i][j]) * (x[j] - p[i][j]) }
            sum += alpha[i] * exp(-inner)
        }
        return sum
    }
}
