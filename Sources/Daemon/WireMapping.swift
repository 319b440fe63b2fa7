import Evaluation
import Foundation
import SizerCore
import SizerProtocol
import Store

// Store records <-> wire types, in one place.

extension JobInfo {
    init(_ record: JobRecord) {
        let config = record.configJSON.flatMap { try? SizerJSON.decoder().decode(JSONValue.self, from: Data($0.utf8)) }
        self.init(id: record.id, kind: JobKind(rawValue: record.kind) ?? .sizing, circuit: record.circuit,
                  optimizer: record.optimizer, budget: record.budget, groupSize: record.groupSize, seed: record.seed,
                  targets: record.targets, targetSource: record.targetSource, corners: record.corners, config: config,
                  status: JobStatus(rawValue: record.status) ?? .failed, simulationsUsed: record.simulationsUsed,
                  turns: record.turns, bestReward: record.bestReward, meetsAllSpecs: record.meetsAllSpecs,
                  simulationsToSuccess: record.simulationsToSuccess, agent: record.agent, error: record.error,
                  createdAt: record.createdAt, startedAt: record.startedAt, finishedAt: record.finishedAt)
    }
}

extension CandidateResult {
    init(_ record: CandidateRecord) {
        self.init(index: record.position, x: record.x, design: record.design, outcome: record.outcome,
                  reward: record.reward, meetsAllSpecs: record.meetsAllSpecs, metrics: record.metrics,
                  specs: record.specs, message: record.message, simSeconds: record.simSeconds, worker: record.worker,
                  corners: record.corners.map {
                      CornerResult(corner: $0.corner, outcome: $0.outcome, metrics: $0.metrics, errors: $0.errors,
                                   simSeconds: $0.simSeconds)
                  })
    }
}

extension TurnResult {
    init(_ turn: LoggedTurn) {
        self.init(turn: turn.turn, candidates: turn.candidates.map(CandidateResult.init))
    }
}

extension CandidateRecord {
    /// A record of one evaluation; non-finite metric values become "unmeasured" (JSON has no inf/NaN).
    init(position: Int, x: [Double]?, evaluation: DesignEvaluation) {
        self.init(position: position, x: x, design: evaluation.design, outcome: evaluation.outcome,
                  reward: evaluation.reward, meetsAllSpecs: evaluation.meetsAllSpecs,
                  metrics: evaluation.metrics.finiteOnly, specs: evaluation.specs.map(\.finiteOnly),
                  message: evaluation.message, simSeconds: evaluation.simSeconds, worker: evaluation.worker,
                  corners: evaluation.corners.map {
                      CornerRecord(corner: $0.corner, outcome: $0.outcome, metrics: $0.metrics.finiteOnly,
                                   errors: $0.errors, simSeconds: $0.seconds)
                  })
    }
}

extension Dictionary where Key == String, Value == Double? {
    var finiteOnly: Metrics { mapValues { value in value.flatMap { $0.isFinite ? $0 : nil } } }
}

extension SpecResult {
    var finiteOnly: SpecResult {
        var copy = self
        if let value, !value.isFinite { copy.value = nil }
        if let margin, !margin.isFinite { copy.margin = nil }
        return copy
    }
}

extension StoreError: RPCErrorConvertible {
    public var rpcError: RPCError {
        switch kind {
        case .notFound: RPCError(.notFound, message)
        case .conflict: RPCError(.conflict, message)
        case .budgetExceeded: RPCError(.budgetExceeded, message)
        case .invalid: RPCError(.invalidParams, message)
        case .storageUnavailable:
            RPCError(.storageUnavailable, "\(message); this request was not recorded (reads still work): retry once the run log can be written again")
        }
    }
}
