import Foundation
import SizerCore

/// A job as every method reports it: the run log's `Job` without its lease token.
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

    /// The job as clients may see it: the lease token stays in the daemon.
    public init(_ job: Job) {
        self.init(id: job.id, kind: job.kind, circuit: job.circuit, optimizer: job.optimizer, budget: job.budget,
                  groupSize: job.groupSize, seed: job.seed, targets: job.targets, targetSource: job.targetSource,
                  corners: job.corners,
                  config: job.configJSON.flatMap { try? SizerJSON.decoder().decode(JSONValue.self, from: Data($0.utf8)) },
                  status: job.status, simulationsUsed: job.simulationsUsed, turns: job.turns,
                  bestReward: job.bestReward, meetsAllSpecs: job.meetsAllSpecs,
                  simulationsToSuccess: job.simulationsToSuccess, agent: job.agent, error: job.error,
                  createdAt: job.createdAt, startedAt: job.startedAt, finishedAt: job.finishedAt)
    }

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


/// A design variable as clients see it.
public struct VariableInfo: Codable, Sendable, Hashable {
    public var name: String
    public var unit: String?
    public var kind: VariableKind
    public var min: Double
    public var max: Double
    public var scale: String
    public var nominal: Double

    public init(name: String, unit: String?, kind: VariableKind, min: Double, max: Double, scale: String, nominal: Double) {
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


// MARK: - Fast JSON for the reply of every turn (see `JSONWriter`)

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
