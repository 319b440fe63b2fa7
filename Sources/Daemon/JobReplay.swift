import Circuits
import Evaluation
import Foundation
import SizerCore
import SizerProtocol
import Store

/// Re-simulates every logged candidate of a job, in order and in the same turn groups, and
/// compares outcome, reward, spec verdict and metrics with the log. A deterministic simulator
/// must give zero mismatches.
public struct JobReplay: Sendable {
    /// Relative tolerance on metrics and rewards: the log stores shortest round-trip decimals, so
    /// anything beyond this is a real difference.
    public var tolerance = 1e-9

    public init() {}

    public func run(job: Job, turns: [TurnResult], evaluator: any Evaluator) async -> JobsReplay.Result {
        let circuit = evaluator.circuit
        let corners = (try? circuit.corners(job.corners.joined(separator: ","))) ?? [circuit.nominalCorner]
        var details: [JobsReplay.Mismatch] = []
        var mismatched = 0
        var count = 0
        var maxRewardDifference = 0.0
        for turn in turns {
            let replayed = await evaluator.evaluate(turn.candidates.map(\.design), corners: corners, targets: job.targets)
            for (logged, fresh) in zip(turn.candidates, replayed) {
                count += 1
                let record = EvaluatedCandidate(index: logged.index, x: logged.x, evaluation: fresh)
                let differences = compare(logged, record)
                maxRewardDifference = max(maxRewardDifference, abs(logged.reward - record.reward))
                if !differences.isEmpty {
                    mismatched += 1
                    for (field, old, new) in differences where details.count < 100 {
                        details.append(.init(turn: turn.turn, index: logged.index, field: field, logged: old, replayed: new))
                    }
                }
            }
        }
        return JobsReplay.Result(jobId: job.id, candidates: count, mismatches: mismatched,
                                 maxRewardDifference: maxRewardDifference, details: details)
    }

    func compare(_ logged: EvaluatedCandidate, _ fresh: EvaluatedCandidate) -> [(String, String, String)] {
        var differences: [(String, String, String)] = []
        if logged.outcome != fresh.outcome {
            differences.append(("outcome", logged.outcome.rawValue, fresh.outcome.rawValue))
        }
        if !close(logged.reward, fresh.reward) {
            differences.append(("reward", "\(logged.reward)", "\(fresh.reward)"))
        }
        if logged.meetsAllSpecs != fresh.meetsAllSpecs {
            differences.append(("meets_all_specs", "\(logged.meetsAllSpecs)", "\(fresh.meetsAllSpecs)"))
        }
        for name in Set(logged.metrics.keys).union(fresh.metrics.keys).sorted() {
            let old = logged.metrics[name] ?? nil
            let new = fresh.metrics[name] ?? nil
            switch (old, new) {
            case (nil, nil): continue
            case let (a?, b?) where close(a, b): continue
            default: differences.append(("metrics.\(name)", old.map { "\($0)" } ?? "null", new.map { "\($0)" } ?? "null"))
            }
        }
        return differences
    }

    func close(_ a: Double, _ b: Double) -> Bool {
        abs(a - b) <= tolerance * max(1, abs(a), abs(b))
    }
}

extension SizingService {
    func replay(_ id: Int64) async throws(RPCError) -> JobsReplay.Result {
        try await { () async throws(RPCError) -> JobsReplay.Result in
            guard let job = try? store.job(id: id) else { throw RPCError(.notFound, "no job \(id)") }
            let turns: [TurnResult]
            do { turns = try store.turns(jobID: id) } catch { throw RPCError(.internalError, "database error: \(error)") }
            let circuit = try circuit(named: job.circuit)
            guard circuit.contentHash == job.specHash else {
                throw RPCError(.conflict, "circuit \(job.circuit) changed since job \(id) ran (spec hash \(job.specHash), now \(circuit.contentHash)); replay needs the same netlist and spec")
            }
            return await JobReplay().run(job: job, turns: turns, evaluator: evaluatorFactory(circuit))
        }()
    }
}
