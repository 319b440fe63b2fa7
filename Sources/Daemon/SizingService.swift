import Circuits
import Evaluation
import Foundation
import Logging
import SizerCore
import SizerProtocol
import Store
import WorkerPool

/// The daemon's state and the meaning of every method: circuits, jobs, leases, turns, streams.
/// The wire (framing, JSON, dispatch) is elsewhere; this actor speaks typed params and results.
public actor SizingService {
    let configuration: DaemonConfiguration
    let store: Store
    let evaluatorFactory: @Sendable (Circuit) -> any Evaluator
    let environment: EnvironmentRecord
    let logger: Logger
    private let catalog: CircuitCatalog
    private var circuits: [String: Circuit] = [:]
    /// Jobs whose turn is being simulated now; their leases cannot lapse meanwhile.
    private var busy: Set<Int64> = []
    /// Each leased job as its claim or its last turn left it (running jobs only).
    private var knownJobs: [Int64: JobRecord] = [:]
    private var watchers: [Int64: [UUID: AsyncStream<TurnEvent>.Continuation]] = [:]
    private var shuttingDown = false

    public init(configuration: DaemonConfiguration, store: Store, logger: Logger,
                evaluatorFactory: @escaping @Sendable (Circuit) -> any Evaluator) {
        self.configuration = configuration
        self.store = store
        self.logger = logger
        self.evaluatorFactory = evaluatorFactory
        catalog = CircuitCatalog(paths: configuration.paths)
        environment = EnvironmentProbe.current(paths: configuration.paths)
    }

    // MARK: Circuits

    func circuit(named name: String) throws(RPCError) -> Circuit {
        if let circuit = circuits[name] { return circuit }
        guard !name.contains("/"), !name.hasSuffix(".json"), !name.isEmpty else {
            throw RPCError(.invalidParams, "params.circuit must be the name of a circuit (see circuits.list), not a path")
        }
        guard catalog.specFiles().contains(where: { $0.name == name }) else {
            let known = catalog.specFiles().map(\.name).joined(separator: ", ")
            throw RPCError(.notFound, "unknown circuit '\(name)' (known: \(known))")
        }
        do {
            let circuit = try catalog.circuit(named: name)
            circuits[name] = circuit
            return circuit
        } catch {
            throw RPCError(.internalError, "circuit '\(name)' cannot be loaded: \(error)")
        }
    }

    func listCircuits() -> CircuitsList.Result {
        var entries: [CircuitsList.Entry] = []
        for file in catalog.specFiles() {
            guard let circuit = try? circuit(named: file.name) else { continue }
            entries.append(CircuitsList.Entry(name: circuit.name, description: circuit.spec.description,
                                              models: circuit.spec.models, variables: circuit.space.dimension,
                                              specs: circuit.spec.specs.map(\.metric), builtIn: file.builtIn))
        }
        return CircuitsList.Result(circuits: entries)
    }

    func describe(_ params: CircuitsDescribe.Params) throws(RPCError) -> CircuitsDescribe.Result {
        let circuit = try circuit(named: params.circuit)
        let splits = TargetSplits(spec: circuit.spec)
        let corners = (try? circuit.corners("all")) ?? [circuit.nominalCorner]
        return CircuitsDescribe.Result(
            name: circuit.name, description: circuit.spec.description, models: circuit.spec.models,
            variables: Self.variables(circuit), specs: Self.specs(circuit), figureOfMerit: circuit.spec.figureOfMerit,
            corners: corners.map(\.description), nominalCorner: circuit.nominalCorner.description,
            trainTargets: splits.train.count, testTargets: splits.test.count, specHash: circuit.contentHash)
    }

    static func variables(_ circuit: Circuit) -> [VariableInfo] {
        circuit.space.variables.map {
            VariableInfo(name: $0.name, unit: $0.unit, kind: VariableKindGuess.kind(name: $0.name, unit: $0.unit),
                         min: $0.min, max: $0.max, scale: $0.scale.rawValue, nominal: $0.nominal)
        }
    }

    static func specs(_ circuit: Circuit) -> [SpecInfo] {
        circuit.spec.specs.map {
            SpecInfo(metric: $0.metric, bound: $0.bound, target: $0.target, weight: $0.weight ?? 1, range: $0.range)
        }
    }

    // MARK: Jobs

    func submit(_ params: JobsSubmit.Params) throws(RPCError) -> JobInfo {
        try refuseWhenShuttingDown()
        let circuit = try circuit(named: params.circuit)
        guard OptimizerNames.all.contains(params.optimizer) else {
            throw RPCError(.invalidParams, "params.optimizer must be one of \(OptimizerNames.all.joined(separator: ", ")), not '\(params.optimizer)'")
        }
        guard (1...100_000).contains(params.budget) else {
            throw RPCError(.invalidParams, "params.budget must be between 1 and 100000 simulations, not \(params.budget)")
        }
        let groupSize = params.groupSize ?? min(8, params.budget)
        guard (1...256).contains(groupSize), groupSize <= params.budget else {
            throw RPCError(.invalidParams, "params.group_size must be between 1 and min(256, budget), not \(groupSize)")
        }
        let seed = params.seed ?? 0
        guard seed >= 0 else { throw RPCError(.invalidParams, "params.seed must not be negative") }
        let kind = params.kind ?? .sizing
        guard kind != .eval else { throw RPCError(.invalidParams, "params.kind must be sizing, training or benchmark; use the eval method for one-off evaluations") }
        let (targets, source) = try Self.targets(params, circuit: circuit)
        let corners = try Self.corners(params.corners, circuit: circuit)
        var configJSON: String?
        if let config = params.config {
            guard case .object = config else { throw RPCError(.invalidParams, "params.config must be an object") }
            configJSON = String(decoding: (try? SizerJSON.encoder().encode(config)) ?? Data(), as: UTF8.self)
        }
        let job = NewJob(kind: kind.rawValue, circuit: Self.record(circuit), environment: environment,
                         optimizer: params.optimizer, budget: params.budget, groupSize: groupSize, seed: seed,
                         targets: targets, targetSource: source, corners: corners.map(\.description),
                         configJSON: configJSON)
        let created = try storeCall { try store.createJob(job) }
        logger.info("job queued", metadata: ["job": "\(created.id)", "circuit": "\(circuit.name)",
                                             "optimizer": "\(params.optimizer)", "budget": "\(params.budget)"])
        return JobInfo(created)
    }

    static func targets(_ params: JobsSubmit.Params, circuit: Circuit) throws(RPCError) -> ([SpecTarget], String) {
        let given = [params.targets != nil, params.testTarget != nil, params.trainTarget != nil].filter { $0 }.count
        guard given <= 1 else {
            throw RPCError(.invalidParams, "give at most one of params.targets, params.test_target, params.train_target")
        }
        let splits = TargetSplits(spec: circuit.spec)
        if let index = params.testTarget {
            guard splits.test.indices.contains(index) else {
                throw RPCError(.invalidParams, "params.test_target must be in 0..<\(splits.test.count), not \(index)")
            }
            return (splits.test[index], "test:\(index)")
        }
        if let index = params.trainTarget {
            guard splits.train.indices.contains(index) else {
                throw RPCError(.invalidParams, "params.train_target must be in 0..<\(splits.train.count), not \(index)")
            }
            return (splits.train[index], "train:\(index)")
        }
        if let targets = params.targets {
            try validate(targets, circuit: circuit)
            return (targets, "user")
        }
        return (circuit.spec.defaultTargets, "default")
    }

    static func validate(_ targets: [SpecTarget], circuit: Circuit) throws(RPCError) {
        guard !targets.isEmpty else { throw RPCError(.invalidParams, "params.targets must not be empty") }
        let metrics = Set(circuit.spec.measurements.map(\.name))
        for (index, target) in targets.enumerated() {
            guard metrics.contains(target.metric) else {
                throw RPCError(.invalidParams, "params.targets[\(index)].metric '\(target.metric)' is not measured by \(circuit.name) (measured: \(metrics.sorted().joined(separator: ", ")))")
            }
            guard target.target.isFinite, target.weight.isFinite, target.weight >= 0 else {
                throw RPCError(.invalidParams, "params.targets[\(index)]: target and weight must be finite, weight >= 0")
            }
        }
    }

    static func corners(_ selection: CornerSelection?, circuit: Circuit) throws(RPCError) -> [Corner] {
        let text: String? = switch selection {
        case nil, .nominal: nil
        case .all: "all"
        case .labels(let labels): labels.joined(separator: ",")
        }
        do {
            let corners = try circuit.corners(text)
            guard !corners.isEmpty else { throw RPCError(.invalidParams, "params.corners must not be empty") }
            return corners
        } catch let error as RPCError {
            throw error
        } catch {
            throw RPCError(.invalidParams, "params.corners: \(error)")
        }
    }

    static func record(_ circuit: Circuit) -> CircuitRecord {
        let specText = (try? String(contentsOfFile: circuit.specPath, encoding: .utf8)) ?? ""
        return CircuitRecord(name: circuit.name, specHash: circuit.contentHash, specJSON: specText)
    }

    // Reads need no isolation: the store serves concurrent readers (WAL), so a burst of status
    // queries never waits behind the actor.
    nonisolated func job(_ id: Int64) throws(RPCError) -> JobInfo {
        guard let record = try storeCall({ try store.job(id: id) }) else { throw RPCError(.notFound, "no job \(id)") }
        return JobInfo(record)
    }

    nonisolated func list(_ params: JobsList.Params) throws(RPCError) -> JobsList.Result {
        let limit = params.limit ?? 100
        guard (1...10_000).contains(limit) else { throw RPCError(.invalidParams, "params.limit must be in 1...10000") }
        return JobsList.Result(jobs: try storeCall { try store.jobs(status: params.status?.rawValue, limit: limit) }
            .map(JobInfo.init))
    }

    func cancel(_ id: Int64) throws(RPCError) -> JobInfo {
        knownJobs[id] = nil
        let job = JobInfo(try storeCall { try store.cancelJob(id: id) })
        logger.info("job cancelled", metadata: ["job": "\(id)"])
        endWatchers(of: id)
        return job
    }

    nonisolated func history(_ id: Int64) throws(RPCError) -> JobsHistory.Result {
        let job = try job(id)
        let turns = try storeCall { try store.turns(jobID: id) }
        return JobsHistory.Result(job: job, turns: turns.map(TurnResult.init))
    }

    // MARK: Watching

    /// A stream of turn events of a job; it ends when the job ends (or the daemon stops).
    func watch(_ id: Int64) throws(RPCError) -> AsyncStream<TurnEvent> {
        let job = try job(id)
        let (stream, continuation) = AsyncStream<TurnEvent>.makeStream(bufferingPolicy: .bufferingNewest(1024))
        if job.status.isFinal || shuttingDown {
            continuation.finish()
            return stream
        }
        let key = UUID()
        watchers[id, default: [:]][key] = continuation
        continuation.onTermination = { [weak self] _ in
            Task { await self?.removeWatcher(job: id, key: key) }
        }
        return stream
    }

    private func removeWatcher(job: Int64, key: UUID) {
        watchers[job]?[key] = nil
    }

    private func publish(_ event: TurnEvent) {
        for continuation in watchers[event.jobId]?.values ?? [:].values { continuation.yield(event) }
        if event.status.isFinal { endWatchers(of: event.jobId) }
    }

    private func endWatchers(of id: Int64) {
        for continuation in watchers.removeValue(forKey: id)?.values ?? [:].values { continuation.finish() }
    }

    /// Stops accepting work and ends every stream; in-flight turns still commit.
    func beginShutdown() {
        shuttingDown = true
        for id in Array(watchers.keys) { endWatchers(of: id) }
    }

    private func refuseWhenShuttingDown() throws(RPCError) {
        if shuttingDown { throw RPCError(.shuttingDown, "sizerd is shutting down and accepts no new work") }
    }

    // MARK: The agent's side

    func claim(_ params: AgentClaim.Params) throws(RPCError) -> AgentClaim.Claimed? {
        try refuseWhenShuttingDown()
        guard !params.agent.isEmpty, params.agent.count <= 200 else {
            throw RPCError(.invalidParams, "params.agent must be a name of 1 to 200 characters")
        }
        if let optimizers = params.optimizers, let unknown = optimizers.first(where: { !OptimizerNames.all.contains($0) }) {
            throw RPCError(.invalidParams, "params.optimizers: unknown optimizer '\(unknown)'")
        }
        let token = UUID().uuidString
        guard let record = try storeCall({
            try store.claimNextJob(agent: params.agent, optimizers: params.optimizers, token: token,
                                   leaseSeconds: configuration.leaseSeconds, jobID: params.jobId)
        }) else { return nil }
        knownJobs[record.id] = record
        let circuit = try circuit(named: record.circuit)
        let history = try storeCall { try store.turns(jobID: record.id) }
        logger.info("job leased", metadata: ["job": "\(record.id)", "agent": "\(params.agent)",
                                             "attempt": "\(record.attempts)", "resume_turn": "\(record.turns)"])
        return AgentClaim.Claimed(job: JobInfo(record),
                                  lease: Lease(jobId: record.id, token: token, seconds: configuration.leaseSeconds),
                                  task: Self.task(circuit, targets: record.targets),
                                  history: history.map(TurnResult.init))
    }

    func targets(_ params: CircuitsTargets.Params) throws(RPCError) -> CircuitsTargets.Result {
        let circuit = try circuit(named: params.circuit)
        let splits = TargetSplits(spec: circuit.spec)
        let chosen: [[SpecTarget]]
        switch params.split {
        case "train": chosen = splits.train
        case "test": chosen = splits.test
        default: throw RPCError(.invalidParams, "params.split must be train or test, not '\(params.split)'")
        }
        return CircuitsTargets.Result(targets: chosen, positions: chosen.map { Self.positions(circuit, targets: $0) })
    }

    static func positions(_ circuit: Circuit, targets: [SpecTarget]) -> [Double] {
        let specs = specs(circuit)
        return targets.map { target -> Double in
            guard let range = specs.first(where: { $0.metric == target.metric })?.range, range.count == 2,
                  range[1] > range[0] else { return 0.5 }
            let (low, high) = (range[0], range[1])
            let position = low > 0 && high / low > 10
                ? (log(target.target) - log(low)) / (log(high) - log(low))
                : (target.target - low) / (high - low)
            return position.isFinite ? min(1, max(0, position)) : 0.5
        }
    }

    static func task(_ circuit: Circuit, targets: [SpecTarget]) -> AgentTask {
        let specs = specs(circuit)
        let positions = positions(circuit, targets: targets)
        let targetSpecs = targets.map { target in
            SpecInfo(metric: target.metric, bound: target.bound, target: target.target, weight: target.weight,
                     range: specs.first(where: { $0.metric == target.metric })?.range)
        }
        return AgentTask(circuit: circuit.name, variables: variables(circuit), specs: targetSpecs,
                         targetPositions: positions, specHash: circuit.contentHash)
    }

    func heartbeat(_ params: LeaseRef) throws(RPCError) -> AgentHeartbeat.Result {
        let job = try storeCall {
            try store.renewLease(jobID: params.jobId, token: params.token, leaseSeconds: configuration.leaseSeconds)
        }
        return AgentHeartbeat.Result(seconds: configuration.leaseSeconds, status: JobStatus(rawValue: job.status) ?? .failed)
    }

    func evaluateTurn(_ params: AgentEvaluate.Params) async throws(RPCError) -> AgentEvaluate.Result {
        // Every change to a job goes through this actor, which forgets or updates the job here:
        // a turn of a job it knows needs no read before simulating (the commit checks the lease
        // again in its transaction).
        let job: JobRecord
        if let known = knownJobs[params.jobId], known.leaseToken == params.token {
            job = known
        } else {
            job = try storeCall { try store.leasedJob(id: params.jobId, token: params.token) }
        }
        let circuit = try circuit(named: job.circuit)
        if params.turn < job.turns {
            return try replayCommittedTurn(params, job: job)
        }
        guard params.turn == job.turns else {
            throw RPCError(.conflict, "job \(job.id) expects turn \(job.turns), not \(params.turn)")
        }
        guard (1...job.groupSize).contains(params.candidates.count) else {
            throw RPCError(.invalidParams, "params.candidates must hold 1 to \(job.groupSize) designs (the job's group size), not \(params.candidates.count)")
        }
        guard job.simulationsUsed + params.candidates.count <= job.budget else {
            throw RPCError(.budgetExceeded, "job \(job.id) has \(job.budget - job.simulationsUsed) of \(job.budget) simulations left; \(params.candidates.count) candidates sent")
        }
        for (index, x) in params.candidates.enumerated() {
            guard x.count == circuit.space.dimension else {
                throw RPCError(.invalidParams, "params.candidates[\(index)] has \(x.count) values; \(circuit.name) has \(circuit.space.dimension) variables")
            }
            if let bad = x.firstIndex(where: { !$0.isFinite || $0 < 0 || $0 > 1 }) {
                throw RPCError(.invalidParams, "params.candidates[\(index)][\(bad)] must be a number in [0, 1]")
            }
        }
        guard !busy.contains(job.id) else {
            throw RPCError(.conflict, "job \(job.id) already has a turn being simulated")
        }
        busy.insert(job.id)
        defer { busy.remove(job.id) }
        let started = ContinuousClock.now
        let designs = params.candidates.map(circuit.space.physical)
        let corners = (try? circuit.corners(job.corners.joined(separator: ","))) ?? [circuit.nominalCorner]
        let evaluations = await evaluatorFactory(circuit).evaluate(designs, corners: corners, targets: job.targets)
        let records = zip(params.candidates, evaluations).enumerated().map {
            CandidateRecord(position: $0.offset, x: $0.element.0, evaluation: $0.element.1)
        }
        let wall = (ContinuousClock.now - started).seconds
        let (updated, logged) = try storeCall {
            try store.recordTurn(job: job, token: params.token, turn: params.turn, candidates: records,
                                 wallSeconds: wall, leaseSeconds: configuration.leaseSeconds)
        }
        if knownJobs.count >= 1024 { knownJobs.removeAll() }
        knownJobs[job.id] = updated.status == "running" ? updated : nil
        let turn = TurnResult(logged)
        publish(TurnEvent(jobId: job.id, turn: params.turn, candidates: records.count,
                          simulationsUsed: updated.simulationsUsed, budget: updated.budget,
                          turnBestReward: records.map(\.reward).max() ?? Reward.invalidFloor,
                          bestReward: updated.bestReward ?? Reward.invalidFloor, meetsAllSpecs: updated.meetsAllSpecs,
                          status: JobStatus(rawValue: updated.status) ?? .running))
        return AgentEvaluate.Result(turn: turn, simulationsUsed: updated.simulationsUsed, budget: updated.budget,
                                    status: JobStatus(rawValue: updated.status) ?? .running)
    }

    /// A retried turn (the agent lost the reply): the logged results if the candidates are the same.
    private func replayCommittedTurn(_ params: AgentEvaluate.Params, job: JobRecord) throws(RPCError) -> AgentEvaluate.Result {
        let turns = try storeCall { try store.turns(jobID: job.id) }
        guard let logged = turns.first(where: { $0.turn == params.turn }),
              logged.candidates.map({ $0.x ?? [] }) == params.candidates else {
            throw RPCError(.conflict, "turn \(params.turn) of job \(job.id) is already committed with other candidates")
        }
        return AgentEvaluate.Result(turn: TurnResult(logged), simulationsUsed: job.simulationsUsed, budget: job.budget,
                                    status: JobStatus(rawValue: job.status) ?? .running)
    }

    func finish(_ params: AgentFinish.Params) throws(RPCError) -> JobInfo {
        guard [.done, .failed, .queued].contains(params.status) else {
            throw RPCError(.invalidParams, "params.status must be done, failed or queued")
        }
        knownJobs[params.jobId] = nil
        let record = try storeCall {
            try store.finishJob(id: params.jobId, token: params.token, status: params.status.rawValue, error: params.error)
        }
        let job = JobInfo(record)
        logger.info("job \(params.status == .queued ? "released" : "finished")",
                    metadata: ["job": "\(job.id)", "status": "\(job.status.rawValue)",
                               "best_reward": "\(job.bestReward ?? .nan)", "simulations": "\(job.simulationsUsed)"])
        if job.status.isFinal { endWatchers(of: job.id) }
        return job
    }

    /// Sends jobs whose agent went silent back to the queue.
    func sweepLeases() {
        do {
            let requeued = try store.requeueExpiredLeases(except: busy)
            for id in requeued { knownJobs[id] = nil }
            for id in requeued { logger.warning("lease lapsed; job back in the queue", metadata: ["job": "\(id)"]) }
        } catch {
            logger.error("lease sweep failed: \(error)")
        }
    }

    // MARK: One-off evaluation

    func eval(_ params: Eval.Params) async throws(RPCError) -> Eval.Result {
        try refuseWhenShuttingDown()
        let circuit = try circuit(named: params.circuit)
        guard (1...1000).contains(params.designs.count) else {
            throw RPCError(.invalidParams, "params.designs must hold 1 to 1000 designs")
        }
        let designs = try params.designs.enumerated().map { (index, values) throws(RPCError) -> [String: Double] in
            var design = circuit.space.nominal
            for (name, value) in values { design[name] = value }
            if let reason = circuit.space.invalidReason(design) {
                throw RPCError(.invalidParams, "params.designs[\(index)]: \(reason)")
            }
            return design
        }
        let targets = params.targets ?? circuit.spec.defaultTargets
        if params.targets != nil { try Self.validate(targets, circuit: circuit) }
        let corners = try Self.corners(params.corners, circuit: circuit)
        let job = try storeCall {
            try store.createJob(NewJob(kind: JobKind.eval.rawValue, circuit: Self.record(circuit), environment: environment,
                                       optimizer: "eval", budget: designs.count, groupSize: designs.count, seed: 0,
                                       targets: targets, targetSource: params.targets == nil ? "default" : "user",
                                       corners: corners.map(\.description), configJSON: nil), status: "running")
        }
        let started = ContinuousClock.now
        let evaluations = await evaluatorFactory(circuit).evaluate(designs, corners: corners, targets: targets)
        let records = evaluations.enumerated().map { CandidateRecord(position: $0.offset, x: nil, evaluation: $0.element) }
        let (_, logged) = try storeCall {
            try store.recordTurn(job: job, token: nil, turn: 0, candidates: records,
                                 wallSeconds: (ContinuousClock.now - started).seconds, leaseSeconds: 0)
        }
        _ = try storeCall { try store.finishJob(id: job.id, token: nil, status: "done", error: nil) }
        return Eval.Result(jobId: job.id, results: logged.candidates.map(CandidateResult.init))
    }

    // MARK: Policies

    func savePolicy(_ params: PoliciesSave.Params) throws(RPCError) -> PoliciesSave.Result {
        guard !params.circuit.isEmpty, !params.algorithm.isEmpty, !params.checkpoint.isEmpty else {
            throw RPCError(.invalidParams, "params.circuit, params.algorithm and params.checkpoint must not be empty")
        }
        guard params.simulations >= 0, params.featureVersion >= 1 else {
            throw RPCError(.invalidParams, "params.simulations must be >= 0 and params.feature_version >= 1")
        }
        guard params.checkpoint.utf8.count <= 64 << 20 else {
            throw RPCError(.invalidParams, "params.checkpoint is larger than 64 MiB")
        }
        let id = try storeCall {
            try store.savePolicy(PolicyRecord(circuit: params.circuit, algorithm: params.algorithm,
                                              specHash: params.specHash, featureVersion: params.featureVersion,
                                              simulations: params.simulations, seed: params.seed,
                                              codeVersion: params.codeVersion, checkpointJSON: params.checkpoint))
        }
        return PoliciesSave.Result(id: id)
    }

    func policy(_ params: PoliciesGet.Params) throws(RPCError) -> PoliciesGet.Result {
        guard params.id != nil || (params.circuit != nil && params.algorithm != nil) else {
            throw RPCError(.invalidParams, "give params.id, or params.circuit and params.algorithm")
        }
        guard let record = try storeCall({ try store.policy(id: params.id, circuit: params.circuit, algorithm: params.algorithm) }) else {
            throw RPCError(.notFound, "no such policy")
        }
        return PoliciesGet.Result(id: record.id, circuit: record.circuit, algorithm: record.algorithm,
                                  specHash: record.specHash, featureVersion: record.featureVersion,
                                  simulations: record.simulations, seed: record.seed, codeVersion: record.codeVersion,
                                  createdAt: record.createdAt, checkpoint: record.checkpointJSON)
    }

    // MARK: Helpers

    /// Runs a store call, giving its errors their wire form.
    private nonisolated func storeCall<T>(_ body: () throws -> T) throws(RPCError) -> T {
        do {
            return try body()
        } catch let error as StoreError {
            if error.kind == .storageUnavailable { logger.error("\(error.message)") }
            throw error.rpcError
        } catch let error as RPCError {
            throw error
        } catch {
            logger.error("database error: \(error)")
            throw RPCError(.internalError, "database error: \(error)")
        }
    }
}

extension Duration {
    var seconds: Double {
        let (whole, attoseconds) = components
        return Double(whole) + Double(attoseconds) * 1e-18
    }
}

/// A variable's kind from its unit and name: lets a policy share weights across variables of a kind.
enum VariableKindGuess {
    static func kind(name: String, unit: String?) -> String {
        switch (unit ?? "").lowercased() {
        case "a", "ua", "ma": return "current"
        case "f", "pf", "ff": return "capacitance"
        case "ohm", "ohms", "kohm": return "resistance"
        case "v": return "voltage"
        case "m", "um", "nm":
            let first = name.lowercased().first
            return first == "l" ? "length" : first == "w" ? "width" : "other"
        default: return "other"
        }
    }
}
