import GRDB
import SizerCore

/// A `jobs` row joined with its circuit's name and hash (see `Store.jobSelect`).
extension Job: FetchableRecord {
    enum Columns {
        static let id = Column("id"), kind = Column("kind"), optimizer = Column("optimizer")
        static let budget = Column("budget"), groupSize = Column("group_size"), seed = Column("seed")
        static let targetsJSON = Column("targets_json"), targetSource = Column("target_source")
        static let cornersJSON = Column("corners_json"), configJSON = Column("config_json")
        static let status = Column("status"), simulationsUsed = Column("simulations_used"), turns = Column("turns")
        static let bestReward = Column("best_reward"), meetsAllSpecs = Column("meets_all_specs")
        static let simulationsToSuccess = Column("simulations_to_success"), agent = Column("agent")
        static let leaseToken = Column("lease_token"), leaseExpiresAt = Column("lease_expires_at")
        static let attempts = Column("attempts"), error = Column("error"), createdAt = Column("created_at")
        static let startedAt = Column("started_at"), finishedAt = Column("finished_at")
        /// From the joined `circuits` row.
        static let circuitName = Column("circuit_name"), circuitSpecHash = Column("circuit_spec_hash")
    }

    public init(row: Row) throws {
        self.init(
            id: row[Columns.id], kind: try Self.decode(JobKind.self, row[Columns.kind]),
            circuit: row[Columns.circuitName], specHash: row[Columns.circuitSpecHash],
            optimizer: row[Columns.optimizer], budget: row[Columns.budget], groupSize: row[Columns.groupSize],
            seed: row[Columns.seed], targets: try JSONText.decode([SpecTarget].self, row[Columns.targetsJSON]),
            targetSource: row[Columns.targetSource],
            corners: try JSONText.decode([String].self, row[Columns.cornersJSON]), configJSON: row[Columns.configJSON],
            status: try Self.decode(JobStatus.self, row[Columns.status]), simulationsUsed: row[Columns.simulationsUsed],
            turns: row[Columns.turns], bestReward: row[Columns.bestReward], meetsAllSpecs: row[Columns.meetsAllSpecs],
            simulationsToSuccess: row[Columns.simulationsToSuccess], agent: row[Columns.agent],
            leaseToken: row[Columns.leaseToken], leaseExpiresAt: row[Columns.leaseExpiresAt],
            attempts: row[Columns.attempts], error: row[Columns.error], createdAt: row[Columns.createdAt],
            startedAt: row[Columns.startedAt], finishedAt: row[Columns.finishedAt])
    }

    /// An enum column's value; the schema's CHECKs allow only known values, so anything else is a
    /// corrupt file, reported as such rather than read as some default.
    static func decode<E: RawRepresentable>(_ type: E.Type, _ text: String) throws -> E where E.RawValue == String {
        guard let value = E(rawValue: text) else {
            throw StoreError(.invalid, "the run log holds an unknown \(E.self) '\(text)'")
        }
        return value
    }
}

/// The columns of a job that change after submission, read again inside a turn's commit.
struct JobProgress: FetchableRecord {
    typealias Columns = Job.Columns
    static let selection = """
        SELECT status, simulations_used, turns, best_reward, meets_all_specs, simulations_to_success, agent,
               lease_token, lease_expires_at, attempts, error, started_at, finished_at
        FROM jobs WHERE id = ?
        """
    var status: JobStatus
    var simulationsUsed: Int
    var turns: Int
    var bestReward: Double?
    var meetsAllSpecs: Bool
    var simulationsToSuccess: Int?
    var agent: String?
    var leaseToken: String?
    var leaseExpiresAt: Double?
    var attempts: Int
    var error: String?
    var startedAt: Double?
    var finishedAt: Double?

    init(row: Row) throws {
        status = try Job.decode(JobStatus.self, row[Columns.status])
        simulationsUsed = row[Columns.simulationsUsed]
        turns = row[Columns.turns]
        bestReward = row[Columns.bestReward]
        meetsAllSpecs = row[Columns.meetsAllSpecs]
        simulationsToSuccess = row[Columns.simulationsToSuccess]
        agent = row[Columns.agent]
        leaseToken = row[Columns.leaseToken]
        leaseExpiresAt = row[Columns.leaseExpiresAt]
        attempts = row[Columns.attempts]
        error = row[Columns.error]
        startedAt = row[Columns.startedAt]
        finishedAt = row[Columns.finishedAt]
    }

    /// `job` with these columns.
    func applied(to job: Job) -> Job {
        var current = job
        current.status = status
        current.simulationsUsed = simulationsUsed
        current.turns = turns
        current.bestReward = bestReward
        current.meetsAllSpecs = meetsAllSpecs
        current.simulationsToSuccess = simulationsToSuccess
        current.agent = agent
        current.leaseToken = leaseToken
        current.leaseExpiresAt = leaseExpiresAt
        current.attempts = attempts
        current.error = error
        current.startedAt = startedAt
        current.finishedAt = finishedAt
        return current
    }
}
