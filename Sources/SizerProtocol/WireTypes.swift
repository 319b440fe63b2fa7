import SizerCore

/// Where a job stands. `queued -> running -> done | failed | cancelled`; a lapsed lease sends a
/// running job back to `queued`.
public enum JobStatus: String, Codable, Sendable, CaseIterable {
    case queued, running, done, failed, cancelled

    public var isFinal: Bool { self == .done || self == .failed || self == .cancelled }
}

/// Why a job exists: a sizing run, a one-off `eval`, a training episode of the agent, or a run of
/// `sizer-agent bench`. Only `sizing` jobs are handed to any agent; the others are claimed by id
/// by the process that submitted them.
public enum JobKind: String, Codable, Sendable, CaseIterable {
    case sizing, eval, training, benchmark
}

/// A job as every method reports it.
public struct JobInfo: Codable, Sendable, Hashable {
    public var id: Int64
    public var kind: JobKind
    public var circuit: String
    public var optimizer: String
    public var budget: Int
    public var groupSize: Int
    public var seed: Int64
    public var targets: [SpecTarget]
    /// Where the targets came from: `user`, `default` or `test:K` / `train:K` (split and index).
    public var targetSource: String
    public var corners: [String]
    public var config: JSONValue?
    public var status: JobStatus
    public var simulationsUsed: Int
    public var turns: Int
    public var bestReward: Double?
    public var meetsAllSpecs: Bool
    /// Simulations spent up to and including the first candidate that met every spec.
    public var simulationsToSuccess: Int?
    public var agent: String?
    public var error: String?
    /// Seconds since 1970 (UTC).
    public var createdAt: Double
    public var startedAt: Double?
    public var finishedAt: Double?

    public init(id: Int64, kind: JobKind, circuit: String, optimizer: String, budget: Int, groupSize: Int, seed: Int64,
                targets: [SpecTarget], targetSource: String, corners: [String], config: JSONValue?, status: JobStatus,
                simulationsUsed: Int, turns: Int, bestReward: Double?, meetsAllSpecs: Bool, simulationsToSuccess: Int?,
                agent: String?, error: String?, createdAt: Double, startedAt: Double?, finishedAt: Double?) {
        self.id = id
        self.kind = kind
        self.circuit = circuit
        self.optimizer = optimizer
        self.budget = budget
        self.groupSize = groupSize
        self.seed = seed
        self.targets = targets
        self.targetSource = targetSource
        self.corners = corners
        self.config = config
        self.status = status
        self.simulationsUsed = simulationsUsed
        self.turns = turns
        self.bestReward = bestReward
        self.meetsAllSpecs = meetsAllSpecs
        self.simulationsToSuccess = simulationsToSuccess
        self.agent = agent
        self.error = error
        self.createdAt = createdAt
        self.startedAt = startedAt
        self.finishedAt = finishedAt
    }
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

/// One evaluated candidate, as logged.
public struct CandidateResult: Codable, Sendable, Hashable {
    /// Position in its turn.
    public var index: Int
    /// The design in [0, 1]^d (nil for `eval` designs given in physical units only).
    public var x: [Double]?
    /// Physical values by variable name.
    public var design: [String: Double]
    public var outcome: EvalOutcome
    public var reward: Double
    public var meetsAllSpecs: Bool
    /// Worst case over the corners.
    public var metrics: Metrics
    public var specs: [SpecResult]
    public var message: String?
    public var simSeconds: Double
    public var worker: Int?
    public var corners: [CornerResult]

    public init(index: Int, x: [Double]?, design: [String: Double], outcome: EvalOutcome, reward: Double,
                meetsAllSpecs: Bool, metrics: Metrics, specs: [SpecResult], message: String?, simSeconds: Double,
                worker: Int?, corners: [CornerResult]) {
        self.index = index
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

/// One committed turn of a job.
public struct TurnResult: Codable, Sendable, Hashable {
    public var turn: Int
    public var candidates: [CandidateResult]

    public init(turn: Int, candidates: [CandidateResult]) {
        self.turn = turn
        self.candidates = candidates
    }
}

/// A design variable as clients see it.
public struct VariableInfo: Codable, Sendable, Hashable {
    public var name: String
    public var unit: String?
    /// `width`, `length`, `current`, `capacitance`, `resistance`, `voltage` or `other`.
    public var kind: String
    public var min: Double
    public var max: Double
    public var scale: String
    public var nominal: Double

    public init(name: String, unit: String?, kind: String, min: Double, max: Double, scale: String, nominal: Double) {
        self.name = name
        self.unit = unit
        self.kind = kind
        self.min = min
        self.max = max
        self.scale = scale
        self.nominal = nominal
    }
}

/// A spec of a circuit: its default target and the range targets are drawn from.
public struct SpecInfo: Codable, Sendable, Hashable {
    public var metric: String
    public var bound: Bound
    public var target: Double
    public var weight: Double
    public var range: [Double]?

    public init(metric: String, bound: Bound, target: Double, weight: Double, range: [Double]?) {
        self.metric = metric
        self.bound = bound
        self.target = target
        self.weight = weight
        self.range = range
    }
}

/// Corners by name: "nominal" (default), "all", or a list of corner labels.
public enum CornerSelection: Codable, Sendable, Hashable {
    case nominal
    case all
    case labels([String])

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) {
            switch text {
            case "nominal": self = .nominal
            case "all": self = .all
            default: self = .labels(text.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) })
            }
        } else if let labels = try? container.decode([String].self) {
            self = .labels(labels)
        } else {
            throw DecodingError.typeMismatch(String.self, .init(codingPath: decoder.codingPath,
                debugDescription: "corners must be \"nominal\", \"all\" or a list of corner labels"))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .nominal: try container.encode("nominal")
        case .all: try container.encode("all")
        case .labels(let labels): try container.encode(labels)
        }
    }
}

import Foundation

// MARK: - Fast JSON for the reply of every turn (see `JSONWriter`)

extension CornerResult: JSONWritable {
    public func write(to writer: inout JSONWriter) throws {
        writer.beginObject()
        try writer.member("corner", corner)
        try writer.member("errors", errors)
        try writer.member("metrics", metrics)
        try writer.member("outcome", outcome)
        try writer.member("sim_seconds", simSeconds)
        writer.endObject()
    }
}

extension CandidateResult: JSONWritable {
    public func write(to writer: inout JSONWriter) throws {
        writer.beginObject()
        try writer.member("corners", corners)
        try writer.member("design", design)
        try writer.member("index", index)
        try writer.member("meets_all_specs", meetsAllSpecs)
        try writer.member("message", ifPresent: message)
        try writer.member("metrics", metrics)
        try writer.member("outcome", outcome)
        try writer.member("reward", reward)
        try writer.member("sim_seconds", simSeconds)
        try writer.member("specs", specs)
        try writer.member("worker", ifPresent: worker)
        try writer.member("x", ifPresent: x)
        writer.endObject()
    }
}

extension TurnResult: JSONWritable {
    public func write(to writer: inout JSONWriter) throws {
        writer.beginObject()
        try writer.member("candidates", candidates)
        try writer.member("turn", turn)
        writer.endObject()
    }
}

extension JobStatus: JSONWritable, JSONReadable {}

extension AgentEvaluate.Result: JSONWritable {
    public func write(to writer: inout JSONWriter) throws {
        writer.beginObject()
        try writer.member("budget", budget)
        try writer.member("simulations_used", simulationsUsed)
        try writer.member("status", status)
        try writer.member("turn", turn)
        writer.endObject()
    }
}

// MARK: - Fast reading of the reply of every turn (see `JSONReader`)

extension CornerResult: JSONReadable {
    public init(from reader: inout JSONReader) throws {
        var corner: String?, outcome: EvalOutcome?, metrics: Metrics?, errors: [String]?, simSeconds: Double?
        try reader.object { reader, key in
            switch key {
            case "corner": corner = try String(from: &reader)
            case "outcome": outcome = try EvalOutcome(from: &reader)
            case "metrics": metrics = try Metrics(from: &reader)
            case "errors": errors = try [String](from: &reader)
            case "sim_seconds": simSeconds = try Double(from: &reader)
            default: try reader.skipValue()
            }
        }
        guard let corner else { throw reader.missing("corner") }
        guard let outcome else { throw reader.missing("outcome") }
        guard let metrics else { throw reader.missing("metrics") }
        guard let errors else { throw reader.missing("errors") }
        guard let simSeconds else { throw reader.missing("sim_seconds") }
        self.init(corner: corner, outcome: outcome, metrics: metrics, errors: errors, simSeconds: simSeconds)
    }
}

extension CandidateResult: JSONReadable {
    public init(from reader: inout JSONReader) throws {
        var index: Int?, x: [Double]?, design: [String: Double]?, outcome: EvalOutcome?, reward: Double?
        var meetsAllSpecs: Bool?, metrics: Metrics?, specs: [SpecResult]?, message: String?, simSeconds: Double?
        var worker: Int?, corners: [CornerResult]?
        try reader.object { reader, key in
            switch key {
            case "index": index = try Int(from: &reader)
            case "x": x = try [Double]?(from: &reader)
            case "design": design = try [String: Double](from: &reader)
            case "outcome": outcome = try EvalOutcome(from: &reader)
            case "reward": reward = try Double(from: &reader)
            case "meets_all_specs": meetsAllSpecs = try Bool(from: &reader)
            case "metrics": metrics = try Metrics(from: &reader)
            case "specs": specs = try [SpecResult](from: &reader)
            case "message": message = try String?(from: &reader)
            case "sim_seconds": simSeconds = try Double(from: &reader)
            case "worker": worker = try Int?(from: &reader)
            case "corners": corners = try [CornerResult](from: &reader)
            default: try reader.skipValue()
            }
        }
        guard let index else { throw reader.missing("index") }
        guard let design else { throw reader.missing("design") }
        guard let outcome else { throw reader.missing("outcome") }
        guard let reward else { throw reader.missing("reward") }
        guard let meetsAllSpecs else { throw reader.missing("meets_all_specs") }
        guard let metrics else { throw reader.missing("metrics") }
        guard let specs else { throw reader.missing("specs") }
        guard let simSeconds else { throw reader.missing("sim_seconds") }
        guard let corners else { throw reader.missing("corners") }
        self.init(index: index, x: x, design: design, outcome: outcome, reward: reward, meetsAllSpecs: meetsAllSpecs,
                  metrics: metrics, specs: specs, message: message, simSeconds: simSeconds, worker: worker, corners: corners)
    }
}

extension TurnResult: JSONReadable {
    public init(from reader: inout JSONReader) throws {
        var turn: Int?, candidates: [CandidateResult]?
        try reader.object { reader, key in
            switch key {
            case "turn": turn = try Int(from: &reader)
            case "candidates": candidates = try [CandidateResult](from: &reader)
            default: try reader.skipValue()
            }
        }
        guard let turn else { throw reader.missing("turn") }
        guard let candidates else { throw reader.missing("candidates") }
        self.init(turn: turn, candidates: candidates)
    }
}

extension AgentEvaluate.Result: JSONReadable {
    public init(from reader: inout JSONReader) throws {
        var turn: TurnResult?, simulationsUsed: Int?, budget: Int?, status: JobStatus?
        try reader.object { reader, key in
            switch key {
            case "turn": turn = try TurnResult(from: &reader)
            case "simulations_used": simulationsUsed = try Int(from: &reader)
            case "budget": budget = try Int(from: &reader)
            case "status": status = try JobStatus(from: &reader)
            default: try reader.skipValue()
            }
        }
        guard let turn else { throw reader.missing("turn") }
        guard let simulationsUsed else { throw reader.missing("simulations_used") }
        guard let budget else { throw reader.missing("budget") }
        guard let status else { throw reader.missing("status") }
        self.init(turn: turn, simulationsUsed: simulationsUsed, budget: budget, status: status)
    }
}
