import Agent
import SizerCore
import Testing

@Suite struct RandomSearchTests {
    let task = OptimizerHarness.task(dimension: 3, budget: 20, groupSize: 4, seed: 11)

    @Test func aWholeRunIsALatinHypercube() throws {
        // Given a run that spends the budget in turns of 4
        let history = try OptimizerHarness.run(RandomSearch(), task: task) { $0.reduce(0, +) }
        let points = history.flatMap(\.candidates).map(\.x)
        // Then every one of the 20 strata of every dimension holds exactly one point
        #expect(points.count == 20)
        for dimension in 0..<3 {
            let strata = points.map { Int($0[dimension] * 20) }
            #expect(Set(strata) == Set(0..<20))
        }
    }

    @Test func proposalsAreDeterministicAndResumable() throws {
        let history = try OptimizerHarness.run(RandomSearch(), task: task) { $0[0] }
        for turn in 0..<history.count {
            // When a fresh optimizer resumes from the first `turn` turns of the logged history
            var generator = task.generator(turn: turn)
            let resumed = try RandomSearch().propose(task: task, history: Array(history[..<turn]),
                                                     count: task.groupSize, using: &generator)
            // Then it proposes what the original run evaluated
            #expect(resumed == history[turn].candidates.map(\.x))
        }
    }

    @Test func differentSeedsGiveDifferentDesigns() throws {
        var other = task
        other.seed = 12
        var a = task.generator(turn: 0), b = other.generator(turn: 0)
        let first = try RandomSearch().propose(task: task, history: [], count: 4, using: &a)
        let second = try RandomSearch().propose(task: other, history: [], count: 4, using: &b)
        #expect(first != second)
    }

    @Test func pastTheBudgetItDrawsUniformPointsInTheCube() throws {
        let full = try OptimizerHarness.run(RandomSearch(), task: task) { _ in 0 }
        var generator = task.generator(turn: full.count)
        let extra = try RandomSearch().propose(task: task, history: full, count: 3, using: &generator)
        #expect(extra.count == 3)
        #expect(extra.allSatisfy { $0.count == 3 && $0.allSatisfy { (0..<1).contains($0) } })
        #expect(Set(extra).isDisjoint(with: full.flatMap(\.candidates).map(\.x)))
    }
}
