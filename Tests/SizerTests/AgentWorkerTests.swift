import Foundation
import SizerClient
import SizerCore
import SizerProtocol
import SizerTestSupport
import Testing

/// The built `sizer-agent` against the built `sizerd`: real processes, socket, database and workers.
@Suite(.serialized) struct AgentWorkerTests {
    @Test(arguments: ["random", "bo"])
    func anAgentRunsAJobToTheEndOfItsBudgetAndLogsEveryCandidate(optimizer: String) throws {
        let daemon = try DaemonProcess()
        let client = try daemon.client()
        let job = try client.call(JobsSubmit.self, .init(circuit: "ota_l1", optimizer: optimizer, budget: 12, groupSize: 4,
                                                         seed: 3, testTarget: 1))
        let agent = try AgentProcess(socketPath: daemon.socketPath, name: "e2e", arguments: ["--until-idle"],
                                     directory: daemon.directory)
        // An outside sqlite3 reads the log while the daemon writes it: never locked, never going back.
        var counts: [Int] = []
        while agent.process.isRunning && counts.count < 400 {
            let count = try Sqlite3.query(daemon.databasePath, "SELECT count(*) FROM candidates WHERE job_id = \(job.id)")
            counts.append(try #require(Int(count), "sqlite3 said: \(count)"))
        }
        #expect(counts == counts.sorted())
        #expect(agent.wait(timeout: 300) == 0, "\(agent.log)")
        let done = try client.call(JobsGet.self, JobID(id: job.id))
        #expect(done.status == .done)
        #expect(done.simulationsUsed == 12)
        #expect(done.turns == 3)
        #expect(try Sqlite3.query(daemon.databasePath, "SELECT count(*) FROM candidates WHERE job_id = \(job.id)") == "12")
        #expect(try Sqlite3.query(daemon.databasePath,
                                  "SELECT count(DISTINCT x_json) FROM candidates WHERE job_id = \(job.id)") == "12")
        #expect(daemon.stop() == 0)
    }

    @Test func aKilledAgentsJobIsResumedByAnotherExactlyAsIfUninterrupted() throws {
        let daemon = try DaemonProcess(leaseSeconds: 2)
        let client = try daemon.client()
        // Given the same job twice: one runs straight through,
        let straight = try client.call(JobsSubmit.self, .init(circuit: "two_stage", optimizer: "random", budget: 60,
                                                              groupSize: 2, seed: 11, testTarget: 2))
        let first = try AgentProcess(socketPath: daemon.socketPath, name: "straight", arguments: ["--until-idle"],
                                     directory: daemon.directory)
        #expect(first.wait(timeout: 300) == 0, "\(first.log)")
        // the other loses its agent to SIGKILL mid-job,
        let interrupted = try client.call(JobsSubmit.self, .init(circuit: "two_stage", optimizer: "random", budget: 60,
                                                                 groupSize: 2, seed: 11, testTarget: 2))
        let doomed = try AgentProcess(socketPath: daemon.socketPath, name: "doomed", directory: daemon.directory)
        let deadline = Date().addingTimeInterval(120)
        while try client.call(JobsGet.self, JobID(id: interrupted.id)).simulationsUsed < 6 && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.01)
        }
        doomed.stop(signal: SIGKILL)
        let atKill = try client.call(JobsGet.self, JobID(id: interrupted.id))
        #expect(atKill.status == .running)
        #expect(atKill.simulationsUsed < 60, "the job finished before the kill; the test proves nothing")
        // when a second agent takes over after the lease lapses,
        let rescuer = try AgentProcess(socketPath: daemon.socketPath, name: "rescuer", directory: daemon.directory)
        while try client.call(JobsGet.self, JobID(id: interrupted.id)).status != .done && Date() < deadline.addingTimeInterval(120) {
            Thread.sleep(forTimeInterval: 0.05)
        }
        #expect(rescuer.stop() == 0)
        // then it finishes the budget with no turn lost or duplicated, and proposes exactly what the
        // uninterrupted run proposed.
        let resumed = try client.call(JobsGet.self, JobID(id: interrupted.id))
        #expect(resumed.status == .done)
        #expect(resumed.simulationsUsed == 60)
        let sequence = "SELECT group_concat(x_json, ';') FROM (SELECT x_json FROM candidates WHERE job_id = %d ORDER BY simulation)"
        let a = try Sqlite3.query(daemon.databasePath, sequence.replacingOccurrences(of: "%d", with: "\(straight.id)"))
        let b = try Sqlite3.query(daemon.databasePath, sequence.replacingOccurrences(of: "%d", with: "\(interrupted.id)"))
        #expect(!a.isEmpty && a == b)
        #expect(try Sqlite3.query(daemon.databasePath,
                                  "SELECT count(DISTINCT agent) FROM turns WHERE job_id = \(interrupted.id)") == "2")
        #expect(try Sqlite3.query(daemon.databasePath, "SELECT attempts FROM jobs WHERE id = \(interrupted.id)") == "2")
        #expect(daemon.stop() == 0)
    }

    @Test func aDaemonKilledMidJobLosesNoAcknowledgedTurnAndTheJobCompletesAfterARestart() throws {
        let daemon = try DaemonProcess(leaseSeconds: 2)
        let client = try daemon.client()
        let job = try client.call(JobsSubmit.self, .init(circuit: "two_stage", optimizer: "random", budget: 60, groupSize: 2))
        let agent = try AgentProcess(socketPath: daemon.socketPath, name: "before", directory: daemon.directory)
        let deadline = Date().addingTimeInterval(120)
        // Wait on the agent's own log, not on the daemon's count: the daemon commits a turn before the
        // agent reads the acknowledgement, so a kill between the two leaves the log one turn behind.
        func acknowledgedTurns() -> Int {
            agent.log.split(separator: "\n").filter { $0.contains("job \(job.id) turn ") }.count
        }
        while acknowledgedTurns() < 4 && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.01)
        }
        // When the daemon dies by SIGKILL in the middle of the job,
        #expect(daemon.stop(signal: SIGKILL) != nil)
        _ = agent.wait(timeout: 60)
        // then every turn the agent saw acknowledged is in the database, which is sound.
        let acknowledged = acknowledgedTurns()
        #expect(acknowledged >= 4)
        let committed = Int(try Sqlite3.query(daemon.databasePath, "SELECT count(*) FROM turns WHERE job_id = \(job.id)")) ?? -1
        #expect(committed >= acknowledged)
        #expect(try Sqlite3.query(daemon.databasePath, "PRAGMA integrity_check") == "ok")
        // After a restart on the same socket and database, another agent completes the job.
        let restarted = try DaemonProcess(directory: daemon.directory, leaseSeconds: 2)
        let rescuer = try AgentProcess(socketPath: restarted.socketPath, name: "after", directory: daemon.directory)
        let again = try restarted.client()
        while try again.call(JobsGet.self, JobID(id: job.id)).status != .done && Date() < deadline.addingTimeInterval(180) {
            Thread.sleep(forTimeInterval: 0.05)
        }
        #expect(rescuer.stop() == 0)
        let done = try again.call(JobsGet.self, JobID(id: job.id))
        #expect(done.status == .done)
        #expect(done.simulationsUsed == 60)
        #expect(try Sqlite3.query(restarted.databasePath,
                                  "SELECT count(DISTINCT simulation) || '/' || min(simulation) || '/' || max(simulation) FROM candidates WHERE job_id = \(job.id)")
                == "60/1/60")
        #expect(restarted.stop() == 0)
    }

    @Test func sigtermFinishesTheTurnGivesTheJobBackAndExitsZero() throws {
        let daemon = try DaemonProcess()
        let client = try daemon.client()
        let job = try client.call(JobsSubmit.self, .init(circuit: "two_stage", optimizer: "random", budget: 80, groupSize: 2))
        let agent = try AgentProcess(socketPath: daemon.socketPath, name: "polite", directory: daemon.directory)
        let deadline = Date().addingTimeInterval(120)
        while try client.call(JobsGet.self, JobID(id: job.id)).simulationsUsed < 4 && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.01)
        }
        #expect(agent.stop(signal: SIGTERM) == 0, "\(agent.log)")
        let after = try client.call(JobsGet.self, JobID(id: job.id))
        #expect(after.status == .queued, "\(agent.log)")
        #expect(after.agent == nil)
        #expect(after.simulationsUsed % 2 == 0)
        #expect(after.simulationsUsed < 80)
        #expect(daemon.stop() == 0)
    }
}
