import Agent
import SizerCore
import Testing

@Suite struct SyntheticSizingEnvironmentTests {
    let environment = SyntheticSizingEnvironment()

    @Test func easyTargetsAreMetAndScoredLikeSizer() async throws {
        // Given: the easiest targets (lowest gain and bandwidth, highest power allowed).
        let task = environment.task(positions: [0, 0, 1], budget: 1, groupSize: 1, seed: 0)
        // When: a design with plenty of gain and bandwidth at moderate power.
        let candidate = try #require(try await environment.evaluate(task: task, designs: [[0.6, 0, 0.6, 0.5, 1, 0]]).first)
        // Then: met, reward 1 + power bonus in [1, 2), positive margins.
        #expect(candidate.meetsAllSpecs)
        #expect(candidate.reward >= 1 && candidate.reward < 2)
        #expect(candidate.margins.allSatisfy { ($0 ?? -1) > 0 })
    }

    @Test func unmetSpecsGiveTheNormalizedShortfallAndInvalidDesignsTheFloor() async throws {
        let task = environment.task(positions: [1, 1, 0], budget: 2, groupSize: 2, seed: 0)
        let candidates = try await environment.evaluate(task: task, designs: [[0, 0, 0, 0, 0, 0], [0.5, 0.5, 2, 0.5, 0.5, 0.5]])
        #expect(!candidates[0].meetsAllSpecs && candidates[0].reward < 0 && candidates[0].reward >= -1)
        #expect(candidates[1].outcome == .invalid && candidates[1].reward == Reward.invalidFloor)
    }

    @Test func sampledTasksAreDeterministicAndGoalConditioned() {
        var a = SplitMix64(seed: 4), b = SplitMix64(seed: 4)
        let first = environment.sampleTask(using: &a)
        #expect(first == environment.sampleTask(using: &b))
        #expect(first.specs.count == 3 && first.dimension == 6)
        #expect(first != environment.sampleTask(using: &a))
        for spec in first.specs { #expect(spec.position >= 0 && spec.position < 1) }
    }
}
