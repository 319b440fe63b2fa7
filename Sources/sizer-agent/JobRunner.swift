import Agent
import Foundation
import SizerClient
import SizerCore
import SizerProtocol

/// Runs one leased job: propose a turn from the history, have the daemon simulate and commit it,
/// repeat until the budget is spent; then finish. A resumed job continues from the logged turns.
struct JobRunner {
    let client: SizerClient
    let claimed: AgentClaim.Claimed
    let optimizer: any Optimizer
    /// Stop at the first turn where a candidate meets every spec (default: spend the budget on the figure of merit).
    let stopOnSuccess: Bool
    let log: (String) -> Void

    enum Ending { case finished(JobInfo), released, cancelled, leaseLost }

    func run(keeper: LeaseKeeper) throws -> Ending {
        let task = SizingTask(claimed: claimed)
        let lease = claimed.lease
        let giveUp = { keeper.leaseWasLost || keeper.jobWasCancelled }
        var history = claimed.history.map(TurnRecord.init)
        var used = claimed.job.simulationsUsed
        var met = claimed.job.meetsAllSpecs
        while used < task.budget && !(stopOnSuccess && met) {
            if keeper.jobWasCancelled { return .cancelled }
            if keeper.leaseWasLost { return .leaseLost }
            if StopSignal.isRequested {
                _ = try client.call(AgentFinish.self, .init(jobId: lease.jobId, token: lease.token, status: .queued))
                return .released
            }
            let count = min(task.groupSize, task.budget - used)
            var generator = task.generator(turn: history.count)
            let proposals: [[Double]]
            do {
                proposals = try optimizer.propose(task: task, history: history, count: count, using: &generator)
            } catch {
                let job = try StorageRetry.call("failing job \(lease.jobId)", giveUp: giveUp) {
                    try client.call(AgentFinish.self, .init(jobId: lease.jobId, token: lease.token, status: .failed,
                                                            error: "optimizer \(optimizer.name) failed: \(error)"))
                }
                return .finished(job)
            }
            let result: AgentEvaluate.Result
            do {
                result = try StorageRetry.call("job \(lease.jobId) turn \(history.count)", giveUp: giveUp) {
                    try client.call(AgentEvaluate.self, .init(jobId: lease.jobId, token: lease.token,
                                                              turn: history.count, candidates: proposals))
                }
            } catch let error as RPCError where error.kind == .jobCancelled {
                return .cancelled
            } catch let error as RPCError where error.kind == .conflict {
                return keeper.jobWasCancelled ? .cancelled : .leaseLost
            } catch let error as RPCError where error.kind == .storageUnavailable {
                // Stopped waiting (lease lost, job cancelled, or a stop request): nothing of this turn
                // was recorded, and the lease runs out by itself.
                return keeper.jobWasCancelled ? .cancelled : .leaseLost
            }
            history.append(TurnRecord(result.turn))
            used = result.simulationsUsed
            met = met || result.turn.candidates.contains(where: \.meetsAllSpecs)
            let best = history.flatMap(\.candidates).map(\.reward).max() ?? .nan
            log("job \(lease.jobId) turn \(result.turn.turn): \(used)/\(task.budget) sims, best \(String(format: "%.4f", best))\(met ? ", specs met" : "")")
        }
        do {
            let job = try StorageRetry.call("finishing job \(lease.jobId)", giveUp: giveUp) {
                try client.call(AgentFinish.self, .init(jobId: lease.jobId, token: lease.token, status: .done))
            }
            return .finished(job)
        } catch let error as RPCError where error.kind == .storageUnavailable {
            return keeper.jobWasCancelled ? .cancelled : .leaseLost
        }
    }
}

extension SizingTask {
    /// The optimizer's view of a leased job.
    init(claimed: AgentClaim.Claimed) {
        let task = claimed.task
        self.init(
            circuit: task.circuit,
            variables: task.variables.map { Variable(name: $0.name, kind: $0.kind) },
            specs: zip(task.specs, task.targetPositions).map {
                Spec(metric: $0.0.metric, bound: $0.0.bound, target: $0.0.target, position: $0.1)
            },
            budget: claimed.job.budget, groupSize: claimed.job.groupSize,
            seed: UInt64(bitPattern: claimed.job.seed))
    }
}

extension TurnRecord {
    init(_ turn: TurnResult) {
        self.init(index: turn.turn, candidates: turn.candidates.map {
            Candidate(x: $0.x ?? [], reward: $0.reward, meetsAllSpecs: $0.meetsAllSpecs, margins: $0.margins,
                      outcome: $0.outcome)
        })
    }
}
