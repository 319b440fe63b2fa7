/// The reward: one bounded, deterministic function of the outcome, the metrics and the targets,
/// the same at every turn.
///
/// - Specs unmet: `-(sum_i w_i * s_i) / (sum_i w_i)` in [-1, 0), where the shortfall of spec i is
///   `s_i = clamp((t - m) / (|t| + |m|), 0, 1)` for a lower bound (sign flipped for an upper bound),
///   and `s_i = 1` when the metric is unmet or non-finite.
/// - All specs met: `1 + b` in [1, 2), where the figure-of-merit bonus is
///   `b = r / (r + m)` for "minimize m" and `m / (r + m)` for "maximize m" (r is the reference scale),
///   so the optimizer keeps improving after reaching the specs.
/// - Operating point insane (supply current not positive or too large, output stuck at a rail):
///   `insaneFloor` = -1.1, whatever the metrics say (guards against reward hacking).
/// - `failed`, `timeout`, `crashed`: `failureFloor` = -1.25. `invalid`: `invalidFloor` = -1.5.
public enum Reward {
    public static let insaneFloor = -1.1
    public static let failureFloor = -1.25
    public static let invalidFloor = -1.5

    /// Normalized shortfall of one spec, in [0, 1].
    public static func shortfall(_ spec: SpecTarget, value: Double?) -> Double {
        guard let m = value, m.isFinite else { return 1 }
        let t = spec.target
        let gap: Double
        switch spec.bound {
        case .lower: gap = t - m
        case .upper: gap = m - t
        }
        guard gap > 0 else { return 0 }
        let scale = abs(t) + abs(m)
        guard scale > 0 else { return 1 }
        return min(1, gap / scale)
    }

    /// Figure-of-merit bonus in [0, 1).
    public static func bonus(_ fom: FigureOfMerit?, metrics: Metrics) -> Double {
        guard let fom, let value = metrics[fom.metric] ?? nil, value.isFinite else { return 0 }
        let m = max(0, value)
        let r = max(fom.reference, 1e-300)
        switch fom.goal {
        case .minimize: return r / (r + m)
        case .maximize: return m / (r + m)
        }
    }

    /// Reward of a measured design with sane operating point.
    public static func measured(metrics: Metrics, specs: [SpecTarget], figureOfMerit: FigureOfMerit?) -> Double {
        let totalWeight = specs.reduce(0) { $0 + max(0, $1.weight) }
        let weighted = specs.reduce(0) { $0 + max(0, $1.weight) * shortfall($1, value: metrics[$1.metric] ?? nil) }
        if weighted == 0 {
            return 1 + bonus(figureOfMerit, metrics: metrics)
        }
        return -weighted / max(totalWeight, 1e-300)
    }

    /// The reward for any outcome.
    public static func of(outcome: EvalOutcome, sane: Bool, metrics: Metrics,
                          specs: [SpecTarget], figureOfMerit: FigureOfMerit?) -> Double {
        switch outcome {
        case .invalid: return invalidFloor
        case .failed, .timeout, .crashed: return failureFloor
        case .ok:
            return sane ? measured(metrics: metrics, specs: specs, figureOfMerit: figureOfMerit) : insaneFloor
        }
    }
}
