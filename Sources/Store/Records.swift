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
    public var kind: JobKind
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

    public init(kind: JobKind, circuit: CircuitRecord, environment: EnvironmentRecord, optimizer: String, budget: Int,
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
        /// The job was cancelled; its agent should stop.
        case cancelled
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

extension StoreError {
    /// A turn the job cannot take (see `Job.refusal(turn:candidates:)`).
    init(_ refusal: TurnRefusal) {
        switch refusal {
        case .outOfOrder: self.init(.conflict, refusal.description)
        case .overBudget: self.init(.budgetExceeded, refusal.description)
        }
    }
}
