import GRDB

/// A `policies` row.
extension PolicyRecord: FetchableRecord {
    enum Columns {
        static let id = Column("id"), circuit = Column("circuit"), algorithm = Column("algorithm")
        static let specHash = Column("spec_hash"), featureVersion = Column("feature_version")
        static let simulations = Column("simulations"), seed = Column("seed"), codeVersion = Column("code_version")
        static let checkpointJSON = Column("checkpoint_json"), createdAt = Column("created_at")
    }

    public init(row: Row) {
        self.init(id: row[Columns.id], circuit: row[Columns.circuit], algorithm: row[Columns.algorithm],
                  specHash: row[Columns.specHash], featureVersion: row[Columns.featureVersion],
                  simulations: row[Columns.simulations], seed: row[Columns.seed],
                  codeVersion: row[Columns.codeVersion], checkpointJSON: row[Columns.checkpointJSON],
                  createdAt: row[Columns.createdAt])
    }
}
