import Foundation
import SizerClient
import SizerProtocol
import SizerTestSupport
import Testing

/// The built `sizerd` on a run log it cannot write: a full disk (a real EFBIG from a file size limit,
/// RLIMIT_FSIZE, set with `prlimit`; no mount needed) and a read-only file (file modes, which root obeys
/// once `setpriv` drops CAP_DAC_OVERRIDE). Real processes, sockets and SQLite files.
@Suite(.serialized) struct StorageFaultTests {
    static let prlimit = "/usr/bin/prlimit"
    static let setpriv = "/usr/bin/setpriv"

    @Test func aFullDiskGivesAClearErrorKeepsReadsLosesNothingAndRecoversWhenSpaceReturns() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.prlimit), "prlimit (util-linux) is needed")
        // Given a daemon whose files may not grow past 3 MiB (soft limit only, so it can be raised later),
        let daemon = try DaemonProcess(workers: 1, leaseSeconds: 300,
                                       launcher: [Self.prlimit, "--fsize=\(3 << 20):", "--"])
        // which ignores SIGXFSZ (else a write past the limit on a thread that does not block it kills it),
        #expect(try Self.ignoredSignals(daemon.process.processIdentifier) & (1 << (SIGXFSZ - 1)) != 0)
        let client = try daemon.client()
        let job = try client.call(JobsSubmit.self, .init(circuit: "ota_l1", optimizer: "random", budget: 4, groupSize: 2))
        let lease = try #require(try client.call(AgentClaim.self, .init(agent: "full-disk")).claimed).lease
        var jobs = [job.id]
        var policies: [(id: Int64, seed: Int64)] = []
        func checkpoint(_ seed: Int64) -> String { String(repeating: "policy \(seed) ", count: 20_000) }

        // when large writes fill it,
        var firstError: RPCError?
        for seed in Int64(0)..<100 {
            do {
                let saved = try client.call(PoliciesSave.self, .init(circuit: "ota_l1", algorithm: "tlgrpo", specHash: "h",
                                                                     featureVersion: 1, simulations: 1, seed: seed,
                                                                     codeVersion: "test", checkpoint: checkpoint(seed)))
                policies.append((saved.id, seed))
            } catch let error as RPCError {
                firstError = error
                break
            }
        }
        // then the write that does not fit gets the storage error, naming the file and the reason, not
        // an internal error with a SQLite dump; and the daemon is still alive (SIGXFSZ ignored).
        let full = try #require(firstError, "3 MiB never filled up; the test proves nothing")
        #expect(full.kind == .storageUnavailable, "\(full)")
        #expect(full.message.contains(daemon.databasePath), "\(full.message)")
        #expect(full.message.contains("not recorded"), "\(full.message)")
        #expect(!full.message.contains("SQLite error") && !full.message.contains("while executing"), "\(full.message)")
        // About 15 such policies fill a 3 MiB WAL; the database file has another 3 MiB. More than 20 fit
        // only if a full WAL is checkpointed into the database file and the write retried.
        #expect(policies.count > 20, "only \(policies.count) policies fitted: the full WAL was not checkpointed")
        // Small writes go on while space can be found (a WAL checkpoint frees some), and then fail the same way.
        var smallError: RPCError?
        for _ in 0..<300 {
            do {
                jobs.append(try client.call(JobsSubmit.self, .init(circuit: "ota_l1", optimizer: "random", budget: 4)).id)
            } catch let error as RPCError {
                smallError = error
                break
            }
        }
        #expect(try #require(smallError, "300 jobs fitted in a full run log?").kind == .storageUnavailable)
        // A turn is simulated but cannot be committed: the agent is told, and the job has no turn.
        let candidates = [[0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8], [0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]]
        let turn = #expect(throws: RPCError.self) {
            try client.call(AgentEvaluate.self, .init(jobId: job.id, token: lease.token, turn: 0, candidates: candidates))
        }
        #expect(turn?.kind == .storageUnavailable)
        // Reads go on: every acknowledged job and policy is served as it was acknowledged.
        #expect(daemon.process.isRunning)
        let stuck = try client.call(JobsGet.self, JobID(id: job.id))
        #expect(stuck.turns == 0 && stuck.simulationsUsed == 0 && stuck.status == .running)
        #expect(Set(try client.call(JobsList.self, .init(limit: 1000)).jobs.map(\.id)) == Set(jobs))
        for policy in [policies.first!, policies.last!] {
            #expect(try client.call(PoliciesGet.self, .init(id: policy.id)).checkpoint == checkpoint(policy.seed))
        }
        #expect(daemon.log.contains("cannot be written"), "the operator's log says nothing")

        // When space returns (the limit is lifted from the running daemon), the same daemon commits the
        // retried turn and new work, with no restart.
        #expect(try Self.run(Self.prlimit, ["--pid", "\(daemon.process.processIdentifier)", "--fsize=unlimited"]) == 0)
        let committed = try client.call(AgentEvaluate.self, .init(jobId: job.id, token: lease.token, turn: 0,
                                                                  candidates: candidates))
        #expect(committed.simulationsUsed == 2)
        #expect(committed.turn.candidates.map(\.x) == candidates)
        jobs.append(try client.call(JobsSubmit.self, .init(circuit: "ota_l1", optimizer: "random", budget: 4)).id)
        #expect(daemon.stop() == 0, "\(daemon.log)")

        // The file is sound and holds exactly what was acknowledged, and a restarted daemon carries on.
        #expect(try Sqlite3.query(daemon.databasePath, "PRAGMA integrity_check") == "ok")
        #expect(try Sqlite3.query(daemon.databasePath, "SELECT group_concat(id, ',') FROM (SELECT id FROM jobs ORDER BY id)")
                == jobs.map(String.init).joined(separator: ","))
        #expect(try Sqlite3.query(daemon.databasePath, """
            SELECT group_concat(id || ':' || seed || ':' || length(checkpoint_json), ',') FROM (SELECT * FROM policies ORDER BY id)
            """) == policies.map { "\($0.id):\($0.seed):\(checkpoint($0.seed).utf8.count)" }.joined(separator: ","))
        #expect(try Sqlite3.query(daemon.databasePath, "SELECT count(*) FROM candidates WHERE job_id = \(job.id)") == "2")
        let restarted = try DaemonProcess(directory: daemon.directory, workers: 1)
        let again = try restarted.client()
        #expect(try again.call(JobsHistory.self, JobID(id: job.id)).turns.flatMap(\.candidates).map(\.x) == candidates)
        #expect(try again.call(JobsSubmit.self, .init(circuit: "ota_l1", optimizer: "random", budget: 4)).id > jobs.max()!)
        #expect(restarted.stop() == 0)
    }

    /// An agent that meets a full disk waits and retries instead of exiting, and finishes its job
    /// once space returns, with no restart of either process.
    @Test func anAgentWaitsOutAFullDiskAndFinishesItsJob() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.prlimit), "prlimit (util-linux) is needed")
        let daemon = try DaemonProcess(workers: 1, leaseSeconds: 300,
                                       launcher: [Self.prlimit, "--fsize=\(3 << 20):", "--"])
        let client = try daemon.client()
        let job = try client.call(JobsSubmit.self, .init(circuit: "ota_l1", optimizer: "random", budget: 8, groupSize: 2))
        // Fill the run log: large policies first, then small ones, until even a small write fails.
        var filled = false
        for (seed, size) in zip(Int64(0)..<2000, Array(repeating: 20_000, count: 100) + Array(repeating: 5, count: 1900)) {
            do {
                _ = try client.call(PoliciesSave.self, .init(circuit: "ota_l1", algorithm: "tlgrpo", specHash: "h",
                                                             featureVersion: 1, simulations: 1, seed: seed, codeVersion: "test",
                                                             checkpoint: String(repeating: "p \(seed) ", count: size)))
            } catch let error as RPCError where error.kind == .storageUnavailable {
                if size == 5 { filled = true; break }
            }
        }
        try #require(filled, "the run log never filled up; the test proves nothing")
        // The agent starts on the full disk: it must keep trying, not exit.
        let agent = try AgentProcess(socketPath: daemon.socketPath, name: "patient", arguments: ["--until-idle"],
                                     directory: daemon.directory)
        let deadline = Date().addingTimeInterval(60)
        while !agent.log.contains("retrying") && agent.process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.1) }
        #expect(agent.log.contains("retrying"), "\(agent.log)")
        Thread.sleep(forTimeInterval: 1.5)
        #expect(agent.process.isRunning, "the agent gave up: \(agent.log)")
        // Space returns: the same agent finishes the job.
        #expect(try Self.run(Self.prlimit, ["--pid", "\(daemon.process.processIdentifier)", "--fsize=unlimited"]) == 0)
        #expect(agent.wait(timeout: 120) == 0, "\(agent.log)")
        let done = try client.call(JobsGet.self, JobID(id: job.id))
        #expect(done.status == .done && done.simulationsUsed == 8, "\(done)")
        #expect(daemon.stop() == 0)
    }

    @Test(arguments: [false, true])
    func aReadOnlyRunLogIsRefusedAtStartWithTheReasonAndLeftUntouched(folderWritable: Bool) throws {
        // Given a run log with a job in it,
        let folder = TestPaths.temporaryDirectory("readonly")
        let first = try DaemonProcess(directory: folder, workers: 1)
        let job = try first.client().call(JobsSubmit.self, .init(circuit: "ota_l1", optimizer: "random", budget: 4))
        #expect(first.stop() == 0)
        let database = first.databasePath
        // made read-only for the daemon (the file, and its folder too unless `folderWritable`),
        try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: database)
        try FileManager.default.setAttributes([.posixPermissions: folderWritable ? 0o777 : 0o555], ofItemAtPath: folder)
        defer {
            try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder)
            try? FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: database)
        }
        let bytes = try Data(contentsOf: URL(fileURLWithPath: database))
        let listing = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
        let sockets = TestPaths.temporaryDirectory("readonly-socket")
        // root ignores file modes unless it lacks CAP_DAC_OVERRIDE: drop it (and CAP_DAC_READ_SEARCH) for sizerd.
        let launcher = getuid() == 0 ? [Self.setpriv, "--bounding-set=-dac_override,-dac_read_search", "--"] : []
        // when sizerd starts on it,
        let run = try CommandRun.run("sizerd", ["--socket", sockets + "/sizerd.sock", "--db", database, "--workers", "1"],
                                     timeout: 30, launcher: launcher)
        // then it refuses, saying which file and why, before listening, and writes nothing there.
        #expect(run.status == 2, "\(run.stderr)")
        #expect(run.stderr.contains("cannot open the run log \(database)"), "\(run.stderr)")
        #expect(run.stderr.contains("read-only"), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: sockets + "/sizerd.sock"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: database)) == bytes)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).sorted() == listing)
        // Once it is writable again, sizerd starts on it and the job is there.
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: database)
        let second = try DaemonProcess(directory: folder, workers: 1)
        #expect(try second.client().call(JobsGet.self, JobID(id: job.id)).status == .queued)
        #expect(second.stop() == 0)
    }

    @Test func aRunLogThatCannotBeCreatedOnAFullDiskIsRefusedAndCreatedWhenSpaceReturns() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.prlimit), "prlimit (util-linux) is needed")
        let folder = TestPaths.temporaryDirectory("full-at-start")
        let database = folder + "/sizer.sqlite"
        // Given no room for more than 8 KiB per file, when sizerd starts on a new run log,
        let run = try CommandRun.run("sizerd", ["--socket", folder + "/sizerd.sock", "--db", database, "--workers", "1"],
                                     timeout: 30, launcher: [Self.prlimit, "--fsize=8192:", "--"])
        // then it refuses with the file and the reason, not a crash or a SQLite dump;
        #expect(run.status == 2, "\(run.stderr)")
        #expect(run.stderr.contains("cannot open the run log \(database)"), "\(run.stderr)")
        #expect(!run.stderr.contains("SQLite error"), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder + "/sizerd.sock"))
        // and with space, the half-created file becomes a sound run log.
        let daemon = try DaemonProcess(directory: folder, workers: 1)
        let job = try daemon.client().call(JobsSubmit.self, .init(circuit: "ota_l1", optimizer: "random", budget: 4))
        #expect(job.status == .queued)
        #expect(daemon.stop() == 0)
        #expect(try Sqlite3.query(database, "PRAGMA integrity_check") == "ok")
        #expect(try Sqlite3.query(database, "SELECT count(*) FROM jobs") == "1")
    }

    /// The set of signals a process ignores, from `SigIgn` in /proc/PID/status (bit n-1 for signal n).
    static func ignoredSignals(_ pid: Int32) throws -> UInt64 {
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        let line = try #require(status.split(separator: "\n").first { $0.hasPrefix("SigIgn:") })
        return try #require(UInt64(line.dropFirst("SigIgn:".count).trimmingCharacters(in: .whitespaces), radix: 16))
    }

    /// Runs a command to completion and returns its exit status.
    static func run(_ executable: String, _ arguments: [String]) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }
}
