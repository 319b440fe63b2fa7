import SizerCore

/// The fixed part of a sizing run: the same at every turn.
public struct SizingTask: Codable, Sendable, Hashable {
    public struct Variable: Codable, Sendable, Hashable {
        public var name: String
        public var kind: VariableKind
        public init(name: String, kind: VariableKind) {
            self.name = name
            self.kind = kind
        }
    }

    public struct Spec: Codable, Sendable, Hashable {
        public var metric: String
        public var bound: Bound
        public var target: Double
        /// Where the target lies in the circuit's target range, in [0, 1] (0.5 if the range is unknown).
        /// A goal-conditioned policy reads this, not the raw target.
        public var position: Double
        public init(metric: String, bound: Bound, target: Double, position: Double) {
            self.metric = metric
            self.bound = bound
            self.target = target
            self.position = position
        }
    }

    public var circuit: String
    /// Design variables; a design is a vector in [0, 1]^d in this order.
    public var variables: [Variable]
    public var specs: [Spec]
    /// Simulations the run may spend, counting every candidate of every turn.
    public var budget: Int
    /// Candidates per turn (G).
    public var groupSize: Int
    public var seed: UInt64

    public var dimension: Int { variables.count }

    public init(circuit: String, variables: [Variable], specs: [Spec], budget: Int, groupSize: Int, seed: UInt64) {
        self.circuit = circuit
        self.variables = variables
        self.specs = specs
        self.budget = budget
        self.groupSize = groupSize
        self.seed = seed
    }
}

/// One evaluated candidate, as an optimizer sees it.
public struct Candidate: Codable, Sendable, Hashable {
    /// The design in [0, 1]^d.
    public var x: [Double]
    public var reward: Double
    public var meetsAllSpecs: Bool
    /// Signed normalized margin per spec of the task, in task order (positive = met; nil = unmeasured).
    public var margins: [Double?]
    public var outcome: EvalOutcome

    public init(x: [Double], reward: Double, meetsAllSpecs: Bool, margins: [Double?], outcome: EvalOutcome) {
        self.x = x
        self.reward = reward
        self.meetsAllSpecs = meetsAllSpecs
        self.margins = margins
        self.outcome = outcome
    }
}

/// The candidates evaluated in one turn, in proposal order.
public struct TurnRecord: Codable, Sendable, Hashable {
    public var index: Int
    public var candidates: [Candidate]
    public init(index: Int, candidates: [Candidate]) {
        self.index = index
        self.candidates = candidates
    }
}

/// Proposes the candidates of the next turn from the task and the history so far.
///
/// An optimizer is a pure function of (task, history, generator): the same inputs give the same
/// proposals. A job resumed by another agent from the logged history therefore continues exactly
/// as the first agent would have.
public protocol Optimizer: Sendable {
    /// The name used in `jobs.submit`.
    var name: String { get }
    /// `count` designs in [0, 1]^d for the turn after `history`.
    func propose(task: SizingTask, history: [TurnRecord], count: Int,
                 using generator: inout SplitMix64) throws -> [[Double]]
}

extension SizingTask {
    /// The generator for one turn, derived from the job seed and the turn index only.
    public func generator(turn: Int) -> SplitMix64 {
        var mixer = SplitMix64(seed: seed ^ (UInt64(truncatingIfNeeded: turn) &* 0xD1B5_4A32_D192_ED03))
        _ = mixer.next()
        return mixer
    }
}
