import ArgumentParser
import Circuits
import Evaluation
import Foundation
import SizerClient
import SizerCore
import SizerProtocol
import SpiceDeck
import WorkerPool

extension Sizer {
    struct BenchDaemon: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "daemon",
            abstract: "Daemon overhead: the same turns of candidates through agent.evaluate and through a raw worker pool.")

        @OptionGroup var output: OutputOptions

        @Option(help: "Circuit to benchmark.")
        var circuit: String = "two_stage"

        @Option(help: "Turns per round (each of --group candidates).")
        var turns: Int = 60

        @Option(help: "Candidates per turn.")
        var group: Int = 8

        @Option(help: "Rounds; raw and daemon alternate so drift on a noisy machine hits both.")
        var rounds: Int = 3

        @Option(help: "Worker processes for each side.")
        var workers: Int = WorkerPoolConfiguration.coreCount

        @Option(help: "Seed of the random candidates.")
        var seed: UInt64 = 1

        func validate() throws {
            guard turns > 0, group > 0, rounds > 0, workers > 0 else {
                throw ValidationError("--turns, --group, --rounds and --workers must be positive")
            }
        }

        func run() async throws {
            let paths = SizerPaths.resolve(userSpecDirectories: output.specDirectories)
            let circuit = try CircuitCatalog(paths: paths).circuit(named: self.circuit)
            var generator = SplitMix64(seed: seed)
            let candidates = (0..<turns).map { _ in
                (0..<group).map { _ in (0..<circuit.space.dimension).map { _ in generator.nextUnit() } }
            }
            let corners = [circuit.nominalCorner]
            let targets = circuit.spec.defaultTargets

            // The raw pool, in this process.
            let pool = WorkerPool(configuration: .init(workers: workers), launch: .simulationWorker())
            try await pool.start()
            let evaluator = PoolEvaluator(circuit: circuit, pool: pool, deckForm: DeckForm(environment: ProcessInfo.processInfo.environment))
            // The daemon, as users run it.
            let directory = NSTemporaryDirectory() + "sizer-bench-daemon-\(getpid())"
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let daemon = try DaemonChild(directory: directory, workers: workers)
            defer { daemon.stop() }
            let client = try daemon.connect()

            // Warm both: decks loaded in every worker.
            _ = await evaluator.evaluate(candidates[0].map(circuit.space.physical), corners: corners, targets: targets)
            let warm = try DaemonJob(client, circuit: circuit.name, turns: 1, group: group)
            _ = try warm.evaluate(turn: 0, candidates[0])
            try warm.finish()

            // Each turn goes through the raw pool and then through sizerd, back to back, so the speed
            // changes of a shared machine (seconds long, tens of percent) hit both alike.
            var rawSeconds = 0.0, daemonSeconds = 0.0
            var roundOverheads: [Double] = []
            for round in 1...rounds {
                let job = try DaemonJob(client, circuit: circuit.name, turns: turns, group: group)
                var raw = 0.0, viaDaemon = 0.0
                for (index, turn) in candidates.enumerated() {
                    // Which side goes first alternates, so neither always follows the other.
                    if index % 2 == 1 { viaDaemon += try job.evaluate(turn: index, turn) }
                    let rawStart = ContinuousClock.now
                    _ = await evaluator.evaluate(turn.map(circuit.space.physical), corners: corners, targets: targets)
                    raw += (ContinuousClock.now - rawStart) / .seconds(1)
                    if index % 2 == 0 { viaDaemon += try job.evaluate(turn: index, turn) }
                }
                try job.finish()
                rawSeconds += raw
                daemonSeconds += viaDaemon
                roundOverheads.append((viaDaemon / raw - 1) * 100)
                if !output.json {
                    print(String(format: "round %d: raw pool %.2f s, through sizerd %.2f s (%d evaluations each)",
                                 round, raw, viaDaemon, turns * group))
                }
            }
            await pool.shutdown()
            let evaluations = Double(turns * group * rounds)
            let report = DaemonBenchReport(
                circuit: circuit.name, evaluations: Int(evaluations), groupSize: group, workers: workers,
                rawEvaluationsPerSecond: evaluations / rawSeconds, daemonEvaluationsPerSecond: evaluations / daemonSeconds,
                daemonOverheadPct: (daemonSeconds / rawSeconds - 1) * 100,
                // Per-round ratios: a slow spell on a shared machine moves the sum, less the median.
                roundOverheadPct: roundOverheads,
                medianRoundOverheadPct: median(roundOverheads))
            if output.json {
                print(String(decoding: try SizerJSON.encoder().encode(report), as: UTF8.self))
            } else {
                print(String(format: "raw pool          %.1f evaluations/s", report.rawEvaluationsPerSecond))
                print(String(format: "agent.evaluate    %.1f evaluations/s (each turn committed to SQLite before the reply)",
                             report.daemonEvaluationsPerSecond))
                print(String(format: "daemon_overhead_pct: %.1f (median of %d rounds: %.1f)", report.daemonOverheadPct,
                             rounds, report.medianRoundOverheadPct))
            }
        }
    }
}

/// A benchmark job on the daemon, claimed; turns go through `agent.evaluate`.
private struct DaemonJob {
    let client: SizerClient
    let id: Int64
    let token: String

    init(_ client: SizerClient, circuit: String, turns: Int, group: Int) throws {
        self.client = client
        let job = try client.call(JobsSubmit.self, .init(circuit: circuit, optimizer: "random", budget: turns * group,
                                                         groupSize: group, kind: .benchmark))
        guard let lease = try client.call(AgentClaim.self, .init(agent: "bench", jobId: job.id)).claimed?.lease else {
            throw ValidationError("could not claim benchmark job \(job.id)")
        }
        id = job.id
        token = lease.token
    }

    /// Seconds from sending the turn to having its reply.
    func evaluate(turn: Int, _ designs: [[Double]]) throws -> Double {
        let start = ContinuousClock.now
        _ = try client.call(AgentEvaluate.self, .init(jobId: id, token: token, turn: turn, candidates: designs))
        return (ContinuousClock.now - start) / .seconds(1)
    }

    func finish() throws {
        _ = try client.call(AgentFinish.self, .init(jobId: id, token: token, status: .done))
    }
}

struct DaemonBenchReport: Codable {
    var circuit: String
    var evaluations: Int
    var groupSize: Int
    var workers: Int
    var rawEvaluationsPerSecond: Double
    var daemonEvaluationsPerSecond: Double
    var daemonOverheadPct: Double
    var roundOverheadPct: [Double]
    var medianRoundOverheadPct: Double
}

/// The built `sizerd` next to this executable, on a scratch socket and database.
final class DaemonChild {
    let process = Process()
    let socket: String

    init(directory: String, workers: Int) throws {
        socket = directory + "/sizerd.sock"
        let me = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        process.executableURL = URL(fileURLWithPath: me).deletingLastPathComponent().appendingPathComponent("sizerd")
        process.arguments = ["--socket", socket, "--db", directory + "/bench.sqlite", "--workers", "\(workers)"]
        process.standardError = FileHandle.nullDevice
        try process.run()
    }

    func connect() throws -> SizerClient {
        let deadline = Date().addingTimeInterval(30)
        while true {
            if let client = try? SizerClient(socketPath: socket), (try? client.hello()) != nil { return client }
            guard Date() < deadline, process.isRunning else { throw ValidationError("sizerd did not start") }
            Thread.sleep(forTimeInterval: 0.05)
        }
    }

    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }
}
