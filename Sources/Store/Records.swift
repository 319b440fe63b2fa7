import Foundation
import SizerCore

/// The simulator and PDK a job ran with; logged so results can be traced to their versions.
public struct EnvironmentRecord: Sendable, Hashable {
    public var sizerVersion: String
    public var ngspiceVersion: String
    public var pdk: String
    public var pdkHash: String
    public init(sizerVersion: String, ngspiceVersion: String, pdk: String, pdkHash: String) {
        self.sizerVersion = sizerVersion
        self.ngspiceVersion = ngspiceVersion
        self.pdk = pdk
        self.pdkHash = pdkHash
    }
}

/// A circuit by name and content hash (spec and netlist), with the spec text.
public struct CircuitRecord: Sendable, Hashable {
    public var name: String
    public var specHash: String
    public var specJSON: String
    public init(name: String, specHash: String, specJSON: String) {
        self.name = name
        self.specHash = specHash
        self.specJSON = specJSON
    }
}

/// What a new job is made of.
public struct NewJob: Sendable {
    public var kind: String
    public var circuit: CircuitRecord
    public var environment: EnvironmentRecord
    public var optimizer: String
    public var budget: Int
    public var groupSize: Int
    public var seed: Int64
    public var targets: [SpecTarget]
    public var targetSource: String
    public var corners: [String]
    /// Optimizer settings as JSON text.
    public var configJSON: String?

    public init(kind: String, circuit: CircuitRecord, environment: EnvironmentRecord, optimizer: String, budget: Int,
                groupSize: Int, seed: Int64, targets: [SpecTarget], targetSource: String, corners: [String],
                configJSON: String?) {
        self.kind = kind
        self.circuit = circuit
        self.environment = environment
        self.optimizer = optimizer
        self.budget = budget
        self.groupSize = groupSize
        self.seed = seed
        self.targets = targets
        self.targetSource = targetSource
        self.corners = corners
        self.configJSON = configJSON
    }
}

/// A job row.
public struct JobRecord: Sendable, Hashable {
    public var id: Int64
    public var kind: String
    public var circuit: String
    public var specHash: String
    public var optimizer: String
    public var budget: Int
    public var groupSize: Int
    public var seed: Int64
    public var targets: [SpecTarget]
    public var targetSource: String
    public var corners: [String]
    public var configJSON: String?
    public var status: String
    public var simulationsUsed: Int
    public var turns: Int
    public var bestReward: Double?
    public var meetsAllSpecs: Bool
    public var simulationsToSuccess: Int?
    public var agent: String?
    public var leaseToken: String?
    public var leaseExpiresAt: Double?
    public var attempts: Int
    public var error: String?
    public var createdAt: Double
    public var startedAt: Double?
    public var finishedAt: Double?
}

/// One corner's result of a candidate.
public struct CornerRecord: Sendable, Hashable {
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
public struct CandidateRecord: Sendable, Hashable {
    public var position: Int
    /// 1-based ordinal of this simulation within its job (filled in by the store).
    public var simulation: Int
    public var x: [Double]?
    public var design: [String: Double]
    public var outcome: EvalOutcome
    public var reward: Double
    public var meetsAllSpecs: Bool
    public var metrics: Metrics
    public var specs: [SpecResult]
    public var message: String?
    public var simSeconds: Double
    public var worker: Int?
    public var corners: [CornerRecord]

    public init(position: Int, x: [Double]?, design: [String: Double], outcome: EvalOutcome, reward: Double,
                meetsAllSpecs: Bool, metrics: Metrics, specs: [SpecResult], message: String?, simSeconds: Double,
                worker: Int?, corners: [CornerRecord]) {
        self.position = position
        simulation = 0
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
}

/// A committed turn with its candidates in order.
public struct LoggedTurn: Sendable, Hashable {
    public var turn: Int
    public var agent: String?
    public var wallSeconds: Double
    public var candidates: [CandidateRecord]
}

/// A stored policy checkpoint.
public struct PolicyRecord: Sendable, Hashable {
    public var id: Int64
    public var circuit: String
    public var algorithm: String
    public var specHash: String
    public var featureVersion: Int
    public var simulations: Int
    public var seed: Int64
    public var codeVersion: String
    public var checkpointJSON: String
    public var createdAt: Double

    public init(id: Int64 = 0, circuit: String, algorithm: String, specHash: String, featureVersion: Int, simulations: Int,
                seed: Int64, codeVersion: String, checkpointJSON: String, createdAt: Double = 0) {
        self.id = id
        self.circuit = circuit
        self.algorithm = algorithm
        self.specHash = specHash
        self.featureVersion = featureVersion
        self.simulations = simulations
        self.seed = seed
        self.codeVersion = codeVersion
        self.checkpointJSON = checkpointJSON
        self.createdAt = createdAt
    }
}

/// Why a store operation was refused; the daemon maps each kind to its wire error.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable {
        case notFound, conflict, budgetExceeded, invalid
        /// The database file cannot be opened or written (see `StorageFailure`); nothing was changed.
        case storageUnavailable
    }
    public var kind: Kind
    public var message: String
    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }
    public var description: String { message }
}
