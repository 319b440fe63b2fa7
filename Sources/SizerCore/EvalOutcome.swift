/// How one evaluation of one design ended. Expected simulation results are values, never throws;
/// each case has a defined reward (see `Reward`).
public enum EvalOutcome: String, Codable, Sendable, CaseIterable {
    /// Simulated and measured (individual measurements may still be unmet, i.e. `nil`).
    case ok
    /// Rejected before simulating: out of range, non-finite, unknown or missing variable.
    case invalid
    /// The simulator reported an error, or vectors were missing, empty or non-finite.
    case failed
    /// The evaluation did not finish before its deadline; the worker was killed.
    case timeout
    /// The worker process died during the evaluation (after the retries were spent).
    case crashed
}

/// Metric values by name. `nil` means the measurement could not be taken ("unmet"), for example
/// a unity-gain frequency when the gain never reaches 0 dB.
public typealias Metrics = [String: Double?]
