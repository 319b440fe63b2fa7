import ArgumentParser
import Circuits
import Evaluation
import Foundation
import SizerCore
import SizerClient
import SizerProtocol
import SpiceDeck
import WorkerPool

extension Sizer {
    struct Eval: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Evaluate one design: metrics, per-spec pass/fail, outcome and reward.")

        @OptionGroup var output: OutputOptions

        @Option(help: "Circuit name (see `sizer circuits`) or path to a spec file.")
        var circuit: String

        @Option(name: .customLong("set"), help: "Set a design variable: VAR=VALUE (repeatable; others stay nominal).")
        var assignments: [String] = []

        @Option(help: "Corners: nominal, all, or a list such as tt,ff_125C,ss_-40C_1.62V.")
        var corners: String = "nominal"

        @Option(help: "JSON file mapping metric names to target values (defaults: the spec file's).")
        var targets: String?

        @Flag(help: "Load the deck from scratch instead of the fast parameter path (for checking; implies --local).")
        var freshLoad = false

        @Option(help: "The daemon's Unix socket; used (and the evaluation logged) when a daemon listens there.")
        var socket = ProcessInfo.processInfo.environment["SIZER_SOCKET"] ?? "var/sizerd.sock"

        @Flag(help: "Simulate in this process's own worker pool even when a daemon is running.")
        var local = false

        func validate() throws {
            for assignment in assignments where !assignment.contains("=") {
                throw ValidationError("--set expects VAR=VALUE, got '\(assignment)'")
            }
        }

        func run() async throws {
            let catalog = CircuitCatalog(paths: .resolve(userSpecDirectories: output.specDirectories))
            let circuit = try catalog.circuit(named: self.circuit)
            var design = circuit.space.nominal
            for assignment in assignments {
                let parts = assignment.split(separator: "=", maxSplits: 1).map(String.init)
                let name = parts[0].trimmingCharacters(in: .whitespaces).lowercased()
                guard let value = Double(parts[1].trimmingCharacters(in: .whitespaces)) else {
                    throw ValidationError("--set \(assignment): '\(parts[1])' is not a number")
                }
                design[name] = value
            }
            let targetList = try TargetFile.load(targets, circuit: circuit)
            let cornerList = try circuit.corners(corners)
            if !local, !freshLoad, !self.circuit.hasSuffix(".json"), output.specDirectories.isEmpty,
               let client = try? SizerClient(socketPath: socket) {
                try reportingErrors {
                    _ = try client.hello()
                    let result = try client.call(SizerProtocol.Eval.self, .init(
                        circuit: circuit.name, designs: [design], corners: CornerSelection.parse(corners),
                        targets: targets == nil ? nil : targetList))
                    let candidate = result.results[0]
                    if output.json {
                        try ConnectionOptions().printJSON(EvalReport(circuit: circuit.name, jobId: result.jobId,
                                                                     candidate: candidate, sanityViolations: nil))
                    } else {
                        print(EvalReport.text(circuit: circuit, candidate: candidate, sanityViolations: []))
                        print("logged    job \(result.jobId) in the daemon's run log")
                    }
                    if candidate.outcome != .ok { throw ExitCode(1) }
                }
                return
            }
            let pool = WorkerPool(configuration: .init(workers: min(cornerList.count, WorkerPoolConfiguration.coreCount)),
                                  launch: .simulationWorker())
            try await pool.start()
            let evaluator = PoolEvaluator(circuit: circuit, pool: pool, freshLoad: freshLoad, deckForm: DeckForm(environment: ProcessInfo.processInfo.environment))
            let result = await evaluator.evaluate([design], corners: cornerList, targets: targetList)[0]
            await pool.shutdown()
            let candidate = EvaluatedCandidate(index: 0, x: nil, evaluation: result)
            if output.json {
                try ConnectionOptions().printJSON(EvalReport(circuit: circuit.name, jobId: nil, candidate: candidate,
                                                             sanityViolations: result.sanityViolations))
            } else {
                print(EvalReport.text(circuit: circuit, candidate: candidate, sanityViolations: result.sanityViolations))
            }
            if result.outcome != .ok { throw ExitCode(1) }
        }
    }
}

/// `sizer eval --json` output: the evaluated candidate, where it was logged, and (when simulated
/// here) the operating-point checks it failed.
struct EvalReport: Codable {
    var circuit: String
    /// The daemon's eval job that logged it; nil when simulated in this process.
    var jobId: Int64?
    var candidate: EvaluatedCandidate
    var sanityViolations: [String]?

    static func text(circuit: Circuit, candidate: EvaluatedCandidate, sanityViolations: [String]) -> String {
        text(circuit: circuit, outcome: candidate.outcome, message: candidate.message, design: candidate.design,
             metrics: candidate.metrics, cornerCount: candidate.corners.count, specs: candidate.specs,
             sanityViolations: sanityViolations, reward: candidate.reward)
    }

    /// The one text layout of an evaluation, whether simulated here or by the daemon.
    static func text(circuit: Circuit, outcome: EvalOutcome, message: String?, design: [String: Double],
                     metrics: Metrics, cornerCount: Int, specs: [SpecResult], sanityViolations: [String],
                     reward: Double) -> String {
        var lines = ["circuit  \(circuit.name)", "outcome  \(outcome.rawValue)"]
        if let message { lines.append("message  \(message)") }
        lines.append("design   " + circuit.space.names.map { "\($0)=\(format(design[$0]))" }.joined(separator: " "))
        if !metrics.isEmpty {
            lines.append(cornerCount > 1 ? "metrics (worst case over \(cornerCount) corners)" : "metrics")
            for name in metrics.keys.sorted() {
                lines.append("  \(name.padding(toLength: 20, withPad: " ", startingAt: 0)) \(format(metrics[name] ?? nil))")
            }
        }
        if outcome == .ok {
            lines.append("specs")
            for spec in specs {
                let op = spec.bound == .lower ? ">=" : "<="
                lines.append("  \(spec.metric.padding(toLength: 20, withPad: " ", startingAt: 0)) \(format(spec.value)) \(op) \(format(spec.target))  \(spec.met ? "PASS" : "FAIL")")
            }
        }
        for violation in sanityViolations { lines.append("insane   \(violation)") }
        lines.append("reward   \(String(format: "%.6f", reward))")
        return lines.joined(separator: "\n")
    }

    static func format(_ value: Double?) -> String {
        guard let value else { return "unmet" }
        return String(format: "%.6g", value)
    }
}

/// Target file: a JSON object mapping metric names to target values.
enum TargetFile {
    static func load(_ path: String?, circuit: Circuit) throws -> [SpecTarget] {
        var targets = circuit.spec.defaultTargets
        guard let path else { return targets }
        guard let data = FileManager.default.contents(atPath: path) else { throw ValidationError("cannot read --targets \(path)") }
        guard let object = try? JSONDecoder().decode([String: Double].self, from: data) else {
            throw ValidationError("--targets \(path): expected a JSON object such as {\"gain_db\": 60}")
        }
        for (metric, value) in object {
            guard let index = targets.firstIndex(where: { $0.metric == metric }) else {
                throw ValidationError("--targets: '\(metric)' is not a spec of \(circuit.name) (specs: \(targets.map(\.metric).joined(separator: ", ")))")
            }
            guard value.isFinite else { throw ValidationError("--targets: '\(metric)' must be a finite number") }
            targets[index].target = value
        }
        return targets
    }
}
