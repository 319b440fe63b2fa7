import Agent
import Foundation
import SizerCore
import Testing

@Suite struct HistoryFeaturesTests {
    let task = SyntheticSizingEnvironment().task(positions: [0.1, 0.5, 0.9], budget: 12, groupSize: 3, seed: 1)

    func candidate(_ value: Double, reward: Double, margins: [Double?] = [0.5, nil, -2]) -> Candidate {
        Candidate(x: [Double](repeating: value, count: 6), reward: reward, meetsAllSpecs: false,
                  margins: margins, outcome: .ok)
    }

    @Test func emptyHistoryShowsTargetsAndTheStartPoint() {
        let map = HistoryFeatures(dimension: 6, specCount: 3, recentTurns: 2, continuation: .bestOfGroup)
        let phi = map.features(task: task, history: [])
        // Then: positions, indicator 1, budget 0, start point, margins -1, reward -1, two empty turns.
        #expect(phi.count == map.count)
        #expect(map.count == 3 + 2 + (6 + 3 + 1) + 2 * (1 + 6 + 3 + 1))
        #expect(Array(phi[0..<5]) == [0.1, 0.5, 0.9, 1, 0])
        #expect(Array(phi[5..<11]) == [Double](repeating: 0.5, count: 6))
        #expect(Array(phi[11..<15]) == [-1, -1, -1, -1])
        #expect(phi[15...].allSatisfy { $0 == 0 })
    }

    @Test(arguments: [ContinuationRule.bestOfGroup, .onPolicySample])
    func continuationRuleChoosesTheRepresentative(rule: ContinuationRule) {
        // Given: two turns; the best candidate of each turn is not its first.
        let history = [
            TurnRecord(index: 0, candidates: [candidate(0.2, reward: -0.6), candidate(0.3, reward: -0.2), candidate(0.4, reward: -0.9)]),
            TurnRecord(index: 1, candidates: [candidate(0.6, reward: -0.5), candidate(0.7, reward: -0.4), candidate(0.8, reward: -0.45)]),
        ]
        let map = HistoryFeatures(dimension: 6, specCount: 3, recentTurns: 2, continuation: rule)
        let phi = map.features(task: task, history: history)
        let expectedBest = rule == .bestOfGroup ? 0.3 : 0.6
        let expectedLast = rule == .bestOfGroup ? 0.7 : 0.6
        #expect(map.base(for: history) == [Double](repeating: expectedBest, count: 6))
        // Header: not empty, half the budget used (6 of 12).
        #expect(phi[3] == 0 && phi[4] == 0.5)
        // Best margins squashed, nil -> -1.
        #expect(abs(phi[11] - tanh(0.5)) < 1e-15 && phi[12] == -1 && abs(phi[13] - tanh(-2)) < 1e-15)
        // Most recent turn first: present, offset from the best, margins, reward / 2.
        let recent = Array(phi[15..<26])
        #expect(recent[0] == 1)
        #expect(abs(recent[1] - (expectedLast - expectedBest)) < 1e-12)
        #expect(abs(recent[10] - map.representatives(of: history)[1].reward / 2) < 1e-15)
    }

    @Test func olderTurnsBeyondTheWindowAreDropped() {
        let history = (0..<5).map { TurnRecord(index: $0, candidates: [candidate(Double($0) / 10, reward: -Double($0) / 10)]) }
        let map = HistoryFeatures(dimension: 6, specCount: 3, recentTurns: 2, continuation: .bestOfGroup)
        let phi = map.features(task: task, history: history)
        #expect(phi.count == map.count)
        // The best is turn 0 (reward 0); the window shows turns 4 then 3.
        #expect(abs(phi[15 + 1] - 0.4) < 1e-12)
        #expect(abs(phi[26 + 1] - 0.3) < 1e-12)
    }
}
