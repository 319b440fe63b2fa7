import GRDB
import SizerCore

/// A `candidates` row; its corners come from `candidate_corners` (see `Store.turns(jobID:)`).
extension EvaluatedCandidate: FetchableRecord {
    enum Columns {
        static let id = Column("id"), turnID = Column("turn_id"), jobID = Column("job_id"), turn = Column("turn")
        static let position = Column("position"), simulation = Column("simulation"), xJSON = Column("x_json")
        static let designJSON = Column("design_json"), outcome = Column("outcome"), reward = Column("reward")
        static let meetsAllSpecs = Column("meets_all_specs"), metricsJSON = Column("metrics_json")
        static let specsJSON = Column("specs_json"), message = Column("message"), simSeconds = Column("sim_seconds")
        static let worker = Column("worker")
    }

    public init(row: Row) throws {
        let xText: String? = row[Columns.xJSON]
        self.init(
            index: row[Columns.position], simulation: row[Columns.simulation],
            x: try xText.map { try JSONText.decode([Double].self, $0) },
            design: try JSONText.decode([String: Double].self, row[Columns.designJSON]),
            outcome: try Job.decode(EvalOutcome.self, row[Columns.outcome]), reward: row[Columns.reward],
            meetsAllSpecs: row[Columns.meetsAllSpecs], metrics: try JSONText.decode(Metrics.self, row[Columns.metricsJSON]),
            specs: try JSONText.decode([SpecResult].self, row[Columns.specsJSON]), message: row[Columns.message],
            simSeconds: row[Columns.simSeconds], worker: row[Columns.worker], corners: [])
    }
}

/// A `candidate_corners` row.
extension CornerResult: FetchableRecord {
    enum Columns {
        static let candidateID = Column("candidate_id"), corner = Column("corner"), outcome = Column("outcome")
        static let metricsJSON = Column("metrics_json"), errorsJSON = Column("errors_json")
        static let simSeconds = Column("sim_seconds")
    }

    public init(row: Row) throws {
        self.init(corner: row[Columns.corner], outcome: try Job.decode(EvalOutcome.self, row[Columns.outcome]),
                  metrics: try JSONText.decode(Metrics.self, row[Columns.metricsJSON]),
                  errors: try JSONText.decode([String].self, row[Columns.errorsJSON]),
                  simSeconds: row[Columns.simSeconds])
    }
}
