import ArgumentParser
import Circuits
import Foundation
import SizerCore
import WorkerPool

extension Sizer {
    struct BenchSim: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sim",
            abstract: "Worker pool vs `ngspice -b` per evaluation (full SKY130 library) on the same random sizings.")

        @OptionGroup var output: OutputOptions

        @Option(help: "Circuit to benchmark.")
        var circuit: String = "two_stage"

        @Option(help: "Evaluations through the worker pool (RSS is compared before and after).")
        var evaluations: Int = 2000

        @Option(help: "Evaluations with `ngspice -b` and the full library (each takes seconds).")
        var subprocessRuns: Int = 3

        @Option(help: "Worker processes (default: one per core).")
        var workers: Int = WorkerPoolConfiguration.coreCount

        @Option(help: "Seed of the random sizings.")
        var seed: UInt64 = 1

        @Option(help: "Sizings: 'random' (uniform over the design space) or 'walk' (small steps, as an optimizer's proposals).")
        var workload: String = "random"

        @Option(help: "For --workload walk: the largest step of each normalized coordinate.")
        var step: Double = 0.02

        @Option(help: "Evaluate these designs in order instead (a JSON array of {variable: value} objects, e.g. a job's candidates from the run log).")
        var designs: String?

        @Option(help: "Then this many rounds of 1,000 of the same designs with expanded and with bin-pruned decks, alternating (the speed-up, side by side).")
        var compareDecks: Int = 0

        func validate() throws {
            guard evaluations > 0 else { throw ValidationError("--evaluations must be positive") }
            guard subprocessRuns >= 0 else { throw ValidationError("--subprocess-runs must not be negative") }
            guard workers > 0 else { throw ValidationError("--workers must be positive") }
            guard ["random", "walk"].contains(workload) else { throw ValidationError("--workload must be 'random' or 'walk'") }
            guard step > 0 && step <= 1 else { throw ValidationError("--step must be in (0, 1]") }
            guard compareDecks >= 0 else { throw ValidationError("--compare-decks must not be negative") }
        }

        func run() async throws {
            let paths = SizerPaths.resolve(userSpecDirectories: output.specDirectories)
            let circuit = try CircuitCatalog(paths: paths).circuit(named: self.circuit)
            var benchmark = SimulationBenchmark(circuit: circuit, paths: paths, workers: workers, seed: seed)
            if workload == "walk" { benchmark.workload = .walk(step: step) }
            benchmark.comparisonRounds = compareDecks
            if let path = designs {
                guard let data = FileManager.default.contents(atPath: path),
                      let list = try? JSONDecoder().decode([[String: Double]].self, from: data), !list.isEmpty else {
                    throw ValidationError("--designs: cannot read a non-empty JSON array of designs from \(path)")
                }
                for design in list {
                    if let problem = circuit.space.invalidReason(design) { throw ValidationError("--designs: \(problem)") }
                }
                benchmark.workload = .given(name: URL(fileURLWithPath: path).lastPathComponent, designs: list)
            }
            let report = try await benchmark.run(evaluations: evaluations, subprocessRuns: subprocessRuns) { line in
                if !output.json { print(line) }
            }
            if output.json {
                print(String(decoding: try SizerJSON.encoder().encode(report), as: UTF8.self))
            } else {
                print(report.summary)
            }
        }
    }
}
