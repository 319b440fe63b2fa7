import Foundation
import SizerClient
import SizerProtocol
import SizerTestSupport
import Testing

/// `sizer` and `sizer-agent` as users run them, against a real daemon.
@Suite(.serialized) struct CommandLineTests {
    @Test func submitStatusHistoryReplayAndReportThroughTheDaemon() throws {
        let daemon = try DaemonProcess()
        let socket = ["--socket", daemon.socketPath]
        let submit = try CommandRun.run("sizer", ["submit"] + socket + ["--circuit", "ota_l1", "--optimizer", "random",
                                                                       "--budget", "6", "--group", "3", "--test-target", "4", "--json"])
        #expect(submit.status == 0, "\(submit.stderr)")
        let id = try #require(submit.json?["id"] as? Int)
        let queued = try CommandRun.run("sizer", ["status", "\(id)"] + socket + ["--json"])
        #expect(queued.json?["status"] as? String == "queued")

        let agent = try AgentProcess(socketPath: daemon.socketPath, name: "cli", arguments: ["--until-idle"],
                                     directory: daemon.directory)
        #expect(agent.wait(timeout: 300) == 0)
        let status = try CommandRun.run("sizer", ["status", "\(id)"] + socket + ["--json"])
        #expect(status.json?["status"] as? String == "done")
        #expect(status.json?["simulations_used"] as? Int == 6)

        let history = try CommandRun.run("sizer", ["history", "\(id)"] + socket)
        #expect(history.status == 0)
        #expect(history.stdout.contains("best candidate"))
        #expect(history.stdout.split(separator: "\n").count >= 4)

        // Replay through the daemon, then straight from the database file with local workers.
        let replay = try CommandRun.run("sizer", ["replay", "\(id)"] + socket + ["--json"])
        #expect(replay.status == 0, "\(replay.stdout) \(replay.stderr)")
        #expect(replay.json?["mismatches"] as? Int == 0)
        #expect(replay.json?["candidates"] as? Int == 6)
        let offline = try CommandRun.run("sizer", ["replay", "\(id)", "--db", daemon.databasePath, "--json"])
        #expect(offline.json?["mismatches"] as? Int == 0, "\(offline.stderr)")

        let svg = daemon.directory + "/job.svg"
        let report = try CommandRun.run("sizer", ["report", "\(id)", "--svg", svg] + socket)
        #expect(report.status == 0)
        #expect(try String(contentsOfFile: svg, encoding: .utf8).contains("<polyline"))

        // `sizer eval` goes through the running daemon, which logs it.
        let eval = try CommandRun.run("sizer", ["eval", "--circuit", "ota_l1", "--set", "ib=4e-5"] + socket)
        #expect(eval.status == 0, "\(eval.stderr)")
        #expect(eval.stdout.contains("logged    job"))
        #expect(try Sqlite3.query(daemon.databasePath, "SELECT count(*) FROM jobs WHERE kind = 'eval'") == "1")

        // Errors are one clear line, not a stack trace.
        let missing = try CommandRun.run("sizer", ["status", "99999"] + socket)
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("no job 99999"))
        let noDaemon = try CommandRun.run("sizer", ["status", "1", "--socket", daemon.directory + "/nothing.sock"])
        #expect(noDaemon.status == 1)
        #expect(noDaemon.stderr.contains("cannot connect to sizerd"))
        let badFlags = try CommandRun.run("sizer", ["submit", "--circuit", "ota_l1", "--optimizer", "bo", "--budget", "0"])
        #expect(badFlags.status != 0)
        #expect(badFlags.stderr.contains("--budget must be positive"))
        #expect(daemon.stop() == 0)
    }

    @Test func trainExportImportAndATrainedPolicyServesAJob() throws {
        let daemon = try DaemonProcess()
        let socket = ["--socket", daemon.socketPath]
        let file = daemon.directory + "/policy.json"
        // Given a small training run (two updates) on the fast test circuit,
        let train = try CommandRun.run("sizer-agent", ["train"] + socket + ["--circuit", "ota_l1", "--algo", "tlgrpo",
                                                                           "--sims", "384", "--validation", "2", "--out", file])
        #expect(train.status == 0, "\(train.stderr)")
        #expect(train.stderr.contains("validation after 384 sims"))
        // its checkpoint is in the daemon and in the file, and imports again as a new policy,
        let client = try daemon.client()
        let stored = try client.call(PoliciesGet.self, .init(circuit: "ota_l1", algorithm: "tlgrpo"))
        #expect(stored.simulations == 384)
        let exported = daemon.directory + "/exported.json"
        #expect(try CommandRun.run("sizer-agent", ["export"] + socket + ["--id", "\(stored.id)", "--out", exported]).status == 0)
        #expect(try String(contentsOfFile: exported, encoding: .utf8) == String(contentsOfFile: file, encoding: .utf8))
        let imported = try CommandRun.run("sizer-agent", ["import"] + socket + [exported])
        #expect(imported.stdout.contains("stored as policy \(stored.id + 1)"))
        #expect(try CommandRun.run("sizer-agent", ["import"] + socket + [daemon.logPath]).status != 0)
        // and a tlgrpo job runs with it; its training jobs were never handed to the serving agent.
        let job = try client.call(JobsSubmit.self, .init(circuit: "ota_l1", optimizer: "tlgrpo", budget: 8, groupSize: 4))
        let agent = try AgentProcess(socketPath: daemon.socketPath, name: "policy", arguments: ["--until-idle"],
                                     directory: daemon.directory)
        #expect(agent.wait(timeout: 300) == 0)
        let done = try client.call(JobsGet.self, JobID(id: job.id))
        #expect(done.status == .done, "\(agent.log)")
        #expect(done.simulationsUsed == 8)
        #expect(try Sqlite3.query(daemon.databasePath,
                                  "SELECT count(*) FROM jobs WHERE kind = 'training' AND agent = 'policy'") == "0")
        #expect(try Sqlite3.query(daemon.databasePath,
                                  "SELECT sum(simulations_used) FROM jobs WHERE kind = 'training'") == "\(384 + 2 * 48)")
        #expect(daemon.stop() == 0)
    }

    @Test func benchComparesOptimizersAtTheSameBudget() throws {
        let daemon = try DaemonProcess()
        let svg = daemon.directory + "/bench.svg"
        let bench = try CommandRun.run("sizer-agent", ["bench", "--socket", daemon.socketPath, "--circuit", "ota_l1",
                                                       "--budget", "8", "--group", "4", "--targets", "3",
                                                       "--optimizers", "bo,random", "--json", "--svg", svg])
        #expect(bench.status == 0, "\(bench.stderr)")
        let optimizers = try #require(bench.json?["optimizers"] as? [String: [String: Any]])
        #expect(Set(optimizers.keys) == ["bo", "random"])
        for (_, summary) in optimizers {
            #expect(summary["runs"] as? Int == 3)
            #expect(summary["success_rate"] as? Double != nil)
            #expect(summary["mean_best_reward"] as? Double != nil)
            #expect((summary["success_curve"] as? [Double])?.count == 8)
        }
        #expect(try String(contentsOfFile: svg, encoding: .utf8).contains("random"))
        // Every benchmark simulation is in the log: 2 optimizers x 3 targets x 8.
        #expect(try Sqlite3.query(daemon.databasePath, "SELECT count(*) FROM candidates k JOIN jobs j ON j.id = k.job_id WHERE j.kind = 'benchmark'") == "48")
        #expect(daemon.stop() == 0)
    }
}
