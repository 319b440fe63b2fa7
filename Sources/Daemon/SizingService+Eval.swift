import Circuits
import Evaluation
import Foundation
import SizerCore
import SizerProtocol
import Store

// One-off evaluation: designs in physical units, logged as a one-turn eval job.
extension SizingService {
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
            try store.createJob(NewJob(kind: .eval, circuit: Self.record(circuit), environment: environment,
                                       optimizer: "eval", budget: designs.count, groupSize: designs.count, seed: 0,
                                       targets: targets, targetSource: params.targets == nil ? "default" : "user",
                                       corners: corners.map(\.description), configJSON: nil), status: .running)
        }
        let started = ContinuousClock.now
        let evaluations = await evaluatorFactory(circuit).evaluate(designs, corners: corners, targets: targets)
        let records = evaluations.enumerated().map { EvaluatedCandidate(index: $0.offset, x: nil, evaluation: $0.element) }
        let (_, logged) = try storeCall {
            try store.recordTurn(job: job, token: nil, turn: 0, candidates: records,
                                 wallSeconds: (ContinuousClock.now - started).seconds, leaseSeconds: 0)
        }
        _ = try storeCall { try store.finishJob(id: job.id, token: nil, status: .done, error: nil) }
        return Eval.Result(jobId: job.id, results: logged.candidates)
    }
}
