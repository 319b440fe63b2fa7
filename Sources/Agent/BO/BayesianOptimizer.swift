import Foundation
import SizerCore

/// Bayesian optimization: a Latin hypercube first, then in every turn a GP fitted to all
/// rewards so far and the batch that maximizes expected improvement, chosen one at a time
/// with the kriging believer (each chosen design is added to the GP at its posterior mean,
/// hyperparameters unchanged, so the next choice looks elsewhere).
///
/// Pure in (task, history, generator): the initial design comes from
/// `task.generator(turn: BayesianOptimizer.designTurn)`, every later draw (GP restarts,
/// candidates, refinement) from the per-turn generator.
public struct BayesianOptimizer: Optimizer {
    /// The pseudo-turn whose generator draws the initial design (random search uses -1).
    public static let designTurn = -2

    public let name = "bo"
    public var config: BOConfig

    public init(config: BOConfig = BOConfig()) {
        self.config = config
    }

    /// Points in the initial Latin hypercube for `task` (see `BOConfig.initialDesignTurns`).
    public func initialDesignSize(for task: SizingTask) -> Int {
        let groupSize = max(task.groupSize, 1)
        let wanted = max(task.dimension + 1, config.initialDesignTurns * groupSize)
        let cap = Int(Double(task.budget) * config.initialDesignBudgetFraction)
        let wholeTurns = max(min(wanted, cap) / groupSize, 1) * groupSize
        return max(0, min(max(wholeTurns, 2), task.budget))
    }

    public func propose(task: SizingTask, history: [TurnRecord], count: Int,
                        using generator: inout SplitMix64) throws -> [[Double]] {
        let d = task.dimension
        let evaluated = history.flatMap(\.candidates)
        guard count > 0 else { return [] }

        // Initial design: the next unused slice of one seeded Latin hypercube.
        let initialSize = initialDesignSize(for: task)
        var proposals: [[Double]] = []
        if evaluated.count < initialSize {
            var designGenerator = task.generator(turn: Self.designTurn)
            let design = LatinHypercube.sample(count: initialSize, dimension: d, using: &designGenerator)
            proposals = Array(design[evaluated.count..<min(initialSize, evaluated.count + count)])
        }
        if proposals.count == count { return proposals }

        // Data: every evaluated design of the right shape with a finite reward.
        let data = evaluated.filter { $0.x.count == d && $0.reward.isFinite && $0.x.allSatisfy(\.isFinite) }
        guard d > 0, data.count >= 2,
              var gp = try? GaussianProcess.fit(inputs: data.map(\.x), outputs: data.map(\.reward),
                                                config: config.gp, using: &generator) else {
            // Too little data for a GP (or none could be fitted): fill the turn uniformly.
            while proposals.count < count { proposals.append(generator.uniformPoint(dimension: d)) }
            return proposals
        }

        // Kriging believer: designs already chosen this turn count as observed at their mean
        // (if conditioning fails, the duplicate check below still keeps the batch apart).
        var best = data.map(\.reward).max()!
        func believe(_ x: [Double]) {
            let believed = gp.predict(x).mean
            gp = (try? gp.conditioned(on: x, observation: believed)) ?? gp
            best = max(best, believed)
        }
        proposals.forEach(believe)

        // Candidates for this turn: space-filling plus local perturbations of the best designs.
        let candidates = candidatePool(data: data, dimension: d, using: &generator)
        var taken = data.map(\.x) + proposals
        while proposals.count < count {
            let current = gp, incumbent = best, margin = config.explorationMargin * gp.outputScale
            let acquisition = { (x: [Double]) -> Double in
                let posterior = current.predict(x)
                return ExpectedImprovement.logValue(mean: posterior.mean, variance: posterior.variance,
                                                    best: incumbent, margin: margin)
            }
            let choice = maximize(acquisition, over: candidates, avoiding: taken, using: &generator)
                ?? generator.uniformPoint(dimension: d)
            believe(choice)
            proposals.append(choice)
            taken.append(choice)
        }
        return proposals
    }
}
