import Agent
import ArgumentParser
import Foundation
import SizerClient
import SizerCore
import SizerProtocol

extension SizerAgent {
    struct Train: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Train a policy on a circuit's train split through the daemon; store the checkpoint in its database.")

        @OptionGroup var connection: AgentConnectionOptions

        @Option(help: "Circuit to train on.")
        var circuit: String

        @Option(help: "tlgrpo (turn-level groups, the method) or grpo (trajectory-level baseline).")
        var algo: TrainingAlgorithm = .tlgrpo

        @Option(help: "Simulations to spend on updates (validation runs come on top).")
        var sims: Int = 30_000

        @Option(help: "Seed of the initial weights, the tasks and every sample.")
        var seed: UInt64 = 1

        @Option(help: "Learning rate of Adam.")
        var learningRate: Double?

        @Option(help: "Train targets held out for validation (the last ones of the split).")
        var validation = 8

        @Option(help: "Validate every this many updates (0: only at the end).")
        var validateEvery = 25

        @Option(help: "Also write the checkpoint to this JSON file.")
        var out: String?

        func validate() throws {
            guard sims > 0 else { throw ValidationError("--sims must be positive") }
            guard validation >= 0, validateEvery >= 0 else { throw ValidationError("--validation and --validate-every must not be negative") }
        }

        func run() async throws {
            let name = "sizer-agent-train-\(getpid())"
            let environment = try DaemonSizingEnvironment(socketPath: connection.socket, circuit: circuit,
                                                          algorithm: algo.rawValue, validationCount: validation,
                                                          agentName: name)
            var config = TLGRPOConfig()
            config.algorithm = algo
            config.simulationBudget = sims
            config.seed = seed
            if let learningRate { config.learningRate = learningRate }
            var trainer = TLGRPOTrainer(config: config, environment: environment)
            let started = ContinuousClock.now
            note("training \(algo.rawValue) on \(circuit): \(sims) simulations, \(trainer.simulationsPerUpdate) per update, validation on \(validation) held-out train targets")
            note("update    sims  mean best  success  sims/s   approx KL  clip  skipped")
            var validations: [String] = []
            while trainer.simulationsUsed + trainer.simulationsPerUpdate <= config.simulationBudget {
                let progress = try await trainer.update()
                let d = progress.diagnostics
                note(String(format: "%6d %7d %10.4f %7.0f%% %8.1f %10.4f %5.2f %8d", progress.update, progress.simulationsUsed,
                            progress.meanBestReward, progress.successRate * 100, progress.simulationsPerSecond,
                            d.approxKL, d.clipFraction, d.skippedZeroVarianceGroups))
                let last = trainer.simulationsUsed + trainer.simulationsPerUpdate > config.simulationBudget
                if validation > 0 && (last || (validateEvery > 0 && progress.update % validateEvery == 0)) {
                    let optimizer = try PolicyOptimizer(checkpoint: trainer.checkpoint())
                    let score = try await OptimizerRun.score(of: optimizer, on: environment.validationTasks,
                                                             environment: environment)
                    let line = String(format: "validation after %d sims: mean best %.4f, success %.0f%%",
                                      trainer.simulationsUsed, score.meanBestReward, score.successRate * 100)
                    validations.append(line)
                    note("  " + line)
                }
            }
            let seconds = (ContinuousClock.now - started) / .seconds(1)
            let client = try SizerClient(socketPath: connection.socket)
            _ = try client.hello(client: name)
            let specHash = try client.call(CircuitsDescribe.self, .init(circuit: circuit)).specHash
            let checkpoint = trainer.checkpoint(metadata: [
                "spec_hash": specHash,
                "code_version": SizerVersion.current,
                "wall_seconds": String(format: "%.0f", seconds),
                "command": "sizer-agent train --circuit \(circuit) --algo \(algo.rawValue) --sims \(sims) --seed \(seed)"
                    + (learningRate.map { " --learning-rate \($0)" } ?? ""),
                "validation": validations.last ?? "none",
            ])
            let text = String(decoding: try checkpoint.jsonData(), as: UTF8.self)
            let saved = try client.call(PoliciesSave.self, .init(
                circuit: circuit, algorithm: algo.rawValue, specHash: specHash, featureVersion: checkpoint.featureVersion,
                simulations: trainer.simulationsUsed, seed: Int64(bitPattern: seed), codeVersion: SizerVersion.current,
                checkpoint: text))
            if let out { try text.write(toFile: out, atomically: true, encoding: .utf8) }
            note(String(format: "trained in %.0f s; policy %lld stored in the daemon's database", seconds, saved.id)
                 + (out.map { " and in \($0)" } ?? ""))
        }

        func note(_ text: String) { FileHandle.standardError.write(Data((text + "\n").utf8)) }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write a stored policy checkpoint to a file.")

        @OptionGroup var connection: AgentConnectionOptions

        @Option(help: "Policy id (default: the newest for --circuit and --algo).")
        var id: Int64?

        @Option(help: "Circuit of the newest policy to export.")
        var circuit: String?

        @Option(help: "Algorithm of the newest policy to export.")
        var algo: TrainingAlgorithm?

        @Option(help: "Output file.")
        var out: String

        func validate() throws {
            if id == nil && (circuit == nil || algo == nil) { throw ValidationError("give --id, or --circuit and --algo") }
        }

        func run() async throws {
            let client = try SizerClient(socketPath: connection.socket)
            _ = try client.hello()
            let policy = try client.call(PoliciesGet.self, .init(id: id, circuit: circuit, algorithm: algo?.rawValue))
            try policy.checkpoint.write(toFile: out, atomically: true, encoding: .utf8)
            print("policy \(policy.id) (\(policy.circuit), \(policy.algorithm), \(policy.simulations) simulations) written to \(out)")
        }
    }

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Store a policy checkpoint file in the daemon's database.")

        @OptionGroup var connection: AgentConnectionOptions

        @Argument(help: "Checkpoint file (from `sizer-agent export` or `train --out`).")
        var file: String

        func run() async throws {
            guard let data = FileManager.default.contents(atPath: file) else { throw ValidationError("cannot read \(file)") }
            let checkpoint: PolicyCheckpoint
            do {
                checkpoint = try PolicyCheckpoint(jsonData: data)
                _ = try checkpoint.policy()
            } catch {
                throw ValidationError("\(file) is not a usable checkpoint: \(error)")
            }
            let client = try SizerClient(socketPath: connection.socket)
            _ = try client.hello()
            let saved = try client.call(PoliciesSave.self, .init(
                circuit: checkpoint.circuit, algorithm: checkpoint.algorithm.rawValue,
                specHash: checkpoint.metadata["spec_hash"] ?? "", featureVersion: checkpoint.featureVersion,
                simulations: checkpoint.simulationsUsed, seed: Int64(bitPattern: checkpoint.seed),
                codeVersion: checkpoint.metadata["code_version"] ?? "unknown",
                checkpoint: String(decoding: data, as: UTF8.self)))
            print("stored as policy \(saved.id)")
        }
    }
}

extension TrainingAlgorithm: ExpressibleByArgument {}
