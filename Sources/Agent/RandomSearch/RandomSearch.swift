import SizerCore

/// Space-filling random search: the baseline every other optimizer must beat.
///
/// The whole run is one Latin hypercube of `task.budget` points drawn from
/// `task.generator(turn: RandomSearch.designTurn)`, which depends on the job seed only. Each turn
/// returns the next unused slice of it, counted by the candidates already in the history, so a
/// resumed job proposes exactly what the first agent would have. Points past the budget (if a
/// caller asks for them) are uniform draws from the per-turn generator.
public struct RandomSearch: Optimizer {
    /// The pseudo-turn whose generator draws the design; no real turn has a negative index.
    public static let designTurn = -1

    public let name = "random"

    public init() {}

    public func propose(task: SizingTask, history: [TurnRecord], count: Int,
                        using generator: inout SplitMix64) throws -> [[Double]] {
        let used = history.reduce(0) { $0 + $1.candidates.count }
        let budget = max(task.budget, 0)
        var designGenerator = task.generator(turn: Self.designTurn)
        let design = LatinHypercube.sample(count: budget, dimension: task.dimension, using: &designGenerator)

        var proposals: [[Double]] = []
        proposals.reserveCapacity(max(count, 0))
        for index in used..<(used + max(count, 0)) {
            proposals.append(index < budget ? design[index] : generator.uniformPoint(dimension: task.dimension))
        }
        return proposals
    }
}
