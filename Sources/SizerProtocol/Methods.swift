import SizerCore

// One namespace per method group; each method names its wire name, params and result.
// The reference with examples is docs/protocol.md.

public enum Hello: RPCMethod {
    public static let name = "hello"
    public struct Params: Codable, Sendable {
        /// The version the client speaks; a client that leaves it out gets version 1.
        public var protocolVersion: Int?
        public var client: String?
        /// Required on TCP connections before any other method.
        public var token: String?
        public init(protocolVersion: Int? = ProtocolLimits.version, client: String? = nil, token: String? = nil) {
            self.protocolVersion = protocolVersion
            self.client = client
            self.token = token
        }
    }
    public struct Result: Codable, Sendable {
        public var protocolVersion: Int
        public var server: String
        public var version: String
        public var ngspice: String
        public var pdk: String
        public var workers: Int
        public var maxLineBytes: Int
        public var methods: [String]
        public init(protocolVersion: Int, server: String, version: String, ngspice: String, pdk: String, workers: Int,
                    maxLineBytes: Int, methods: [String]) {
            self.protocolVersion = protocolVersion
            self.server = server
            self.version = version
            self.ngspice = ngspice
            self.pdk = pdk
            self.workers = workers
            self.maxLineBytes = maxLineBytes
            self.methods = methods
        }
    }
}

public enum CircuitsList: RPCMethod {
    public static let name = "circuits.list"
    public typealias Params = NoParams
    public struct Entry: Codable, Sendable {
        public var name: String
        public var description: String?
        public var models: String
        public var variables: Int
        public var specs: [String]
        public var builtIn: Bool
        public init(name: String, description: String?, models: String, variables: Int, specs: [String], builtIn: Bool) {
            self.name = name
            self.description = description
            self.models = models
            self.variables = variables
            self.specs = specs
            self.builtIn = builtIn
        }
    }
    public struct Result: Codable, Sendable {
        public var circuits: [Entry]
        public init(circuits: [Entry]) { self.circuits = circuits }
    }
}

public enum CircuitsDescribe: RPCMethod {
    public static let name = "circuits.describe"
    public struct Params: Codable, Sendable {
        public var circuit: String
        public init(circuit: String) { self.circuit = circuit }
    }
    public struct Result: Codable, Sendable {
        public var name: String
        public var description: String?
        public var models: String
        public var variables: [VariableInfo]
        public var specs: [SpecInfo]
        public var figureOfMerit: FigureOfMerit?
        public var corners: [String]
        public var nominalCorner: String
        public var trainTargets: Int
        public var testTargets: Int
        public var specHash: String
        public init(name: String, description: String?, models: String, variables: [VariableInfo], specs: [SpecInfo],
                    figureOfMerit: FigureOfMerit?, corners: [String], nominalCorner: String, trainTargets: Int,
                    testTargets: Int, specHash: String) {
            self.name = name
            self.description = description
            self.models = models
            self.variables = variables
            self.specs = specs
            self.figureOfMerit = figureOfMerit
            self.corners = corners
            self.nominalCorner = nominalCorner
            self.trainTargets = trainTargets
            self.testTargets = testTargets
            self.specHash = specHash
        }
    }
}

/// Registers a circuit sent inline: its spec (the spec file's JSON object) and netlist text. It is
/// checked exactly as a spec file is, kept in the run log with its hash (so it survives a restart),
/// and sized by name like any other circuit. Registering the same spec and netlist again is a no-op.
public enum CircuitsRegister: RPCMethod {
    public static let name = "circuits.register"
    public struct Params: Codable, Sendable {
        /// The spec file's JSON object; its `netlist` field, if any, is not read.
        public var spec: JSONValue
        /// The netlist template's text.
        public var netlist: String
        public init(spec: JSONValue, netlist: String) {
            self.spec = spec
            self.netlist = netlist
        }
    }
    public struct Result: Codable, Sendable, Hashable {
        public var name: String
        public var specHash: String
        /// False when this circuit was registered already (with the same hash).
        public var created: Bool
        public init(name: String, specHash: String, created: Bool) {
            self.name = name
            self.specHash = specHash
            self.created = created
        }
    }

    /// Largest spec (as sent) and netlist accepted.
    public static let maxSpecBytes = 64 << 10
    public static let maxNetlistBytes = 256 << 10
    /// Registrations one connection may make, and circuits the run log may hold.
    public static let maxPerConnection = 32
    public static let maxRegistered = 1000
}

/// The spec targets of a circuit's train or test split, with each target's position in its range.
public enum CircuitsTargets: RPCMethod {
    public static let name = "circuits.targets"
    public struct Params: Codable, Sendable {
        public var circuit: String
        /// `train` or `test`.
        public var split: String
        public init(circuit: String, split: String) {
            self.circuit = circuit
            self.split = split
        }
    }
    public struct Result: Codable, Sendable {
        public var targets: [[SpecTarget]]
        public var positions: [[Double]]
        public init(targets: [[SpecTarget]], positions: [[Double]]) {
            self.targets = targets
            self.positions = positions
        }
    }
}

/// One-off evaluation of designs in physical units; logged as a job of kind `eval`.
public enum Eval: RPCMethod {
    public static let name = "eval"
    public struct Params: Codable, Sendable {
        public var circuit: String
        /// Physical values by variable name; variables left out take their nominal value.
        public var designs: [[String: Double]]
        public var corners: CornerSelection?
        /// Spec targets; the circuit's defaults when absent.
        public var targets: [SpecTarget]?
        public init(circuit: String, designs: [[String: Double]], corners: CornerSelection? = nil, targets: [SpecTarget]? = nil) {
            self.circuit = circuit
            self.designs = designs
            self.corners = corners
            self.targets = targets
        }
    }
    public struct Result: Codable, Sendable {
        public var jobId: Int64
        public var results: [EvaluatedCandidate]
        public init(jobId: Int64, results: [EvaluatedCandidate]) {
            self.jobId = jobId
            self.results = results
        }
    }
}

public enum JobsSubmit: RPCMethod {
    public static let name = "jobs.submit"
    public struct Params: Codable, Sendable {
        public var circuit: String
        public var optimizer: String
        /// Simulations the job may spend, counting every candidate of every turn.
        public var budget: Int
        public var groupSize: Int?
        public var seed: Int64?
        /// Explicit targets; excludes `testTarget` and `trainTarget`.
        public var targets: [SpecTarget]?
        /// Index into the circuit's test split of targets.
        public var testTarget: Int?
        /// Index into the circuit's train split (used by training).
        public var trainTarget: Int?
        public var corners: CornerSelection?
        /// Optimizer settings, passed through to the agent and stored with the job.
        public var config: JSONValue?
        /// `sizing` (default), `training` or `benchmark`.
        public var kind: JobKind?
        public init(circuit: String, optimizer: String, budget: Int, groupSize: Int? = nil, seed: Int64? = nil,
                    targets: [SpecTarget]? = nil, testTarget: Int? = nil, trainTarget: Int? = nil,
                    corners: CornerSelection? = nil, config: JSONValue? = nil, kind: JobKind? = nil) {
            self.circuit = circuit
            self.optimizer = optimizer
            self.budget = budget
            self.groupSize = groupSize
            self.seed = seed
            self.targets = targets
            self.testTarget = testTarget
            self.trainTarget = trainTarget
            self.corners = corners
            self.config = config
            self.kind = kind
        }
    }
    public typealias Result = JobInfo
}

public struct JobID: Codable, Sendable, Hashable {
    public var id: Int64
    public init(id: Int64) { self.id = id }
}

public enum JobsGet: RPCMethod {
    public static let name = "jobs.get"
    public typealias Params = JobID
    public typealias Result = JobInfo
}

public enum JobsList: RPCMethod {
    public static let name = "jobs.list"
    public struct Params: Codable, Sendable {
        public var status: JobStatus?
        public var limit: Int?
        public init(status: JobStatus? = nil, limit: Int? = nil) {
            self.status = status
            self.limit = limit
        }
    }
    public struct Result: Codable, Sendable {
        public var jobs: [JobInfo]
        public init(jobs: [JobInfo]) { self.jobs = jobs }
    }
}

public enum JobsCancel: RPCMethod {
    public static let name = "jobs.cancel"
    public typealias Params = JobID
    public typealias Result = JobInfo
}

/// The turn-by-turn log of a job.
public enum JobsHistory: RPCMethod {
    public static let name = "jobs.history"
    public typealias Params = JobID
    public struct Result: Codable, Sendable {
        public var job: JobInfo
        public var turns: [TurnResult]
        public init(job: JobInfo, turns: [TurnResult]) {
            self.job = job
            self.turns = turns
        }
    }
}

/// Sends one `jobs.watching` notification (params: `WatchStarted`) once the subscription is in
/// place, then streams `jobs.turn` notifications (params: `TurnEvent`) until the job ends, then
/// answers with the final job. A job already finished gets no `jobs.watching`, only the answer.
/// While the job waits in the queue, `jobs.unclaimed` notifications (params: `UnclaimedJob`) say so.
public enum JobsWatch: RPCMethod {
    public static let name = "jobs.watch"
    public typealias Params = JobID
    public typealias Result = JobInfo
}

/// The params of the `jobs.watching` notification: every turn committed after it is streamed.
public struct WatchStarted: Codable, Sendable, Hashable {
    public static let method = "jobs.watching"
    public var jobId: Int64
    /// Turns already committed when the subscription began (the next streamed turn's number).
    public var turns: Int

    public init(jobId: Int64, turns: Int) {
        self.jobId = jobId
        self.turns = turns
    }
}

/// The params of a `jobs.unclaimed` notification: a watched job still waits for an agent.
/// Sent after `UnclaimedJob.firstNotice` in the queue, then every `UnclaimedJob.repeatNotice`.
public struct UnclaimedJob: Codable, Sendable, Hashable {
    public static let method = "jobs.unclaimed"
    public static let firstNotice = Duration.seconds(5)
    public static let repeatNotice = Duration.seconds(30)
    public var jobId: Int64
    /// Seconds since the job was submitted.
    public var queuedSeconds: Double

    public init(jobId: Int64, queuedSeconds: Double) {
        self.jobId = jobId
        self.queuedSeconds = queuedSeconds
    }

    /// What to tell a user about it.
    public var advice: String {
        "no agent has claimed job \(jobId) in \(Int(queuedSeconds)) s: is `sizer-agent serve` running against this daemon?"
    }
}

/// The params of a `jobs.turn` notification.
public struct TurnEvent: Codable, Sendable, Hashable {
    public static let method = "jobs.turn"
    public var jobId: Int64
    public var turn: Int
    public var candidates: Int
    public var simulationsUsed: Int
    public var budget: Int
    public var turnBestReward: Double
    public var bestReward: Double
    public var meetsAllSpecs: Bool
    public var status: JobStatus

    public init(jobId: Int64, turn: Int, candidates: Int, simulationsUsed: Int, budget: Int, turnBestReward: Double,
                bestReward: Double, meetsAllSpecs: Bool, status: JobStatus) {
        self.jobId = jobId
        self.turn = turn
        self.candidates = candidates
        self.simulationsUsed = simulationsUsed
        self.budget = budget
        self.turnBestReward = turnBestReward
        self.bestReward = bestReward
        self.meetsAllSpecs = meetsAllSpecs
        self.status = status
    }
}

/// Re-simulates every logged candidate of a job and compares with the log.
public enum JobsReplay: RPCMethod {
    public static let name = "jobs.replay"
    public typealias Params = JobID
    public struct Mismatch: Codable, Sendable, Hashable {
        public var turn: Int
        public var index: Int
        public var field: String
        public var logged: String
        public var replayed: String
        public init(turn: Int, index: Int, field: String, logged: String, replayed: String) {
            self.turn = turn
            self.index = index
            self.field = field
            self.logged = logged
            self.replayed = replayed
        }
    }
    public struct Result: Codable, Sendable {
        public var jobId: Int64
        public var candidates: Int
        public var mismatches: Int
        public var maxRewardDifference: Double
        public var details: [Mismatch]
        public init(jobId: Int64, candidates: Int, mismatches: Int, maxRewardDifference: Double, details: [Mismatch]) {
            self.jobId = jobId
            self.candidates = candidates
            self.mismatches = mismatches
            self.maxRewardDifference = maxRewardDifference
            self.details = details
        }
    }
}

// MARK: - The agent worker's methods

/// What an optimizer needs to know about a leased job.
public struct AgentTask: Codable, Sendable, Hashable {
    public var circuit: String
    public var variables: [VariableInfo]
    public var specs: [SpecInfo]
    /// Where each target lies in its spec's range, in [0, 1], in spec order.
    public var targetPositions: [Double]
    public var specHash: String
    public init(circuit: String, variables: [VariableInfo], specs: [SpecInfo], targetPositions: [Double], specHash: String) {
        self.circuit = circuit
        self.variables = variables
        self.specs = specs
        self.targetPositions = targetPositions
        self.specHash = specHash
    }
}

public struct Lease: Codable, Sendable, Hashable {
    public var jobId: Int64
    public var token: String
    /// Send `agent.heartbeat` (or a turn) well within this many seconds or lose the job.
    public var seconds: Double
    public init(jobId: Int64, token: String, seconds: Double) {
        self.jobId = jobId
        self.token = token
        self.seconds = seconds
    }
}

public enum AgentClaim: RPCMethod {
    public static let name = "agent.claim"
    public struct Params: Codable, Sendable {
        /// A name for the agent, logged with the job.
        public var agent: String
        /// Only jobs for these optimizers (all when absent).
        public var optimizers: [String]?
        /// Wait up to this many seconds for a job (0 = answer at once).
        public var waitSeconds: Double?
        /// Claim this queued job only (training jobs are claimed this way by the trainer that
        /// submitted them; other claims never take a training job).
        public var jobId: Int64?
        public init(agent: String, optimizers: [String]? = nil, waitSeconds: Double? = nil, jobId: Int64? = nil) {
            self.agent = agent
            self.optimizers = optimizers
            self.waitSeconds = waitSeconds
            self.jobId = jobId
        }
    }
    public struct Claimed: Codable, Sendable {
        public var job: JobInfo
        public var lease: Lease
        public var task: AgentTask
        /// Every committed turn: a resumed job continues after the last one.
        public var history: [TurnResult]
        public init(job: JobInfo, lease: Lease, task: AgentTask, history: [TurnResult]) {
            self.job = job
            self.lease = lease
            self.task = task
            self.history = history
        }
    }
    public struct Result: Codable, Sendable {
        /// nil when no job was queued within the wait.
        public var claimed: Claimed?
        public init(claimed: Claimed?) { self.claimed = claimed }
    }
}

public struct LeaseRef: Codable, Sendable, Hashable {
    public var jobId: Int64
    public var token: String
    public init(jobId: Int64, token: String) {
        self.jobId = jobId
        self.token = token
    }
}

public enum AgentHeartbeat: RPCMethod {
    public static let name = "agent.heartbeat"
    public typealias Params = LeaseRef
    public struct Result: Codable, Sendable {
        public var seconds: Double
        /// `cancelled` tells the agent to stop the job.
        public var status: JobStatus
        public init(seconds: Double, status: JobStatus) {
            self.seconds = seconds
            self.status = status
        }
    }
}

public enum AgentEvaluate: RPCMethod {
    public static let name = "agent.evaluate"
    public struct Params: Codable, Sendable {
        public var jobId: Int64
        public var token: String
        /// The turn index: the number of turns already committed. A retry of a committed turn
        /// with the same candidates returns the logged results without simulating again.
        public var turn: Int
        /// Designs in [0, 1]^d, in the task's variable order.
        public var candidates: [[Double]]
        public init(jobId: Int64, token: String, turn: Int, candidates: [[Double]]) {
            self.jobId = jobId
            self.token = token
            self.turn = turn
            self.candidates = candidates
        }
    }
    public struct Result: Codable, Sendable {
        public var turn: TurnResult
        public var simulationsUsed: Int
        public var budget: Int
        public var status: JobStatus
        public init(turn: TurnResult, simulationsUsed: Int, budget: Int, status: JobStatus) {
            self.turn = turn
            self.simulationsUsed = simulationsUsed
            self.budget = budget
            self.status = status
        }
    }
}

public enum AgentFinish: RPCMethod {
    public static let name = "agent.finish"
    public struct Params: Codable, Sendable {
        public var jobId: Int64
        public var token: String
        /// `done`, `failed`, or `queued` to give the job back (an agent shutting down).
        public var status: JobStatus
        public var error: String?
        public init(jobId: Int64, token: String, status: JobStatus, error: String? = nil) {
            self.jobId = jobId
            self.token = token
            self.status = status
            self.error = error
        }
    }
    public typealias Result = JobInfo
}

/// Stores a trained policy (the agent's checkpoints live in the daemon's database).
public enum PoliciesSave: RPCMethod {
    public static let name = "policies.save"
    public struct Params: Codable, Sendable {
        public var circuit: String
        public var algorithm: String
        public var specHash: String
        public var featureVersion: Int
        public var simulations: Int
        public var seed: Int64
        public var codeVersion: String
        /// The checkpoint itself, as JSON text.
        public var checkpoint: String
        public init(circuit: String, algorithm: String, specHash: String, featureVersion: Int, simulations: Int, seed: Int64,
                    codeVersion: String, checkpoint: String) {
            self.circuit = circuit
            self.algorithm = algorithm
            self.specHash = specHash
            self.featureVersion = featureVersion
            self.simulations = simulations
            self.seed = seed
            self.codeVersion = codeVersion
            self.checkpoint = checkpoint
        }
    }
    public struct Result: Codable, Sendable {
        public var id: Int64
        public init(id: Int64) { self.id = id }
    }
}

public enum PoliciesGet: RPCMethod {
    public static let name = "policies.get"
    public struct Params: Codable, Sendable {
        /// A policy id, or the latest for `circuit` and `algorithm`.
        public var id: Int64?
        public var circuit: String?
        public var algorithm: String?
        public init(id: Int64? = nil, circuit: String? = nil, algorithm: String? = nil) {
            self.id = id
            self.circuit = circuit
            self.algorithm = algorithm
        }
    }
    public struct Result: Codable, Sendable {
        public var id: Int64
        public var circuit: String
        public var algorithm: String
        public var specHash: String
        public var featureVersion: Int
        public var simulations: Int
        public var seed: Int64
        public var codeVersion: String
        public var createdAt: Double
        public var checkpoint: String
        public init(id: Int64, circuit: String, algorithm: String, specHash: String, featureVersion: Int, simulations: Int,
                    seed: Int64, codeVersion: String, createdAt: Double, checkpoint: String) {
            self.id = id
            self.circuit = circuit
            self.algorithm = algorithm
            self.specHash = specHash
            self.featureVersion = featureVersion
            self.simulations = simulations
            self.seed = seed
            self.codeVersion = codeVersion
            self.createdAt = createdAt
            self.checkpoint = checkpoint
        }
    }
}

/// Every method the daemon serves, for `hello` and the docs.
public enum MethodNames {
    public static let all = [
        Hello.name, CircuitsList.name, CircuitsDescribe.name, CircuitsTargets.name, CircuitsRegister.name, Eval.name,
        JobsSubmit.name, JobsGet.name, JobsList.name, JobsCancel.name, JobsHistory.name, JobsWatch.name, JobsReplay.name,
        AgentClaim.name, AgentHeartbeat.name, AgentEvaluate.name, AgentFinish.name,
        PoliciesSave.name, PoliciesGet.name,
    ]
}

// Sent with every turn: written and read by hand (see `JSONWriter`, `JSONReader`).
extension AgentEvaluate.Params: JSONWritable, JSONReadable {
    public func write(to writer: inout JSONWriter) throws {
        writer.beginObject()
        try writer.member("candidates", candidates)
        writer.key("job_id")
        writer.int(Int(jobId))
        try writer.member("token", token)
        try writer.member("turn", turn)
        writer.endObject()
    }

    public init(from reader: inout JSONReader) throws {
        var jobId: Int?, token: String?, turn: Int?, candidates: [[Double]]?
        try reader.object { reader, key in
            switch key {
            case "job_id": jobId = try Int(from: &reader)
            case "token": token = try String(from: &reader)
            case "turn": turn = try Int(from: &reader)
            case "candidates": candidates = try [[Double]](from: &reader)
            default: try reader.skipValue()
            }
        }
        guard let jobId, let token, let turn, let candidates else { throw reader.missing("job_id, token, turn or candidates") }
        self.init(jobId: Int64(jobId), token: token, turn: turn, candidates: candidates)
    }
}
