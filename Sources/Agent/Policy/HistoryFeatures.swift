import Foundation

/// The feature map h_t = phi(task, history) that the policy reads: a fixed-length vector for one
/// circuit (fixed design dimension d and spec count m).
///
/// Layout (version 1), all entries roughly in [-1, 1]:
/// 1. spec target positions (m);
/// 2. empty-history indicator, fraction of the budget used (2);
/// 3. the best-so-far design (d; the start point when empty), its margins `tanh(margin)` with
///    `nil -> -1` (m), and its reward / 2 (1; -1 when empty);
/// 4. for each of the last `recentTurns` turns, most recent first, the turn's representative under
///    the continuation rule: a presence flag (1), its offset from the best-so-far design (d), its
///    margins (m) and its reward / 2 (1); zeros when the turn does not exist.
///
/// Sharing weights across circuits (a later version): the same quantities regrouped as tokens, one
/// per design variable (its `VariableKind` one-hot, best-so-far value, recent offsets) and one per
/// spec (position, bound, margins), read by a permutation-invariant encoder (per-token MLP and
/// attention or mean pooling) with a per-variable output head. Nothing above depends on the
/// ordering of variables or specs except the flat concatenation, so that change is local.
public struct HistoryFeatures: Codable, Sendable, Hashable {
    /// Bump when the layout or the squashing changes; checkpoints store it and refuse a mismatch.
    public static let featureVersion = 1

    public let dimension: Int
    public let specCount: Int
    public let recentTurns: Int
    public let continuation: ContinuationRule
    /// The base of the first step (every coordinate), when there is no best-so-far design yet.
    public let startPoint: Double

    public init(dimension: Int, specCount: Int, recentTurns: Int, continuation: ContinuationRule, startPoint: Double = 0.5) {
        precondition(dimension > 0 && specCount >= 0 && recentTurns >= 0)
        self.dimension = dimension
        self.specCount = specCount
        self.recentTurns = recentTurns
        self.continuation = continuation
        self.startPoint = startPoint
    }

    /// Length of the feature vector.
    public var count: Int {
        specCount + 2 + (dimension + specCount + 1) + recentTurns * (1 + dimension + specCount + 1)
    }

    /// Each turn's representative under the continuation rule, in turn order (empty turns skipped).
    public func representatives(of history: [TurnRecord]) -> [Candidate] {
        history.compactMap { continuation.representative(of: $0.candidates) }
    }

    /// The best representative so far (ties: the earliest), or nil for an empty history.
    public func bestSoFar(in history: [TurnRecord]) -> Candidate? {
        ContinuationRule.bestOfGroup.representative(of: representatives(of: history))
    }

    /// The design the next step starts from.
    public func base(for history: [TurnRecord]) -> [Double] {
        bestSoFar(in: history)?.x ?? [Double](repeating: startPoint, count: dimension)
    }

    public func features(task: SizingTask, history: [TurnRecord]) -> [Double] {
        precondition(task.dimension == dimension && task.specs.count == specCount,
                     "feature map for d=\(dimension), m=\(specCount) got a task with d=\(task.dimension), m=\(task.specs.count)")
        var phi: [Double] = []
        phi.reserveCapacity(count)
        phi += task.specs.map(\.position)

        let simulationsUsed = history.reduce(0) { $0 + $1.candidates.count }
        phi.append(history.isEmpty ? 1 : 0)
        phi.append(task.budget > 0 ? min(1, Double(simulationsUsed) / Double(task.budget)) : 1)

        let best = bestSoFar(in: history)
        let base = best?.x ?? [Double](repeating: startPoint, count: dimension)
        phi += base
        phi += best.map(squashedMargins) ?? [Double](repeating: -1, count: specCount)
        phi.append(best.map { $0.reward / 2 } ?? -1)

        let recent = representatives(of: history).suffix(recentTurns).reversed()
        for candidate in recent {
            phi.append(1)
            phi += zip(candidate.x, base).map { $0 - $1 }
            phi += squashedMargins(candidate)
            phi.append(candidate.reward / 2)
        }
        let missing = recentTurns - recent.count
        phi += [Double](repeating: 0, count: missing * (1 + dimension + specCount + 1))
        precondition(phi.count == count)
        return phi
    }

    private func squashedMargins(_ candidate: Candidate) -> [Double] {
        (0..<specCount).map { i in
            guard i < candidate.margins.count, let margin = candidate.margins[i], margin.isFinite else { return -1 }
            return tanh(margin)
        }
    }
}
