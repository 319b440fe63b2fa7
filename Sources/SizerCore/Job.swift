/// Where a job stands. `queued -> running -> done | failed | cancelled`; a lapsed lease sends a
/// running job back to `queued`.
public enum JobStatus: String, Codable, Sendable, CaseIterable, JSONWritable, JSONReadable {
    case queued, running, done, failed, cancelled

    public var isFinal: Bool { self == .done || self == .failed || self == .cancelled }
}

/// Why a job exists: a sizing run, a one-off `eval`, a training episode of the agent, or a run of
/// `sizer-agent bench`. Only `sizing` jobs are handed to any agent; the others are claimed by id
/// by the process that submitted them.
public enum JobKind: String, Codable, Sendable, CaseIterable {
    case sizing, eval, training, benchmark
}

/// A job as the run log holds it: what was asked, how far it got, and who holds its lease.
/// The wire's `JobInfo` is this without the lease's secret.
public struct Job: Sendable, Hashable {
    public var id: Int64
    public var kind: JobKind
    public var circuit: String
    /// Content hash of the circuit's spec and netlist.
    public var specHash: String
    public var optimizer: String
    public var budget: Int
    public var groupSize: Int
    public var seed: Int64
    public var targets: [SpecTarget]
    /// Where the targets came from: `user`, `default` or `test:K` / `train:K` (split and index).
    public var targetSource: String
    public var corners: [String]
    /// Optimizer settings as JSON text.
    public var configJSON: String?
    public var status: JobStatus
    public var simulationsUsed: Int
    /// Committed turns; the next turn's number.
    public var turns: Int
    public var bestReward: Double?
    public var meetsAllSpecs: Bool
    /// Simulations spent up to and including the first candidate that met every spec.
    public var simulationsToSuccess: Int?
    public var agent: String?
    public var leaseToken: String?
    /// Seconds since 1970 (UTC), like every time below.
    public var leaseExpiresAt: Double?
    public var attempts: Int
    public var error: String?
    public var createdAt: Double
    public var startedAt: Double?
    public var finishedAt: Double?

    public init(id: Int64, kind: JobKind, circuit: String, specHash: String, optimizer: String, budget: Int,
                groupSize: Int, seed: Int64, targets: [SpecTarget], targetSource: String, corners: [String],
                configJSON: String?, status: JobStatus, simulationsUsed: Int, turns: Int, bestReward: Double?,
                meetsAllSpecs: Bool, simulationsToSuccess: Int?, agent: String?, leaseToken: String?,
                leaseExpiresAt: Double?, attempts: Int, error: String?, createdAt: Double, startedAt: Double?,
                finishedAt: Double?) {
        self.id = id
        self.kind = kind
        self.circuit = circuit
        self.specHash = specHash
        self.optimizer = optimizer
        self.budget = budget
        self.groupSize = groupSize
        self.seed = seed
        self.targets = targets
        self.targetSource = targetSource
        self.corners = corners
        self.configJSON = configJSON
        self.status = status
        self.simulationsUsed = simulationsUsed
        self.turns = turns
        self.bestReward = bestReward
        self.meetsAllSpecs = meetsAllSpecs
        self.simulationsToSuccess = simulationsToSuccess
        self.agent = agent
        self.leaseToken = leaseToken
        self.leaseExpiresAt = leaseExpiresAt
        self.attempts = attempts
        self.error = error
        self.createdAt = createdAt
        self.startedAt = startedAt
        self.finishedAt = finishedAt
    }
}
