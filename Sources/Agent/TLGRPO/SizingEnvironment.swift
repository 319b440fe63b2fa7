import SizerCore

/// Where training gets its tasks and simulations: the synthetic objective in tests, the
/// simulator daemon in production. One environment sizes one circuit.
public protocol SizingEnvironment: Sendable {
    /// The circuit every task of this environment sizes.
    var circuit: String { get }
    /// Design variables, in design-vector order.
    var variables: [SizingTask.Variable] { get }
    /// Specs per task.
    var specCount: Int { get }
    /// A task with freshly drawn spec targets. Its budget, group size and seed are set by the
    /// trainer.
    func sampleTask(using generator: inout SplitMix64) -> SizingTask
    /// Evaluates `designs` (each in [0, 1]^d) for `task`, one `Candidate` per design, in order.
    /// A real environment simulates one call's designs in parallel.
    func evaluate(task: SizingTask, designs: [[Double]]) async throws -> [Candidate]
}
