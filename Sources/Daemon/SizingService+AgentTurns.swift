import Circuits
import Evaluation
import Foundation
import SizerCore
import SizerProtocol
import Store

// The agent's side: claim, heartbeat, one turn's evaluation and commit, finish, lapsed leases.
extension SizingService {
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
                                  history: history)
    }

    func heartbeat(_ params: LeaseRef) throws(RPCError) -> AgentHeartbeat.Result {
        let job = try storeCall {
            try store.renewLease(jobID: params.jobId, token: params.token, leaseSeconds: configuration.leaseSeconds)
        }
        return AgentHeartbeat.Result(seconds: configuration.leaseSeconds, status: job.status)
    }

    func evaluateTurn(_ params: AgentEvaluate.Params) async throws(RPCError) -> AgentEvaluate.Result {
        // Every change to a job goes through this actor, which forgets or updates the job here:
        // a turn of a job it knows needs no read before simulating (the commit checks the lease
        // again in its transaction).
        let job: Job
        if let known = knownJobs[params.jobId], known.leaseToken == params.token {
            job = known
        } else {
            job = try storeCall { try store.leasedJob(id: params.jobId, token: params.token) }
        }
        let circuit = try circuit(named: job.circuit)
        if params.turn < job.turns {
            return try replayCommittedTurn(params, job: job)
        }
        if case .outOfOrder? = job.refusal(turn: params.turn, candidates: 0) {
            throw job.refusal(turn: params.turn, candidates: 0)!.rpcError
        }
        guard (1...job.groupSize).contains(params.candidates.count) else {
            throw RPCError(.invalidParams, "params.candidates must hold 1 to \(job.groupSize) designs (the job's group size), not \(params.candidates.count)")
        }
        if let refusal = job.refusal(turn: params.turn, candidates: params.candidates.count) { throw refusal.rpcError }
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
            EvaluatedCandidate(index: $0.offset, x: $0.element.0, evaluation: $0.element.1)
        }
        let wall = (ContinuousClock.now - started).seconds
        let (updated, logged) = try storeCall {
            try store.recordTurn(job: job, token: params.token, turn: params.turn, candidates: records,
                                 wallSeconds: wall, leaseSeconds: configuration.leaseSeconds)
        }
        if knownJobs.count >= 1024 { knownJobs.removeAll() }
        knownJobs[job.id] = updated.status == .running ? updated : nil
        watchers.publish(TurnEvent(jobId: job.id, turn: params.turn, candidates: records.count,
                                   simulationsUsed: updated.simulationsUsed, budget: updated.budget,
                                   turnBestReward: records.map(\.reward).max() ?? Reward.invalidFloor,
                                   bestReward: updated.bestReward ?? Reward.invalidFloor,
                                   meetsAllSpecs: updated.meetsAllSpecs, status: updated.status))
        return AgentEvaluate.Result(turn: logged, simulationsUsed: updated.simulationsUsed, budget: updated.budget,
                                    status: updated.status)
    }

    /// A retried turn (the agent lost the reply): the logged results if the candidates are the same.
    func replayCommittedTurn(_ params: AgentEvaluate.Params, job: Job) throws(RPCError) -> AgentEvaluate.Result {
        let turns = try storeCall { try store.turns(jobID: job.id) }
        guard let logged = turns.first(where: { $0.turn == params.turn }),
              logged.candidates.map({ $0.x ?? [] }) == params.candidates else {
            throw RPCError(.conflict, "turn \(params.turn) of job \(job.id) is already committed with other candidates")
        }
        return AgentEvaluate.Result(turn: logged, simulationsUsed: job.simulationsUsed, budget: job.budget,
                                    status: job.status)
    }

    func finish(_ params: AgentFinish.Params) throws(RPCError) -> JobInfo {
        guard [.done, .failed, .queued].contains(params.status) else {
            throw RPCError(.invalidParams, "params.status must be done, failed or queued")
        }
        knownJobs[params.jobId] = nil
        let record = try storeCall {
            try store.finishJob(id: params.jobId, token: params.token, status: params.status, error: params.error)
        }
        let job = JobInfo(record)
        logger.info("job \(params.status == .queued ? "released" : "finished")",
                    metadata: ["job": "\(job.id)", "status": "\(job.status.rawValue)",
                               "best_reward": "\(job.bestReward ?? .nan)", "simulations": "\(job.simulationsUsed)"])
        if job.status.isFinal { watchers.end(job: job.id) }
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
}
