import Foundation
import SizerClient
import SizerCore
import SizerProtocol
import SizerTestSupport
import Testing

/// `examples/client.py` (standard-library Python) against the built `sizerd` and `sizer-agent`.
@Suite(.serialized) struct ExampleClientTests {
    /// What the client prints with `--json`; only the fields the test checks.
    struct Output: Decodable {
        struct Best: Decodable {
            var reward: Double
            var design: [String: Double]
        }
        var job: JobInfo
        var best: Best?
    }

    @Test func theExampleClientRunsAJobToDoneAndPrintsTheBestCandidate() throws {
        // Given a daemon and an agent serving it,
        let daemon = try DaemonProcess()
        let agent = try AgentProcess(socketPath: daemon.socketPath, name: "example", directory: daemon.directory)

        // when the example client submits a job and follows it to the end,
        let run = try PythonRun(arguments: ["--socket", daemon.socketPath, "--circuit", "ota_l1", "--optimizer", "random",
                                            "--budget", "8", "--group", "4", "--seed", "1", "--test-target", "0", "--json"],
                                directory: daemon.directory)

        // then it exits 0 and prints the finished job with its best candidate,
        #expect(run.status == 0, "stderr: \(run.stderr)\nagent: \(agent.log)")
        let output = try SizerJSON.decoder().decode(Output.self, from: Data(run.stdout.utf8))
        let best = try #require(output.best, "no best candidate in: \(run.stdout)")
        #expect(best.design.count == 7)
        #expect(output.job.status == .done)

        // and the daemon holds that job, done, with the whole budget spent and the same best reward.
        let client = try daemon.client()
        let stored = try client.call(JobsGet.self, JobID(id: output.job.id))
        #expect(stored.status == .done)
        #expect(stored.simulationsUsed == 8)
        #expect(stored.circuit == "ota_l1")
        #expect(stored.bestReward == best.reward)
        #expect(run.stderr.contains("turn   1: 8/8 sims"), "progress lines: \(run.stderr)")

        #expect(agent.stop() == 0, "\(agent.log)")
        #expect(daemon.stop() == 0)
    }

    @Test func withNoDaemonOnTheSocketTheClientExitsNonZeroAndSaysWhy() throws {
        // Given a socket path nothing listens on,
        let directory = TestPaths.temporaryDirectory("example-client")
        let socketPath = directory + "/no-daemon.sock"

        // when the client is pointed at it,
        let run = try PythonRun(arguments: ["--socket", socketPath, "--circuit", "ota_l1", "--budget", "8"],
                                directory: directory)

        // then it fails with a message naming the socket, and prints no result.
        #expect(run.status != 0)
        #expect(run.stderr.contains("cannot connect to sizerd at \(socketPath)"), "stderr: \(run.stderr)")
        #expect(!run.stderr.contains("Traceback"), "stderr: \(run.stderr)")
        #expect(run.stdout.isEmpty)
    }
}

/// One run of `python3 examples/client.py` from the repository root, with its output captured in files
/// (a pipe could fill up and stall the child) and a deadline.
struct PythonRun {
    let status: Int32
    let stdout: String
    let stderr: String

    init(arguments: [String], directory: String, timeout: Double = 300) throws {
        let outPath = directory + "/client.out", errPath = directory + "/client.err"
        _ = FileManager.default.createFile(atPath: outPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "examples/client.py"] + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: TestPaths.repository)
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
            Issue.record("examples/client.py did not finish within \(timeout) s")
        }
        status = process.terminationStatus
        stdout = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        stderr = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
    }
}
