import Linalg

/// Group-relative advantages (GRPO): each reward's standing within its own group,
/// `A_i = (r_i - mean(r)) / (std(r) + eps)` with the population standard deviation.
public enum GroupAdvantage {
    /// The advantages of one group, or nil when the group has (numerically) zero variance:
    /// every candidate scored alike (for example all simulations failed), so there is nothing to
    /// prefer and the group is skipped rather than pushed by noise.
    public static func advantages(rewards: [Double], epsilon: Double, zeroVarianceTolerance: Double) -> [Double]? {
        let std = VectorMath.standardDeviation(rewards)
        guard rewards.count > 1, std > zeroVarianceTolerance else { return nil }
        let mean = VectorMath.mean(rewards)
        return rewards.map { ($0 - mean) / (std + epsilon) }
    }
}
