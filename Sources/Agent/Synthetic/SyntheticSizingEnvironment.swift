import Foundation
import SizerCore

/// A goal-conditioned test problem with no simulator: six design variables, three specs whose
/// targets are drawn from positions in their ranges, and smooth nonlinear "metrics" with a real
/// trade-off (gain and bandwidth both cost power, and gain falls as bandwidth rises). Rewards and
/// margins come from `Reward` and `SpecTarget`, exactly as for a simulated circuit.
///
/// Where the best design lies depends on the targets (how far to push x0 and x2), so a policy has
/// to read the spec positions to do well. Deterministic; costs microseconds per evaluation.
public struct SyntheticSizingEnvironment: SizingEnvironment {
    public let circuit = "synthetic"

    public let variables: [SizingTask.Variable] = [
        .init(name: "w_input", kind: .width), .init(name: "w_load", kind: .width),
        .init(name: "ibias", kind: .current), .init(name: "l_input", kind: .length),
        .init(name: "cc", kind: .capacitance), .init(name: "w_tail", kind: .width),
    ]

    /// (metric, bound, target range) of each spec.
    static let specRanges: [(metric: String, bound: Bound, low: Double, high: Double)] = [
        ("gain_db", .lower, 30, 55),
        ("ugf_mhz", .lower, 2.5, 6.5),
        ("power_mw", .upper, 1.0, 2.0),
    ]

    /// Once every spec is met, lower power earns the bonus.
    static let figureOfMerit = FigureOfMerit(metric: "power_mw", goal: .minimize, reference: 1)

    public var specCount: Int { Self.specRanges.count }

    public init() {}

    /// The metrics of a design.
    public static func metrics(of x: [Double]) -> Metrics {
        let gain = 20 + 40 * x[0] * (1 - 0.4 * x[2]) + 8 * sin(Double.pi * x[3])
        let ugf = 1 + 8 * x[2] * (0.4 + 0.6 * x[4]) - 2 * x[0] * x[1]
        let power = 0.3 + 0.8 * x[0] + 0.9 * x[2] + 0.4 * x[5] * x[5] + 0.3 * x[1] * x[4]
        return ["gain_db": gain, "ugf_mhz": ugf, "power_mw": power]
    }

    /// Targets at the given positions (each in [0, 1]) of the spec ranges.
    public func task(positions: [Double], budget: Int, groupSize: Int, seed: UInt64) -> SizingTask {
        precondition(positions.count == specCount)
        let specs = zip(Self.specRanges, positions).map { range, p in
            SizingTask.Spec(metric: range.metric, bound: range.bound, target: range.low + p * (range.high - range.low), position: p)
        }
        return SizingTask(circuit: circuit, variables: variables, specs: specs, budget: budget, groupSize: groupSize, seed: seed)
    }

    public func sampleTask(using generator: inout SplitMix64) -> SizingTask {
        let positions = (0..<specCount).map { _ in generator.nextUnit() }
        return task(positions: positions, budget: 0, groupSize: 1, seed: generator.next())
    }

    public func evaluate(task: SizingTask, designs: [[Double]]) async throws -> [Candidate] {
        designs.map { evaluate(task: task, design: $0) }
    }

    /// The synchronous core of `evaluate`.
    public func evaluate(task: SizingTask, design x: [Double]) -> Candidate {
        let targets = task.specs.map { SpecTarget(metric: $0.metric, bound: $0.bound, target: $0.target) }
        guard x.count == variables.count, x.allSatisfy({ $0.isFinite && $0 >= 0 && $0 <= 1 }) else {
            return Candidate(x: x, reward: Reward.invalidFloor, meetsAllSpecs: false,
                             margins: targets.map { _ in nil }, outcome: .invalid)
        }
        let metrics = Self.metrics(of: x)
        let values = targets.map { metrics[$0.metric] ?? nil }
        return Candidate(x: x,
                         reward: Reward.measured(metrics: metrics, specs: targets, figureOfMerit: Self.figureOfMerit),
                         meetsAllSpecs: zip(targets, values).allSatisfy { $0.isMet(by: $1) },
                         margins: zip(targets, values).map { $0.margin(of: $1) },
                         outcome: .ok)
    }
}
