import Agent
import ArgumentParser
import Foundation
import Plots
import SizerClient
import SizerCore
import SizerProtocol

extension SizerAgent {
    struct Bench: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compare optimizers at the same simulation budget on held-out test targets of a circuit.")

        @OptionGroup var connection: AgentConnectionOptions

        @Option(help: "Circuit to benchmark.")
        var circuit: String

        @Option(help: "Simulations per run, counting every candidate of every turn.")
        var budget: Int = 50

        @Option(help: "Held-out test targets (the first K of the test split).")
        var targets: Int = 50

        @Option(help: "Seeds per target.")
        var seeds: Int = 1

        @Option(help: "Candidates per turn (G), the same for every optimizer.")
        var group: Int = 8

        @Option(help: "Optimizers to compare (comma-separated).")
        var optimizers: String = "tlgrpo,grpo,bo,random"

        @Flag(help: "Print one JSON object on stdout.")
        var json = false

        @Option(help: "Write the success rate against simulations of every optimizer as SVG.")
        var svg: String?

        func validate() throws {
            guard budget > 0, targets > 0, seeds > 0, group > 0 else {
                throw ValidationError("--budget, --targets, --seeds and --group must be positive")
            }
        }

        func run() async throws {
            let name = "sizer-agent-bench-\(getpid())"
            let client = try SizerClient(socketPath: connection.socket)
            _ = try client.hello(client: name)
            let registry = OptimizerRegistry(client: client)
            var results: [String: OptimizerSummary] = [:]
            let names = optimizers.split(separator: ",").map(String.init)
            for optimizerName in names {
                var runs: [RunResult] = []
                let started = ContinuousClock.now
                for target in 0..<targets {
                    for seed in 0..<seeds {
                        let job = try client.call(JobsSubmit.self, .init(
                            circuit: circuit, optimizer: optimizerName, budget: budget, groupSize: min(group, budget),
                            seed: Int64(seed), testTarget: target, kind: .benchmark))
                        guard let claimed = try client.call(AgentClaim.self, .init(agent: name, jobId: job.id)).claimed else {
                            throw ValidationError("benchmark job \(job.id) could not be claimed")
                        }
                        let runStart = ContinuousClock.now
                        let keeper = LeaseKeeper(lease: claimed.lease, socketPath: connection.socket)
                        keeper.start()
                        defer { keeper.stop() }
                        let optimizer = try registry.make(claimed)
                        let ending = try JobRunner(client: client, claimed: claimed, optimizer: optimizer,
                                                   stopOnSuccess: false, log: { _ in }).run(keeper: keeper)
                        guard case .finished(let finished) = ending else {
                            throw ValidationError("benchmark job \(job.id) did not finish (\(ending))")
                        }
                        let seconds = (ContinuousClock.now - runStart) / .seconds(1)
                        // A turn's candidates are simulated together, so a success is known only at
                        // the end of its turn: count the whole turn (the conservative figure).
                        let turns = try client.call(JobsHistory.self, JobID(id: finished.id)).turns
                        var used = 0
                        var atTurnEnd: Int?
                        for turn in turns where atTurnEnd == nil {
                            used += turn.candidates.count
                            if turn.candidates.contains(where: \.meetsAllSpecs) { atTurnEnd = used }
                        }
                        runs.append(RunResult(jobId: finished.id, target: target, seed: seed,
                                              bestReward: finished.bestReward ?? Reward.invalidFloor,
                                              simulationsToSuccess: atTurnEnd,
                                              simulationsToSuccessCandidate: finished.simulationsToSuccess,
                                              seconds: seconds))
                        if !json && isatty(STDERR_FILENO) == 1 {
                            FileHandle.standardError.write(Data("\r\(optimizerName): \(runs.count)/\(targets * seeds) runs".utf8))
                        }
                    }
                }
                if !json && isatty(STDERR_FILENO) == 1 { FileHandle.standardError.write(Data("\n".utf8)) }
                results[optimizerName] = OptimizerSummary(runs: runs, budget: budget,
                                                          wallSeconds: (ContinuousClock.now - started) / .seconds(1))
            }
            let report = BenchReport(circuit: circuit, budget: budget, groupSize: min(group, budget), targets: targets,
                                     seeds: seeds, optimizers: results)
            if json {
                print(String(decoding: try SizerJSON.encoder().encode(report), as: UTF8.self))
            } else {
                print(report.table(order: names))
            }
            if let svg {
                var plot = SVGPlot(title: "\(circuit): success rate against simulations (\(targets * seeds) runs each)",
                                   xLabel: "simulations", yLabel: "success rate", yRange: 0...1)
                for name in names { if let summary = results[name] {
                    plot.series.append(.init(name: name, points: summary.successCurve.enumerated().map {
                        (Double($0.offset + 1), $0.element)
                    }))
                } }
                try plot.render().write(toFile: svg, atomically: true, encoding: .utf8)
            }
        }
    }
}

/// One benchmark run.
struct RunResult: Codable {
    var jobId: Int64
    var target: Int
    var seed: Int
    var bestReward: Double
    /// Simulations through the end of the turn of the first success (nil: no success).
    var simulationsToSuccess: Int?
    /// Simulations up to and including the first successful candidate itself.
    var simulationsToSuccessCandidate: Int?
    var seconds: Double
}

/// One optimizer's figures over all runs.
struct OptimizerSummary: Codable {
    var runs: Int
    var successes: Int
    /// Runs where some candidate met every spec within the budget.
    var successRate: Double
    /// Median over the successful runs of the simulations through the end of the first successful
    /// turn (nil if none succeeded).
    var medianSimsToSuccess: Double?
    /// The same counted up to the successful candidate itself.
    var medianSimsToSuccessCandidate: Double?
    var meanBestReward: Double
    var wallSeconds: Double
    /// Success rate after 1, 2, ... budget simulations.
    var successCurve: [Double]
    var jobs: [RunResult]

    init(runs: [RunResult], budget: Int, wallSeconds: Double) {
        self.runs = runs.count
        let successes = runs.compactMap(\.simulationsToSuccess).sorted()
        self.successes = successes.count
        successRate = Double(successes.count) / Double(max(1, runs.count))
        medianSimsToSuccess = Self.median(successes)
        medianSimsToSuccessCandidate = Self.median(runs.compactMap(\.simulationsToSuccessCandidate).sorted())
        meanBestReward = runs.map(\.bestReward).reduce(0, +) / Double(max(1, runs.count))
        self.wallSeconds = wallSeconds
        successCurve = (1...budget).map { n in Double(successes.filter { $0 <= n }.count) / Double(max(1, runs.count)) }
        jobs = runs
    }

    static func median(_ sorted: [Int]) -> Double? {
        guard !sorted.isEmpty else { return nil }
        if sorted.count % 2 == 1 { return Double(sorted[sorted.count / 2]) }
        return Double(sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }
}

/// `sizer-agent bench --json`.
struct BenchReport: Codable {
    var circuit: String
    var budget: Int
    var groupSize: Int
    var targets: Int
    var seeds: Int
    var optimizers: [String: OptimizerSummary]

    func table(order: [String]) -> String {
        var lines = ["\(circuit), budget \(budget) simulations, group \(groupSize), \(targets) test targets x \(seeds) seeds",
                     "optimizer  success  median sims to success (turn end / candidate)  mean best reward  wall s"]
        for name in order {
            guard let s = optimizers[name] else { continue }
            let median = (s.medianSimsToSuccess.map { String(format: "%.1f", $0) } ?? "-") + " / "
                + (s.medianSimsToSuccessCandidate.map { String(format: "%.1f", $0) } ?? "-")
            lines.append(name.padding(toLength: 9, withPad: " ", startingAt: 0)
                         + String(format: "  %6.1f%%  ", s.successRate * 100)
                         + String(repeating: " ", count: max(0, 43 - median.count)) + median
                         + String(format: "  %16.4f  %6.1f", s.meanBestReward, s.wallSeconds))
        }
        return lines.joined(separator: "\n")
    }
}
