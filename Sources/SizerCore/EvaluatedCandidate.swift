/// One evaluated candidate: what the evaluator produced for one design, as the run log stores it,
/// the protocol sends it and an optimizer reads it. The one value for this concept from the
/// daemon's evaluation to the SQLite row and back to the agent.
public struct EvaluatedCandidate: Codable, Sendable, Hashable {
    /// Position in its turn.
    public var index: Int
    /// 1-based ordinal of this simulation within its job; nil until the run log numbers it.
    public var simulation: Int?
    /// The design in [0, 1]^d (nil for `eval` designs given in physical units only).
    public var x: [Double]?
    /// Physical values by variable name.
    public var design: [String: Double]
    public var outcome: EvalOutcome
    public var reward: Double
    public var meetsAllSpecs: Bool
    /// Worst case over the corners; only finite values (JSON has no inf or NaN).
    public var metrics: Metrics
    public var specs: [SpecResult]
    /// Why the design was invalid or the simulation failed.
    public var message: String?
    public var simSeconds: Double
    public var worker: Int?
    public var corners: [CornerResult]

    public init(index: Int, simulation: Int? = nil, x: [Double]?, design: [String: Double], outcome: EvalOutcome,
                reward: Double, meetsAllSpecs: Bool, metrics: Metrics, specs: [SpecResult], message: String?,
                simSeconds: Double, worker: Int?, corners: [CornerResult]) {
        self.index = index
        self.simulation = simulation
        self.x = x
        self.design = design
        self.outcome = outcome
        self.reward = reward
        self.meetsAllSpecs = meetsAllSpecs
        self.metrics = metrics
        self.specs = specs
        self.message = message
        self.simSeconds = simSeconds
        self.worker = worker
        self.corners = corners
    }

    /// Signed normalized margins in spec order (positive = met).
    public var margins: [Double?] { specs.map(\.margin) }
}

/// The result of one corner of one candidate.
public struct CornerResult: Codable, Sendable, Hashable {
    public var corner: String
    public var outcome: EvalOutcome
    public var metrics: Metrics
    public var errors: [String]
    public var simSeconds: Double

    public init(corner: String, outcome: EvalOutcome, metrics: Metrics, errors: [String], simSeconds: Double) {
        self.corner = corner
        self.outcome = outcome
        self.metrics = metrics
        self.errors = errors
        self.simSeconds = simSeconds
    }
}

/// One committed turn of a job: its candidates in proposal order.
public struct TurnResult: Codable, Sendable, Hashable {
    /// Turns are numbered from 0 everywhere: on the wire, in the run log and in the CLI.
    public var turn: Int
    public var candidates: [EvaluatedCandidate]

    public init(turn: Int, candidates: [EvaluatedCandidate]) {
        self.turn = turn
        self.candidates = candidates
    }
}

extension Dictionary where Key == String, Value == Double? {
    /// Non-finite values become "unmeasured": JSON (the wire and the run log) has no inf or NaN.
    public var finiteOnly: Metrics { mapValues { value in value.flatMap { $0.isFinite ? $0 : nil } } }
}

extension SpecResult {
    /// This verdict with a non-finite value or margin as "unmeasured".
    public var finiteOnly: SpecResult {
        var copy = self
        if let value, !value.isFinite { copy.value = nil }
        if let margin, !margin.isFinite { copy.margin = nil }
        return copy
    }
}
