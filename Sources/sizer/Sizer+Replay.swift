import ArgumentParser
import Circuits
import Daemon
import Evaluation
import Foundation
import SizerClient
import SizerProtocol
import SpiceDeck
import Store
import WorkerPool

extension Sizer {
    struct Replay: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Re-simulate every logged candidate of a job and count mismatches against the log.")

        @OptionGroup var connection: ConnectionOptions

        @Option(help: "Read this database directly and simulate locally (no daemon needed).")
        var db: String?

        @Option(help: "Simulation workers for --db (default: one per core).")
        var workers = WorkerPoolConfiguration.coreCount

        @Argument(help: "The job id.")
        var job: Int64

        func run() async throws {
            let result: JobsReplay.Result
            if let db {
                result = try await Self.replayLocally(job: job, databasePath: db, workers: workers)
            } else {
                result = try reportingErrors { try connection.connect().call(JobsReplay.self, JobID(id: job)) }
            }
            if connection.json {
                try connection.printJSON(result)
            } else {
                print("job \(result.jobId): \(result.candidates) candidates re-simulated, \(result.mismatches) mismatches (largest reward difference \(result.maxRewardDifference))")
                for detail in result.details.prefix(20) {
                    print("  turn \(detail.turn) #\(detail.index) \(detail.field): logged \(detail.logged), replayed \(detail.replayed)")
                }
            }
            if result.mismatches > 0 { throw ExitCode(1) }
        }

        static func replayLocally(job id: Int64, databasePath: String, workers: Int) async throws -> JobsReplay.Result {
            let store = try Store(readingOnly: databasePath)
            guard let job = try store.job(id: id) else { throw ValidationError("no job \(id) in \(databasePath)") }
            let turns = try store.turns(jobID: id)
            let circuit = try CircuitCatalog(paths: .resolve()).circuit(named: job.circuit)
            guard circuit.contentHash == job.specHash else {
                throw ValidationError("circuit \(job.circuit) changed since job \(id) ran; replay needs the same netlist and spec")
            }
            let pool = WorkerPool(configuration: .init(workers: workers), launch: .simulationWorker())
            try await pool.start()
            let result = await JobReplay().run(job: job, turns: turns, evaluator: PoolEvaluator(circuit: circuit, pool: pool, deckForm: DeckForm(environment: ProcessInfo.processInfo.environment)))
            await pool.shutdown()
            return result
        }
    }
}
