import GRDB

/// The run log's schema. Never edit a shipped migration; add one.
enum Schema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: jobs, turns, candidates, corners, policies, views") { db in
            try db.execute(sql: v1)
        }
        migrator.registerMigration("v2: jobs.kind allows benchmark in every database") { db in
            try db.execute(sql: v2)
        }
        migrator.registerMigration("v3: circuits registered over the socket") { db in
            try db.execute(sql: v3)
        }
        return migrator
    }

    /// As shipped, except that `jobs.kind` first allowed only sizing, eval and training: that
    /// CHECK was widened in place. Files made before then are repaired by v2.
    static let v1 = """
                CREATE TABLE environments (
                    id INTEGER PRIMARY KEY,
                    sizer_version TEXT NOT NULL,
                    ngspice_version TEXT NOT NULL,
                    pdk TEXT NOT NULL,
                    pdk_hash TEXT NOT NULL,
                    created_at REAL NOT NULL,
                    UNIQUE (sizer_version, ngspice_version, pdk, pdk_hash)
                );
                CREATE TABLE circuits (
                    id INTEGER PRIMARY KEY,
                    name TEXT NOT NULL,
                    spec_hash TEXT NOT NULL,
                    spec_json TEXT NOT NULL,
                    UNIQUE (name, spec_hash)
                );
                CREATE TABLE jobs (
                    id INTEGER PRIMARY KEY,
                    kind TEXT NOT NULL CHECK (kind IN ('sizing', 'eval', 'training', 'benchmark')),
                    circuit_id INTEGER NOT NULL REFERENCES circuits(id),
                    environment_id INTEGER NOT NULL REFERENCES environments(id),
                    optimizer TEXT NOT NULL,
                    budget INTEGER NOT NULL CHECK (budget > 0),
                    group_size INTEGER NOT NULL CHECK (group_size > 0),
                    seed INTEGER NOT NULL,
                    targets_json TEXT NOT NULL,
                    target_source TEXT NOT NULL,
                    corners_json TEXT NOT NULL,
                    config_json TEXT,
                    status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed', 'cancelled')),
                    simulations_used INTEGER NOT NULL DEFAULT 0 CHECK (simulations_used BETWEEN 0 AND budget),
                    turns INTEGER NOT NULL DEFAULT 0 CHECK (turns >= 0),
                    best_reward REAL,
                    meets_all_specs INTEGER NOT NULL DEFAULT 0 CHECK (meets_all_specs IN (0, 1)),
                    simulations_to_success INTEGER,
                    agent TEXT,
                    lease_token TEXT,
                    lease_expires_at REAL,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    error TEXT,
                    created_at REAL NOT NULL,
                    started_at REAL,
                    finished_at REAL
                );
                CREATE INDEX jobs_by_status ON jobs(status, id);
                CREATE TABLE turns (
                    id INTEGER PRIMARY KEY,
                    job_id INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
                    turn INTEGER NOT NULL CHECK (turn >= 0),
                    agent TEXT,
                    attempt INTEGER NOT NULL,
                    wall_seconds REAL NOT NULL,
                    created_at REAL NOT NULL,
                    UNIQUE (job_id, turn)
                );
                CREATE TABLE candidates (
                    id INTEGER PRIMARY KEY,
                    turn_id INTEGER NOT NULL REFERENCES turns(id) ON DELETE CASCADE,
                    job_id INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
                    turn INTEGER NOT NULL,
                    position INTEGER NOT NULL CHECK (position >= 0),
                    simulation INTEGER NOT NULL CHECK (simulation >= 1),
                    x_json TEXT,
                    design_json TEXT NOT NULL,
                    outcome TEXT NOT NULL CHECK (outcome IN ('ok', 'invalid', 'failed', 'timeout', 'crashed')),
                    reward REAL NOT NULL,
                    meets_all_specs INTEGER NOT NULL CHECK (meets_all_specs IN (0, 1)),
                    metrics_json TEXT NOT NULL,
                    specs_json TEXT NOT NULL,
                    message TEXT,
                    sim_seconds REAL NOT NULL,
                    worker INTEGER,
                    UNIQUE (turn_id, position),
                    UNIQUE (job_id, simulation)
                );
                CREATE TABLE candidate_corners (
                    candidate_id INTEGER NOT NULL REFERENCES candidates(id) ON DELETE CASCADE,
                    corner TEXT NOT NULL,
                    outcome TEXT NOT NULL CHECK (outcome IN ('ok', 'invalid', 'failed', 'timeout', 'crashed')),
                    metrics_json TEXT NOT NULL,
                    errors_json TEXT NOT NULL,
                    sim_seconds REAL NOT NULL,
                    PRIMARY KEY (candidate_id, corner)
                );
                CREATE TABLE policies (
                    id INTEGER PRIMARY KEY,
                    circuit TEXT NOT NULL,
                    algorithm TEXT NOT NULL,
                    spec_hash TEXT NOT NULL,
                    feature_version INTEGER NOT NULL,
                    simulations INTEGER NOT NULL CHECK (simulations >= 0),
                    seed INTEGER NOT NULL,
                    code_version TEXT NOT NULL,
                    checkpoint_json TEXT NOT NULL,
                    created_at REAL NOT NULL
                );

                -- One row per job: what `sizer status` shows.
                CREATE VIEW job_summary AS
                SELECT j.id AS job_id, j.kind, c.name AS circuit, j.optimizer, j.status,
                       j.simulations_used, j.budget, j.group_size, j.turns, j.best_reward,
                       j.meets_all_specs, j.simulations_to_success, j.target_source, j.agent, j.attempts,
                       datetime(j.created_at, 'unixepoch') AS created,
                       round(coalesce(j.finished_at, (julianday('now') - 2440587.5) * 86400.0) - j.started_at, 3) AS run_seconds,
                       j.error
                FROM jobs j JOIN circuits c ON c.id = j.circuit_id;

                -- Best reward against simulations spent, one row per simulation.
                CREATE VIEW job_convergence AS
                SELECT job_id, simulation, turn, position, outcome, reward,
                       max(reward) OVER (PARTITION BY job_id ORDER BY simulation
                                         ROWS UNBOUNDED PRECEDING) AS best_reward,
                       meets_all_specs,
                       max(meets_all_specs) OVER (PARTITION BY job_id ORDER BY simulation
                                                  ROWS UNBOUNDED PRECEDING) AS met_so_far
                FROM candidates;

                -- Per circuit: jobs, simulations, outcomes, time.
                CREATE VIEW circuit_stats AS
                SELECT c.name AS circuit,
                       (SELECT count(*) FROM jobs j JOIN circuits c2 ON c2.id = j.circuit_id
                         WHERE c2.name = c.name) AS jobs,
                       count(k.id) AS simulations,
                       sum(k.outcome = 'ok') AS ok,
                       sum(k.outcome IN ('failed', 'timeout', 'crashed')) AS failures,
                       sum(k.outcome = 'invalid') AS invalid,
                       round(avg(k.meets_all_specs), 4) AS pass_rate,
                       round(avg(k.sim_seconds) * 1000, 2) AS mean_sim_ms
                FROM circuits c
                LEFT JOIN jobs j ON j.circuit_id = c.id
                LEFT JOIN candidates k ON k.job_id = j.id
                GROUP BY c.name;

                -- Per circuit and optimizer, over finished sizing jobs: the comparison users ask for.
                CREATE VIEW optimizer_stats AS
                SELECT c.name AS circuit, j.optimizer, j.budget, count(*) AS jobs,
                       round(avg(j.meets_all_specs), 4) AS success_rate,
                       round(avg(j.simulations_to_success), 2) AS mean_sims_to_success,
                       round(avg(j.best_reward), 4) AS mean_best_reward
                FROM jobs j JOIN circuits c ON c.id = j.circuit_id
                WHERE j.kind = 'sizing' AND j.status = 'done'
                GROUP BY c.name, j.optimizer, j.budget;
                """

    /// Rebuilds `jobs` with the CHECK that v1 has today, so that a file made by v1 as it first
    /// shipped accepts benchmark jobs too; every row, index and reference stays as it was.
    /// SQLite cannot change a CHECK in place. With `legacy_alter_table` the rename leaves the
    /// views (which refer to `jobs` by name) alone instead of failing on them mid-rebuild.
    static let v2 = """
        PRAGMA legacy_alter_table = ON;
        CREATE TABLE jobs_v2 (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL CHECK (kind IN ('sizing', 'eval', 'training', 'benchmark')),
            circuit_id INTEGER NOT NULL REFERENCES circuits(id),
            environment_id INTEGER NOT NULL REFERENCES environments(id),
            optimizer TEXT NOT NULL,
            budget INTEGER NOT NULL CHECK (budget > 0),
            group_size INTEGER NOT NULL CHECK (group_size > 0),
            seed INTEGER NOT NULL,
            targets_json TEXT NOT NULL,
            target_source TEXT NOT NULL,
            corners_json TEXT NOT NULL,
            config_json TEXT,
            status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed', 'cancelled')),
            simulations_used INTEGER NOT NULL DEFAULT 0 CHECK (simulations_used BETWEEN 0 AND budget),
            turns INTEGER NOT NULL DEFAULT 0 CHECK (turns >= 0),
            best_reward REAL,
            meets_all_specs INTEGER NOT NULL DEFAULT 0 CHECK (meets_all_specs IN (0, 1)),
            simulations_to_success INTEGER,
            agent TEXT,
            lease_token TEXT,
            lease_expires_at REAL,
            attempts INTEGER NOT NULL DEFAULT 0,
            error TEXT,
            created_at REAL NOT NULL,
            started_at REAL,
            finished_at REAL
        );
        INSERT INTO jobs_v2 SELECT * FROM jobs;
        DROP TABLE jobs;
        ALTER TABLE jobs_v2 RENAME TO jobs;
        CREATE INDEX jobs_by_status ON jobs(status, id);
        PRAGMA legacy_alter_table = OFF;
        """

    /// Circuits sent inline with `circuits.register`: spec and netlist text, so they load again
    /// after a restart. One row per name; a name keeps its hash.
    static let v3 = """
        CREATE TABLE registered_circuits (
            name TEXT PRIMARY KEY,
            spec_hash TEXT NOT NULL,
            spec_json TEXT NOT NULL,
            netlist TEXT NOT NULL,
            registered_at REAL NOT NULL
        );
        """
}
