import Agent
import Foundation
import SizerCore
import Testing

@Suite struct PolicyOptimizerTests {
    let environment = SyntheticSizingEnvironment()

    func checkpoint(algorithm: TrainingAlgorithm = .tlgrpo) -> PolicyCheckpoint {
        var config = TLGRPOConfig()
        config.algorithm = algorithm
        config.hiddenSizes = [16]
        return TLGRPOTrainer(config: config, environment: environment).checkpoint(metadata: ["note": "untrained"])
    }

    func someHistory(_ task: SizingTask) async throws -> [TurnRecord] {
        let designs = [[0.2, 0.3, 0.4, 0.5, 0.6, 0.7], [0.6, 0.1, 0.5, 0.5, 0.9, 0.1]]
        return [TurnRecord(index: 0, candidates: try await environment.evaluate(task: task, designs: designs))]
    }

    @Test func sameTaskHistoryAndGeneratorGiveTheSameProposals() async throws {
        let optimizer = try PolicyOptimizer(checkpoint: checkpoint())
        let task = environment.task(positions: [0.3, 0.6, 0.2], budget: 16, groupSize: 4, seed: 8)
        let history = try await someHistory(task)
        var g1 = task.generator(turn: 1), g2 = task.generator(turn: 1), g3 = task.generator(turn: 2)
        let a = try optimizer.propose(task: task, history: history, count: 4, using: &g1)
        let b = try optimizer.propose(task: task, history: history, count: 4, using: &g2)
        let c = try optimizer.propose(task: task, history: history, count: 4, using: &g3)
        #expect(a == b)
        #expect(a != c)
        #expect(a.count == 4 && a.allSatisfy { $0.count == 6 && $0.allSatisfy { $0 >= 0 && $0 <= 1 } })
        #expect(optimizer.name == "tlgrpo")
    }

    @Test func meanFirstCandidateIgnoresTheGenerator() throws {
        let optimizer = try PolicyOptimizer(checkpoint: checkpoint(), meanFirst: true)
        let task = environment.task(positions: [0.3, 0.6, 0.2], budget: 16, groupSize: 4, seed: 8)
        var g1 = SplitMix64(seed: 1), g2 = SplitMix64(seed: 2)
        let a = try optimizer.propose(task: task, history: [], count: 3, using: &g1)
        let b = try optimizer.propose(task: task, history: [], count: 3, using: &g2)
        #expect(a[0] == b[0])
        #expect(a[1] != b[1])
    }

    @Test func checkpointRoundTripsThroughJSON() async throws {
        let original = checkpoint(algorithm: .grpo)
        let decoded = try PolicyCheckpoint(jsonData: try original.jsonData())
        #expect(decoded == original)
        #expect(decoded.algorithm == .grpo && decoded.metadata["note"] == "untrained")
        #expect(decoded.featureVersion == HistoryFeatures.featureVersion)
        let task = environment.task(positions: [0.9, 0.1, 0.5], budget: 8, groupSize: 2, seed: 3)
        let history = try await someHistory(task)
        var g1 = task.generator(turn: 1), g2 = task.generator(turn: 1)
        let before = try PolicyOptimizer(checkpoint: original).propose(task: task, history: history, count: 2, using: &g1)
        let after = try PolicyOptimizer(checkpoint: decoded).propose(task: task, history: history, count: 2, using: &g2)
        #expect(before == after)
        #expect(try PolicyOptimizer(checkpoint: decoded).name == "grpo")
    }

    @Test func refusesAForeignFeatureVersionOrTask() throws {
        var stale = checkpoint()
        stale.featureVersion += 1
        #expect(throws: PolicyError.self) { try PolicyOptimizer(checkpoint: stale) }
        let optimizer = try PolicyOptimizer(checkpoint: checkpoint())
        let other = SizingTask(circuit: "other", variables: [.init(name: "w", kind: .width)], specs: [],
                               budget: 4, groupSize: 2, seed: 1)
        var generator = SplitMix64(seed: 1)
        #expect(throws: PolicyError.self) { try optimizer.propose(task: other, history: [], count: 2, using: &generator) }
    }
}
