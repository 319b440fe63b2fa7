import Foundation
import GRDB
import SizerCore

/// The run log: one SQLite file in WAL mode, so `sqlite3` can read it while the daemon writes.
/// Every method is one transaction that keeps the log's invariants; no SQL lives elsewhere.
public final class Store: Sendable {
    private let writer: any DatabaseWriter
    public let path: String

    /// Opens (creating and migrating if needed) the database at `path`, and checks that it can be
    /// written: a file or folder sizerd may not write, a full disk, a missing folder that cannot be
    /// created throw `StoreError(.storageUnavailable)` naming the path and the reason.
    public init(path: String) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            // A turn acknowledged to the agent must survive a power cut, not just a crash.
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        self.path = path
        let directory = (path as NSString).deletingLastPathComponent
        do {
            if !directory.isEmpty {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            }
        } catch {
            throw StoreError(.storageUnavailable, "cannot open the run log \(path): its folder cannot be created (\(error.localizedDescription))")
        }
        // A file sizerd may not write: say so before SQLite opens it read-only and leaves a -wal and
        // a -shm file beside it.
        if FileManager.default.fileExists(atPath: path) && !FileManager.default.isWritableFile(atPath: path) {
            throw StoreError(.storageUnavailable, "cannot open the run log \(path): the file is read-only for sizerd (uid \(getuid()))")
        }
        do {
            let pool = try DatabasePool(path: path, configuration: configuration)
            writer = pool
            try Schema.migrator.migrate(pool)
            // SQLite opens a file it may not write read-only without complaint and serves reads from
            // it, and a run log with every migration applied may need no write to open: the first
            // write would fail, after sizerd had accepted work. Make sure now: this statement changes
            // nothing but needs a write transaction on the file.
            try transaction { db in try db.execute(sql: "UPDATE jobs SET id = id WHERE 0") }
        } catch {
            throw StorageFailure(error)?.storeError(path: path, .open) ?? error
        }
    }

    /// Opens an existing database for reading only (no migration), e.g. for `sizer replay --db`.
    public init(readingOnly path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else {
            throw StoreError(.notFound, "no database at \(path)")
        }
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(10)
        writer = try DatabaseQueue(path: path, configuration: configuration)
        self.path = path
    }

    static func now() -> Double { Date().timeIntervalSince1970 }

    // MARK: Transactions

    /// Runs `body` in one write transaction. A storage failure (see `StorageFailure`) rolls it back
    /// and throws `StoreError(.storageUnavailable)`. Before giving up, the WAL is checkpointed into
    /// the database file and truncated: the WAL holds a copy of a page per commit that changed it, so
    /// on a full disk this gives back space, and the transaction (which changed nothing) is run once
    /// more. When space returns, the next write simply succeeds: SQLite needs no reopening.
    private func write<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try transaction(body)
        } catch let first as StorageFailure {
            guard (try? writer.writeWithoutTransaction({ db in try db.checkpoint(.truncate) })) != nil else {
                throw first.storeError(path: path, .write)
            }
            do {
                return try transaction(body)
            } catch var again as StorageFailure {
                if again.systemErrno == 0 { again.systemErrno = first.systemErrno }
                throw again.storeError(path: path, .write)
            }
        }
    }

    /// `writer.write`, with storage errors caught while the connection can still tell their `errno`.
    private func transaction<T>(_ body: (Database) throws -> T) throws -> T {
        try writer.writeWithoutTransaction { db in
            var result: T?
            do {
                try db.inTransaction {
                    result = try body(db)
                    return .commit
                }
            } catch {
                throw StorageFailure(error, connection: db.sqliteConnection) ?? error
            }
            return result!
        }
    }

    /// `writer.read`, with storage errors (a failing disk) given the store's form.
    private func read<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try writer.read { db in
                do {
                    return try body(db)
                } catch {
                    throw StorageFailure(error, connection: db.sqliteConnection) ?? error
                }
            }
        } catch {
            throw StorageFailure(error)?.storeError(path: path, .read) ?? error
        }
    }

    // MARK: Jobs

    /// Inserts a queued job (or a running one, for `eval`) and returns it.
    public func createJob(_ job: NewJob, status: JobStatus = .queued) throws -> Job {
        try write { db in
            let circuitID = try Self.circuitID(db, job.circuit)
            let environmentID = try Self.environmentID(db, job.environment)
            let now = Self.now()
            try db.execute(sql: """
                INSERT INTO jobs (kind, circuit_id, environment_id, optimizer, budget, group_size, seed, targets_json,
                                  target_source, corners_json, config_json, status, created_at, started_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [job.kind.rawValue, circuitID, environmentID, job.optimizer, job.budget, job.groupSize, job.seed,
                                 try JSONText.encode(job.targets), job.targetSource, try JSONText.encode(job.corners),
                                 job.configJSON, status.rawValue, now, status == .running ? now : nil])
            return try Self.job(db, id: db.lastInsertedRowID)!
        }
    }

    public func job(id: Int64) throws -> Job? {
        try read { db in try Self.job(db, id: id) }
    }

    /// Jobs, newest first.
    public func jobs(status: JobStatus?, limit: Int) throws -> [Job] {
        try read { db in
            try Job.fetchAll(db, sql: """
                \(Self.jobSelect) WHERE (?1 IS NULL OR j.status = ?1) ORDER BY j.id DESC LIMIT ?2
                """, arguments: [status?.rawValue, limit])
        }
    }

    /// Leases the oldest queued sizing job to `agent`, or the queued job `jobID` (of any kind but eval).
    public func claimNextJob(agent: String, optimizers: [String]?, token: String, leaseSeconds: Double,
                             jobID: Int64? = nil) throws -> Job? {
        try write { db in
            let queued = try Row.fetchAll(db, sql: """
                SELECT id, optimizer FROM jobs
                WHERE status = 'queued' AND kind != 'eval' AND (?1 IS NULL AND kind = 'sizing' OR id = ?1)
                ORDER BY id
                """, arguments: [jobID])
            guard let row = queued.first(where: { optimizers?.contains($0[Job.Columns.optimizer]) ?? true }) else {
                return nil
            }
            let id: Int64 = row[Job.Columns.id]
            let now = Self.now()
            try db.execute(sql: """
                UPDATE jobs SET status = 'running', agent = ?, lease_token = ?, lease_expires_at = ?,
                                attempts = attempts + 1, started_at = coalesce(started_at, ?)
                WHERE id = ?
                """, arguments: [agent, token, now + leaseSeconds, now, id])
            return try Self.job(db, id: id)
        }
    }

    /// Extends the lease of a job its holder still owns; throws `conflict` otherwise.
    public func renewLease(jobID: Int64, token: String, leaseSeconds: Double) throws -> Job {
        try write { db in
            let job = try Self.leasedJob(db, id: jobID, token: token, allowCancelled: true)
            if job.status == .running {
                try db.execute(sql: "UPDATE jobs SET lease_expires_at = ? WHERE id = ?",
                               arguments: [Self.now() + leaseSeconds, jobID])
            }
            return try Self.job(db, id: jobID)!
        }
    }

    /// Checks that `token` holds the lease of a running job.
    public func leasedJob(id: Int64, token: String) throws -> Job {
        try read { db in try Self.leasedJob(db, id: id, token: token, allowCancelled: false) }
    }

    /// Sends running jobs whose lease has lapsed back to the queue (except `busy` ones, whose turn is
    /// being simulated); they resume from their last committed turn. Returns their ids.
    public func requeueExpiredLeases(except busy: Set<Int64>) throws -> [Int64] {
        try write { db in
            let ids = try Int64.fetchAll(db, sql: """
                SELECT id FROM jobs WHERE status = 'running' AND kind != 'eval' AND lease_expires_at < ?
                """, arguments: [Self.now()]).filter { !busy.contains($0) }
            for id in ids {
                try db.execute(sql: """
                    UPDATE jobs SET status = 'queued', agent = NULL, lease_token = NULL, lease_expires_at = NULL
                    WHERE id = ?
                    """, arguments: [id])
            }
            return ids
        }
    }

    /// Commits one turn: checks the lease (unless `token` is nil, for `eval`), the turn order and the
    /// budget, numbers the simulations, inserts turn, candidates and corners, updates the job's
    /// running figures and renews the lease, all in one transaction.
    /// `known` is the job as the caller read it before simulating; inside the transaction only the
    /// columns that change after submission are read again (and checked), not the whole row.
    public func recordTurn(job known: Job, token: String?, turn: Int, candidates: [EvaluatedCandidate],
                           wallSeconds: Double, leaseSeconds: Double) throws -> (job: Job, turn: TurnResult) {
        let jobID = known.id
        return try write { db in
            guard let job = try Self.currentState(db, of: known) else { throw StoreError(.notFound, "no job \(jobID)") }
            if let token { try Self.checkLease(job, token: token, allowCancelled: false) }
            if let refusal = job.refusal(turn: turn, candidates: candidates.count) { throw StoreError(refusal) }
            let now = Self.now()
            // Cached statements: a turn runs these for every candidate and corner, and compiling
            // them again each time was a good part of the commit.
            try db.cachedStatement(sql: """
                INSERT INTO turns (job_id, turn, agent, attempt, wall_seconds, created_at) VALUES (?, ?, ?, ?, ?, ?)
                """).execute(arguments: [jobID, turn, job.agent, job.attempts, wallSeconds, now])
            let turnID = db.lastInsertedRowID
            var logged: [EvaluatedCandidate] = []
            var best = job.bestReward
            var toSuccess = job.simulationsToSuccess
            for (offset, var candidate) in candidates.enumerated() {
                candidate.index = offset
                candidate.simulation = job.simulationsUsed + offset + 1
                try db.cachedStatement(sql: """
                    INSERT INTO candidates (turn_id, job_id, turn, position, simulation, x_json, design_json, outcome,
                                            reward, meets_all_specs, metrics_json, specs_json, message, sim_seconds, worker)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """).execute(arguments: [turnID, jobID, turn, candidate.index, candidate.simulation,
                                     try candidate.x.map(JSONText.encode), try JSONText.encode(candidate.design),
                                     candidate.outcome.rawValue, candidate.reward, candidate.meetsAllSpecs,
                                     try JSONText.encode(candidate.metrics), try JSONText.encode(candidate.specs),
                                     candidate.message, candidate.simSeconds, candidate.worker])
                let candidateID = db.lastInsertedRowID
                for corner in candidate.corners {
                    try db.cachedStatement(sql: """
                        INSERT INTO candidate_corners (candidate_id, corner, outcome, metrics_json, errors_json, sim_seconds)
                        VALUES (?, ?, ?, ?, ?, ?)
                        """).execute(arguments: [candidateID, corner.corner, corner.outcome.rawValue,
                                         try JSONText.encode(corner.metrics), try JSONText.encode(corner.errors),
                                         corner.simSeconds])
                }
                best = max(best ?? candidate.reward, candidate.reward)
                if candidate.meetsAllSpecs && toSuccess == nil { toSuccess = candidate.simulation }
                logged.append(candidate)
            }
            try db.cachedStatement(sql: """
                UPDATE jobs SET turns = turns + 1, simulations_used = simulations_used + ?, best_reward = ?,
                                meets_all_specs = ?, simulations_to_success = ?,
                                lease_expires_at = CASE WHEN lease_token IS NULL THEN NULL ELSE ? END
                WHERE id = ?
                """).execute(arguments: [candidates.count, best, toSuccess != nil, toSuccess, now + leaseSeconds, jobID])
            // The row as the UPDATE left it, without reading it back (and decoding its JSON) again.
            var updated = job
            updated.turns += 1
            updated.simulationsUsed += candidates.count
            updated.bestReward = best
            updated.meetsAllSpecs = toSuccess != nil
            updated.simulationsToSuccess = toSuccess
            updated.leaseExpiresAt = job.leaseToken == nil ? nil : now + leaseSeconds
            return (updated, TurnResult(turn: turn, candidates: logged))
        }
    }

    /// Ends a job: `done` or `failed` by its lease holder (or by the daemon when `token` is nil),
    /// or back to `queued` when the holder gives it up.
    public func finishJob(id: Int64, token: String?, status: JobStatus, error: String?) throws -> Job {
        try write { db in
            if let token {
                _ = try Self.leasedJob(db, id: id, token: token, allowCancelled: false)
            } else if try Self.job(db, id: id) == nil {
                throw StoreError(.notFound, "no job \(id)")
            }
            switch status {
            case .queued:
                try db.execute(sql: """
                    UPDATE jobs SET status = 'queued', agent = NULL, lease_token = NULL, lease_expires_at = NULL
                    WHERE id = ?
                    """, arguments: [id])
            case .done, .failed:
                try db.execute(sql: """
                    UPDATE jobs SET status = ?, error = ?, lease_token = NULL, lease_expires_at = NULL, finished_at = ?
                    WHERE id = ?
                    """, arguments: [status.rawValue, error, Self.now(), id])
            case .running, .cancelled:
                throw StoreError(.invalid, "a job can be finished as done, failed or queued, not \(status.rawValue)")
            }
            return try Self.job(db, id: id)!
        }
    }

    /// Cancels a queued or running job; a finished job cannot be cancelled.
    public func cancelJob(id: Int64) throws -> Job {
        try write { db in
            guard let job = try Self.job(db, id: id) else { throw StoreError(.notFound, "no job \(id)") }
            guard !job.status.isFinal else {
                throw StoreError(.conflict, "job \(id) is already \(job.status.rawValue)")
            }
            try db.execute(sql: """
                UPDATE jobs SET status = 'cancelled', lease_expires_at = NULL, finished_at = ?
                WHERE id = ?
                """, arguments: [Self.now(), id])
            return try Self.job(db, id: id)!
        }
    }

    /// Every committed turn of a job, in order, with candidates and their corners.
    public func turns(jobID: Int64) throws -> [TurnResult] {
        try read { db in
            var corners: [Int64: [CornerResult]] = [:]
            let cornerRows = try Row.fetchCursor(db, sql: """
                SELECT cc.* FROM candidate_corners cc JOIN candidates k ON k.id = cc.candidate_id
                WHERE k.job_id = ? ORDER BY cc.candidate_id, cc.rowid
                """, arguments: [jobID])
            while let row = try cornerRows.next() {
                corners[row[CornerResult.Columns.candidateID], default: []].append(try CornerResult(row: row))
            }
            let numbers = try Int.fetchAll(db, sql: "SELECT turn FROM turns WHERE job_id = ? ORDER BY turn",
                                           arguments: [jobID])
            var turns = numbers.map { TurnResult(turn: $0, candidates: []) }
            let slots = Dictionary(uniqueKeysWithValues: numbers.enumerated().map { ($1, $0) })
            let rows = try Row.fetchCursor(db, sql: "SELECT * FROM candidates WHERE job_id = ? ORDER BY simulation",
                                           arguments: [jobID])
            while let row = try rows.next() {
                var candidate = try EvaluatedCandidate(row: row)
                candidate.corners = corners[row[EvaluatedCandidate.Columns.id]] ?? []
                if let slot = slots[row[EvaluatedCandidate.Columns.turn]] { turns[slot].candidates.append(candidate) }
            }
            return turns
        }
    }

    // MARK: Registered circuits

    /// Keeps a registered circuit; true if it is new, false if the same name and hash were kept
    /// already. Throws `conflict` for a name kept with another hash, and `invalid` past `limit`.
    public func register(_ circuit: RegisteredCircuit, limit: Int) throws -> Bool {
        try write { db in
            if let known = try RegisteredCircuit.fetchOne(db, sql: "SELECT * FROM registered_circuits WHERE name = ?",
                                                          arguments: [circuit.name]) {
                guard known.specHash == circuit.specHash else {
                    throw StoreError(.conflict, "circuit '\(circuit.name)' is registered with another spec or netlist (hash \(known.specHash)); register the new one under another name")
                }
                return false
            }
            let count = try Int.fetchOne(db, sql: "SELECT count(*) FROM registered_circuits") ?? 0
            guard count < limit else {
                throw StoreError(.invalid, "the run log holds \(count) registered circuits, the most it takes")
            }
            try db.execute(sql: """
                INSERT INTO registered_circuits (name, spec_hash, spec_json, netlist, registered_at) VALUES (?, ?, ?, ?, ?)
                """, arguments: [circuit.name, circuit.specHash, circuit.specJSON, circuit.netlist, Self.now()])
            return true
        }
    }

    public func registeredCircuit(named name: String) throws -> RegisteredCircuit? {
        try read { db in
            try RegisteredCircuit.fetchOne(db, sql: "SELECT * FROM registered_circuits WHERE name = ?", arguments: [name])
        }
    }

    /// Every registered circuit, by name.
    public func registeredCircuits() throws -> [RegisteredCircuit] {
        try read { db in try RegisteredCircuit.fetchAll(db, sql: "SELECT * FROM registered_circuits ORDER BY name") }
    }

    // MARK: Policies

    public func savePolicy(_ policy: PolicyRecord) throws -> Int64 {
        try write { db in
            try db.execute(sql: """
                INSERT INTO policies (circuit, algorithm, spec_hash, feature_version, simulations, seed, code_version,
                                      checkpoint_json, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [policy.circuit, policy.algorithm, policy.specHash, policy.featureVersion,
                                 policy.simulations, policy.seed, policy.codeVersion, policy.checkpointJSON, Self.now()])
            return db.lastInsertedRowID
        }
    }

    /// A policy by id, or the newest for a circuit and algorithm.
    public func policy(id: Int64?, circuit: String?, algorithm: String?) throws -> PolicyRecord? {
        try read { db in
            if let id {
                return try PolicyRecord.fetchOne(db, sql: "SELECT * FROM policies WHERE id = ?", arguments: [id])
            }
            return try PolicyRecord.fetchOne(db, sql: """
                SELECT * FROM policies WHERE circuit = ? AND algorithm = ? ORDER BY id DESC LIMIT 1
                """, arguments: [circuit, algorithm])
        }
    }

    // MARK: Reading rows

    static let jobSelect = """
        SELECT j.*, c.name AS circuit_name, c.spec_hash AS circuit_spec_hash
        FROM jobs j JOIN circuits c ON c.id = j.circuit_id
        """

    static func job(_ db: Database, id: Int64) throws -> Job? {
        try Job.fetchOne(try db.cachedStatement(sql: "\(jobSelect) WHERE j.id = ?"), arguments: [id])
    }

    static func leasedJob(_ db: Database, id: Int64, token: String, allowCancelled: Bool) throws -> Job {
        guard let job = try job(db, id: id) else { throw StoreError(.notFound, "no job \(id)") }
        try checkLease(job, token: token, allowCancelled: allowCancelled)
        return job
    }

    /// Throws unless `token` holds the lease of `job`, which must be running: `cancelled` to the
    /// last holder of a cancelled job (so its agent stops), `conflict` otherwise.
    static func checkLease(_ job: Job, token: String, allowCancelled: Bool) throws {
        // A cancelled job keeps its last holder's token, so only that agent learns of the cancel.
        if job.status == .cancelled && job.leaseToken == token && token != "" {
            if allowCancelled { return }
            throw StoreError(.cancelled, "job \(job.id) was cancelled")
        }
        guard job.status == .running else {
            throw StoreError(.conflict, "job \(job.id) is \(job.status.rawValue), not running")
        }
        guard job.leaseToken == token else {
            throw StoreError(.conflict, "job \(job.id) is not leased to you (the lease lapsed or another agent holds it)")
        }
    }

    /// `job` with the columns a job's life changes read again from the database (nil if it is gone).
    static func currentState(_ db: Database, of job: Job) throws -> Job? {
        try JobProgress.fetchOne(try db.cachedStatement(sql: JobProgress.selection), arguments: [job.id])?.applied(to: job)
    }

    static func circuitID(_ db: Database, _ circuit: CircuitRecord) throws -> Int64 {
        try db.execute(sql: "INSERT OR IGNORE INTO circuits (name, spec_hash, spec_json) VALUES (?, ?, ?)",
                       arguments: [circuit.name, circuit.specHash, circuit.specJSON])
        return try Int64.fetchOne(db, sql: "SELECT id FROM circuits WHERE name = ? AND spec_hash = ?",
                                  arguments: [circuit.name, circuit.specHash])!
    }

    static func environmentID(_ db: Database, _ environment: EnvironmentRecord) throws -> Int64 {
        try db.execute(sql: """
            INSERT OR IGNORE INTO environments (sizer_version, ngspice_version, pdk, pdk_hash, created_at)
            VALUES (?, ?, ?, ?, ?)
            """, arguments: [environment.sizerVersion, environment.ngspiceVersion, environment.pdk,
                             environment.pdkHash, now()])
        return try Int64.fetchOne(db, sql: """
            SELECT id FROM environments WHERE sizer_version = ? AND ngspice_version = ? AND pdk = ? AND pdk_hash = ?
            """, arguments: [environment.sizerVersion, environment.ngspiceVersion, environment.pdk,
                             environment.pdkHash])!
    }
}

/// JSON text columns, with the one Sizer JSON configuration.
enum JSONText {
    static func encode<T: Encodable>(_ value: T) throws -> String {
        // Every candidate of every turn writes several blobs: the hand-written writer when it can.
        if let writable = value as? any JSONWritable { return String(decoding: try writable.jsonBytes(), as: UTF8.self) }
        return String(decoding: try SizerJSON.encoder().encode(value), as: UTF8.self)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        // Reading a job or a turn decodes several blobs: the hand-written reader when it can.
        if let readable = T.self as? any JSONReadable.Type, let value = try JSONReader.read(readable, from: Array(text.utf8)) as? T {
            return value
        }
        return try SizerJSON.decoder().decode(T.self, from: Data(text.utf8))
    }
}
