import Agent
import Foundation
import SizerClient
import SizerCore
import SizerProtocol

/// Optimizers by the name `jobs.submit` gives, configured from the job's `config`.
struct OptimizerRegistry {
    static let names = ["random", "bo"]
    let client: SizerClient

    func make(_ claimed: AgentClaim.Claimed) throws -> any Optimizer {
        let config = claimed.job.config
        switch claimed.job.optimizer {
        case "random":
            return RandomSearch()
        case "bo":
            return BayesianOptimizer(config: try Self.section(BOConfig.self, named: "bo", of: config) ?? BOConfig())
        default:
            throw OptimizerUnavailable("this sizer-agent has no optimizer '\(claimed.job.optimizer)'")
        }
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
