/// Reported after every update.
public struct TrainingProgress: Codable, Sendable, Hashable {
    /// Updates done, starting at 1.
    public var update: Int
    /// Simulations spent so far, every candidate of every turn counted.
    public var simulationsUsed: Int
    /// Mean over this update's tasks of the best reward any of the task's candidates reached.
    public var meanBestReward: Double
    /// Fraction of this update's tasks where some candidate met every spec.
    public var successRate: Double
    /// Simulations per second of wall-clock time over this update (rollouts and update together).
    public var simulationsPerSecond: Double
    public var diagnostics: UpdateDiagnostics
}
