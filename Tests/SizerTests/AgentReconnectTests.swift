import Foundation
import SizerClient
import SizerCore
import SizerProtocol
import SizerTestSupport
import Synchronization
import Testing

/// `sizer-agent serve` started before its daemon, and outliving a daemon restart.
@Suite struct AgentReconnectTests {
    /// Polls `condition` until it holds or `seconds` pass; returns whether it held.
    static func eventually(_ seconds: Double, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return true }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return try condition()
    }

    static func runsToTheEnd(_ daemon: DaemonProcess) throws -> JobInfo {
        let client = try daemon.client()
        let job = try client.call(JobsSubmit.self, .init(circuit: "ota_l1", optimizer: "random", budget: 4, groupSize: 2))
        var status = job
        _ = try eventually(120) {
            status = try client.call(JobsGet.self, JobID(id: job.id))
            return status.status.isFinal
        }
        return status
    }

    @Test func anAgentStartedBeforeItsDaemonWaitsForItAndSurvivesARestart() throws {
        // Given an agent whose daemon is not running yet,
        let directory = TestPaths.temporaryDirectory("reconnect")
        let agent = try AgentProcess(socketPath: directory + "/sizerd.sock", name: "early", directory: directory)
        // it says it is waiting, and does not exit;
        #expect(Self.eventually(30) { agent.log.contains("waiting for sizerd") }, "\(agent.log)")
        #expect(agent.process.isRunning)
        // when the daemon starts, the agent finds it and runs a job to the end;
        let daemon = try DaemonProcess(directory: directory)
        #expect(try Self.runsToTheEnd(daemon).status == .done, "\(agent.log)")
        // when the daemon is killed and started again, the agent reconnects and runs the next job.
        #expect(daemon.stop(signal: SIGKILL) != nil)
        let restarted = try DaemonProcess(directory: directory)
        #expect(try Self.runsToTheEnd(restarted).status == .done, "\(agent.log)")
        #expect(agent.log.contains("lost sizerd") || agent.log.contains("waiting for sizerd"))
        // SIGTERM still stops it cleanly.
        #expect(agent.stop() == 0, "\(agent.log)")
        #expect(restarted.stop() == 0)
    }
}

/// Connections arriving while sizerd shuts down are closed, not dropped: NIO treats a dropped
/// accepted connection as a fatal error, and sizerd crashed with SIGILL instead of exiting 0.
@Suite struct ShutdownWhileConnectingTests {
    @Test func connectionsDuringShutdownDoNotCrashTheDaemon() throws {
        for _ in 0..<3 {
            let daemon = try DaemonProcess(workers: 1)
            let socket = daemon.socketPath
            let opened = Connections()
            // Given a client that keeps opening connections,
            let hammer = Thread {
                let deadline = Date().addingTimeInterval(20)
                while Date() < deadline, let raw = try? RawSocket(path: socket) {
                    raw.send(#"{"jsonrpc":"2.0","id":1,"method":"jobs.list"}"# + "\n")
                    opened.count.add(1, ordering: .relaxed)
                }
            }
            hammer.start()
            #expect(AgentReconnectTests.eventually(20) { opened.count.load(ordering: .relaxed) >= 20 })
            // when SIGTERM arrives, then sizerd exits 0 and says nothing fatal.
            #expect(daemon.stop(signal: SIGTERM, timeout: 60) == 0, "\(daemon.log)")
            #expect(!daemon.log.contains("Fatal error"))
        }
    }

    final class Connections: Sendable {
        let count = Atomic<Int>(0)
    }
}

/// A job that no agent claims says so, instead of leaving its watcher waiting in silence.
@Suite struct UnclaimedJobTests {
    @Test func aWatcherAndStatusSayThatNoAgentHasClaimedTheJob() throws {
        // Given a daemon without any agent and a job submitted to it,
        let daemon = try DaemonProcess(workers: 1)
        let client = try daemon.client()
        let job = try client.call(JobsSubmit.self, .init(circuit: "ota_l1", optimizer: "random", budget: 2))
        // when a client watches it, then after a few seconds a jobs.unclaimed notification arrives,
        let watcher = try daemon.client()
        var notice: UnclaimedJob?
        let before = Date()
        _ = try watcher.call(JobsWatch.self, JobID(id: job.id)) { note in
            if note.method == UnclaimedJob.method {
                notice = try WireCoding.decode(UnclaimedJob.self, from: note.params)
                // Stop watching: cancelling ends the watch with the job's final state.
                _ = try client.call(JobsCancel.self, JobID(id: job.id))
            }
        }
        #expect(notice?.jobId == job.id)
        #expect((notice?.queuedSeconds ?? 0) >= 4.9)
        #expect(Date().timeIntervalSince(before) < 30)
        // and `sizer status` says the same of a second job left waiting.
        let waiting = try client.call(JobsSubmit.self, .init(circuit: "ota_l1", optimizer: "random", budget: 2))
        #expect(AgentReconnectTests.eventually(20) {
            (try? CommandRun.run("sizer", ["status", "\(waiting.id)", "--socket", daemon.socketPath]))?
                .stdout.contains("no agent has claimed job \(waiting.id)") == true
        })
        #expect(daemon.stop() == 0)
    }
}
