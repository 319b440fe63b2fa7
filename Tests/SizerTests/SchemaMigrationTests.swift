import Foundation
import SizerCore
@testable import Store
import SizerTestSupport
import Testing

/// A run log made by an older Sizer opens, migrates and keeps every row.
@Suite struct SchemaMigrationTests {
    /// v1 as it first shipped: `jobs.kind` did not yet allow `benchmark`.
    static let firstV1 = Schema.v1.replacingOccurrences(of: "'training', 'benchmark'", with: "'training'")

    @Test func aFileMadeByTheFirstV1MigratesAndKeepsItsRows() throws {
        // Given a file made by v1 as first shipped, with a finished job, one turn and one candidate,
        let path = TestPaths.temporaryDirectory("migration") + "/old.sqlite"
        #expect(Self.firstV1 != Schema.v1)
        _ = try Sqlite3.query(path, Self.firstV1 + """
            CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY);
            INSERT INTO grdb_migrations VALUES ('v1: jobs, turns, candidates, corners, policies, views');
            INSERT INTO environments VALUES (1, '0.1', '39', 'sky130', 'abc', 0);
            INSERT INTO circuits VALUES (1, 'ota', 'h1', '{}');
            INSERT INTO jobs (id, kind, circuit_id, environment_id, optimizer, budget, group_size, seed, targets_json,
                              target_source, corners_json, status, simulations_used, turns, best_reward,
                              meets_all_specs, created_at)
            VALUES (1, 'sizing', 1, 1, 'bo', 4, 2, 7, '[{"bound":"lower","metric":"gain_db","target":40,"weight":1}]',
                    'default', '["tt"]', 'done', 1, 1, 0.25, 0, 1000);
            INSERT INTO turns VALUES (1, 1, 0, 'agent', 1, 0.5, 1001);
            INSERT INTO candidates VALUES (1, 1, 1, 0, 0, 1, '[0.5]', '{"w1":1e-06}', 'ok', 0.25, 0, '{"gain_db":38}',
                '[{"bound":"lower","margin":-0.05,"met":false,"metric":"gain_db","target":40,"value":38}]', NULL, 0.01, 1);
            """)
        // which refuses a benchmark job, as that version did,
        #expect(throws: Sqlite3.Failure.self) {
            try Sqlite3.query(path, """
                INSERT INTO jobs (kind, circuit_id, environment_id, optimizer, budget, group_size, seed, targets_json,
                                  target_source, corners_json, status, created_at)
                VALUES ('benchmark', 1, 1, 'bo', 4, 2, 0, '[]', 'default', '[]', 'queued', 0)
                """)
        }
        // when today's store opens it,
        let store = try Store(path: path)
        // then the old job, its turn and its candidate read back as they were,
        let job = try #require(try store.job(id: 1))
        #expect(job.kind == .sizing && job.status == .done && job.seed == 7 && job.bestReward == 0.25)
        #expect(job.targets == [SpecTarget(metric: "gain_db", bound: .lower, target: 40)])
        let turns = try store.turns(jobID: 1)
        #expect(turns.map(\.turn) == [0])
        #expect(turns.first?.candidates.first?.x == [0.5])
        #expect(turns.first?.candidates.first?.metrics == ["gain_db": 38])
        #expect(turns.first?.candidates.first?.simulation == 1)
        // a benchmark job is accepted, and the file is sound: views, references and integrity.
        let benchmark = try store.createJob(NewJob(
            kind: .benchmark, circuit: CircuitRecord(name: "ota", specHash: "h1", specJSON: "{}"),
            environment: EnvironmentRecord(sizerVersion: "0.1", ngspiceVersion: "39", pdk: "sky130", pdkHash: "abc"),
            optimizer: "bo", budget: 4, groupSize: 2, seed: 0, targets: [], targetSource: "default", corners: ["tt"],
            configJSON: nil))
        #expect(benchmark.kind == .benchmark && benchmark.id == 2)
        #expect(try Sqlite3.query(path, "SELECT group_concat(job_id || ':' || status) FROM job_summary") == "1:done,2:queued")
        #expect(try Sqlite3.query(path, "PRAGMA foreign_key_check") == "")
        #expect(try Sqlite3.query(path, "PRAGMA integrity_check") == "ok")
        #expect(try Sqlite3.query(path, "SELECT count(*) FROM grdb_migrations") == "\(Schema.migrator.migrations.count)")
    }

    @Test func aNewFileGetsTheSameJobsTableAsAMigratedOne() throws {
        // Given a new file and one migrated from the first v1,
        let directory = TestPaths.temporaryDirectory("migration")
        _ = try Store(path: directory + "/new.sqlite")
        _ = try Sqlite3.query(directory + "/old.sqlite", Self.firstV1 + """
            CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY);
            INSERT INTO grdb_migrations VALUES ('v1: jobs, turns, candidates, corners, policies, views');
            """)
        _ = try Store(path: directory + "/old.sqlite")
        // then both have the same schema, text for text.
        let schema = "SELECT group_concat(sql, ';') FROM (SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name)"
        let new = try Sqlite3.query(directory + "/new.sqlite", schema)
        #expect(new.contains("'benchmark'"))
        #expect(try Sqlite3.query(directory + "/old.sqlite", schema) == new)
    }
}
