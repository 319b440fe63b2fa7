import SizerCore

extension EvaluatedCandidate {
    /// The candidate at `index` of its turn, as the evaluator left it; non-finite metric values
    /// become "unmeasured" (JSON has no inf or NaN). The run log numbers its simulation.
    public init(index: Int, x: [Double]?, evaluation: DesignEvaluation) {
        self.init(index: index, x: x, design: evaluation.design, outcome: evaluation.outcome,
                  reward: evaluation.reward, meetsAllSpecs: evaluation.meetsAllSpecs,
                  metrics: evaluation.metrics.finiteOnly, specs: evaluation.specs.map(\.finiteOnly),
                  message: evaluation.message, simSeconds: evaluation.simSeconds, worker: evaluation.worker,
                  corners: evaluation.corners.map {
                      CornerResult(corner: $0.corner, outcome: $0.outcome, metrics: $0.metrics.finiteOnly,
                                   errors: $0.errors, simSeconds: $0.seconds)
                  })
    }
}
