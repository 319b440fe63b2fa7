import Agent
import Foundation
import SizerClient
import SizerCore
import SizerProtocol

/// Optimizers by the name `jobs.submit` gives, configured from the job's `config`.
struct OptimizerRegistry {
    static let names = ["tlgrpo", "grpo", "bo", "random"]
    let client: SizerClient

    func make(_ claimed: AgentClaim.Claimed) throws -> any Optimizer {
        let config = claimed.job.config
        switch claimed.job.optimizer {
        case "random":
            return RandomSearch()
        case "bo":
            return BayesianOptimizer(config: try Self.section(BOConfig.self, named: "bo", of: config) ?? BOConfig())
        case "tlgrpo", "grpo":
            return try PolicyOptimizer(checkpoint: try checkpoint(for: claimed))
        default:
            throw OptimizerUnavailable("this sizer-agent has no optimizer '\(claimed.job.optimizer)'")
        }
    }

    /// The policy a job runs: `config.policy_id`, else the newest trained for the circuit in the
    /// daemon's database, else the checkpoint shipped in `policies/`. It must have been trained for
    /// this circuit's exact spec (same hash).
    func checkpoint(for claimed: AgentClaim.Claimed) throws -> PolicyCheckpoint {
        let circuit = claimed.job.circuit, algorithm = claimed.job.optimizer
        var policyID: Int64?
        if case .object(let object)? = claimed.job.config, case .integer(let id)? = object["policy_id"] { policyID = id }
        var text: String?
        var origin = ""
        do {
            let stored = try client.call(PoliciesGet.self, .init(id: policyID, circuit: circuit, algorithm: algorithm))
            text = stored.checkpoint
            origin = "policy \(stored.id) in the daemon's database"
        } catch let error as RPCError where error.kind == .notFound && policyID == nil {
            let path = ShippedPolicies.path(circuit: circuit, algorithm: algorithm)
            text = try? String(contentsOfFile: path, encoding: .utf8)
            origin = path
        }
        guard let text else {
            throw OptimizerUnavailable("no \(algorithm) policy for \(circuit): train one with `sizer-agent train --circuit \(circuit) --algo \(algorithm)` (or use bo or random)")
        }
        let checkpoint: PolicyCheckpoint
        do {
            checkpoint = try PolicyCheckpoint(jsonData: Data(text.utf8))
        } catch {
            throw OptimizerUnavailable("\(origin) is not a readable checkpoint: \(error)")
        }
        guard checkpoint.circuit == circuit, checkpoint.algorithm.rawValue == algorithm else {
            throw OptimizerUnavailable("\(origin) is a \(checkpoint.algorithm.rawValue) policy for \(checkpoint.circuit), not \(algorithm) for \(circuit)")
        }
        if let hash = checkpoint.metadata["spec_hash"], hash != claimed.task.specHash {
            throw OptimizerUnavailable("\(origin) was trained for another version of \(circuit) (spec hash \(hash), now \(claimed.task.specHash)); retrain it")
        }
        return checkpoint
    }

    /// Decodes `config[name]` (snake_case keys) if present.
    static func section<T: Decodable>(_ type: T.Type, named name: String, of config: JSONValue?) throws -> T? {
        guard case .object(let object)? = config, let value = object[name] else { return nil }
        do {
            return try WireCoding.decode(T.self, from: value)
        } catch {
            throw OptimizerUnavailable("config.\(name): \(error.message)")
        }
    }
}

/// The job asks for an optimizer (or settings) this agent cannot provide; the job fails with this message.
struct OptimizerUnavailable: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Checkpoints shipped in the repository, so `make run` and the benchmark work without training.
enum ShippedPolicies {
    static func path(circuit: String, algorithm: String) -> String {
        SizerPaths.resolve().root + "/policies/\(circuit).\(algorithm).json"
    }
}

import Circuits
