import Agent
import Foundation
import SizerCore
import Testing

@Suite struct BayesianOptimizerTests {
    /// Mean over seeds 1...`seeds` of the best value each optimizer finds within the budget.
    func meanBest(_ optimizer: some Optimizer, seeds: Int, dimension: Int, budget: Int, groupSize: Int,
                  objective: ([Double]) -> Double) throws -> Double {
        var total = 0.0
        for seed in 1...seeds {
            let task = OptimizerHarness.task(dimension: dimension, budget: budget, groupSize: groupSize,
                                             seed: UInt64(seed))
            total += OptimizerHarness.bestReward(try OptimizerHarness.run(optimizer, task: task, objective: objective))
        }
        return total / Double(seeds)
    }

    @Test func findsTheBraninOptimumFasterThanRandomSearch() throws {
        // Given 5 seeds and 30 evaluations in turns of 5 on the negated Branin function (max -0.398)
        let bo = try meanBest(BayesianOptimizer(), seeds: 5, dimension: 2, budget: 30, groupSize: 5,
                              objective: TestFunctions.negatedBranin)
        let random = try meanBest(RandomSearch(), seeds: 5, dimension: 2, budget: 30, groupSize: 5,
                                  objective: TestFunctions.negatedBranin)
        // Then BO gets close to the optimum (measured: -0.50) and far ahead of random search (-1.39)
        #expect(bo > TestFunctions.braninMaximum - 0.3)
        #expect(bo > random + 0.5)
    }

    @Test func beatsRandomSearchOnHartmann6() throws {
        // Given 3 seeds and 40 evaluations in turns of 4 on Hartmann-6 (max 3.322)
        let bo = try meanBest(BayesianOptimizer(), seeds: 3, dimension: 6, budget: 40, groupSize: 4,
                              objective: TestFunctions.hartmann6)
        let random = try meanBest(RandomSearch(), seeds: 3, dimension: 6, budget: 40, groupSize: 4,
                                  objective: TestFunctions.hartmann6)
        // Then BO comes close to the optimum (measured: 3.25) and random search does not (1.51)
        #expect(bo > 2.8)
        #expect(bo > random + 1)
    }

    @Test func proposalsAreDeterministicAndResumable() throws {
        let task = OptimizerHarness.task(dimension: 2, budget: 20, groupSize: 4, seed: 3)
        let history = try OptimizerHarness.run(BayesianOptimizer(), task: task, objective: TestFunctions.negatedBranin)
        // When a fresh optimizer resumes from each prefix of the logged history
        for turn in 0..<history.count {
            var generator = task.generator(turn: turn)
            let resumed = try BayesianOptimizer().propose(task: task, history: Array(history[..<turn]),
                                                          count: task.groupSize, using: &generator)
            // Then it proposes exactly what the original run evaluated
            #expect(resumed == history[turn].candidates.map(\.x), "turn \(turn)")
        }
    }

    @Test func aTurnAcrossTheEndOfTheInitialDesignContinuesItThenAddsNewDesigns() throws {
        // Given a task whose initial design has 8 points, and a history of 6 evaluated designs
        let task = OptimizerHarness.task(dimension: 3, budget: 24, groupSize: 4, seed: 8)
        let optimizer = BayesianOptimizer()
        #expect(optimizer.initialDesignSize(for: task) == 8)
        var generator = task.generator(turn: 0)
        let design = try optimizer.propose(task: task, history: [], count: 8, using: &generator)
        let objective = { (x: [Double]) in -x.reduce(0) { $0 + ($1 - 0.3) * ($1 - 0.3) } }
        let evaluated = design.prefix(6).map { OptimizerHarness.candidate($0, reward: objective($0)) }
        let history = [TurnRecord(index: 0, candidates: evaluated)]
        // When the next turn asks for 4 designs
        generator = task.generator(turn: 1)
        let proposals = try optimizer.propose(task: task, history: history, count: 4, using: &generator)
        // Then the first two finish the Latin hypercube and all are new points in the cube
        #expect(proposals.count == 4)
        #expect(Array(proposals.prefix(2)) == Array(design[6..<8]))
        let all = design.prefix(6) + proposals
        #expect(all.allSatisfy { $0.count == 3 && $0.allSatisfy { (0...1).contains($0) } })
        for i in all.indices {
            for j in all.indices where j < i {
                let gap = zip(all[i], all[j]).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
                #expect(gap >= BOConfig().minimumDistance)
            }
        }
    }

    @Test(arguments: [(25, 8), (50, 16), (100, 16)])
    func initialDesignTakesAboutAThirdOfSmallBudgets(budget: Int, expected: Int) {
        let task = OptimizerHarness.task(dimension: 16, budget: budget, groupSize: 8, seed: 1)
        #expect(BayesianOptimizer().initialDesignSize(for: task) == expected)
    }

    @Test func configRoundTripsThroughJSON() throws {
        var config = BOConfig()
        config.explorationMargin = 0.05
        config.gp.starts = 2
        let decoded = try JSONDecoder().decode(BOConfig.self, from: JSONEncoder().encode(config))
        #expect(decoded == config)
        #expect(decoded != BOConfig())
    }
}
