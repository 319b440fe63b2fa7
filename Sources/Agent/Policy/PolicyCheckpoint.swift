import Foundation
import SizerCore

/// A trained policy with everything needed to rebuild it and to tell where it came from.
public struct PolicyCheckpoint: Codable, Sendable, Hashable {
    /// How it was trained; also the optimizer's name ("tlgrpo" or "grpo").
    public var algorithm: TrainingAlgorithm
    public var circuit: String
    /// `HistoryFeatures.featureVersion` at training time; a mismatch is refused on load.
    public var featureVersion: Int
    public var features: HistoryFeatures
    public var shape: NetworkShape
    public var minLogStd: Double
    public var maxLogStd: Double
    /// The flat weights (MLP, then log-std parameters).
    public var parameters: [Double]
    public var config: TLGRPOConfig
    public var simulationsUsed: Int
    public var seed: UInt64
    /// Free-form notes (git commit, host, date, evaluation results).
    public var metadata: [String: String]

    public init(algorithm: TrainingAlgorithm, circuit: String, features: HistoryFeatures, policy: GaussianPolicy,
                config: TLGRPOConfig, simulationsUsed: Int, seed: UInt64, metadata: [String: String] = [:]) {
        self.algorithm = algorithm
        self.circuit = circuit
        featureVersion = HistoryFeatures.featureVersion
        self.features = features
        shape = policy.shape
        minLogStd = policy.minLogStd
        maxLogStd = policy.maxLogStd
        parameters = policy.parameters
        self.config = config
        self.simulationsUsed = simulationsUsed
        self.seed = seed
        self.metadata = metadata
    }

    /// The network, after checking the stored pieces fit together.
    public func policy() throws -> GaussianPolicy {
        guard featureVersion == HistoryFeatures.featureVersion else {
            throw PolicyError(kind: .featureVersionMismatch,
                              detail: "checkpoint has feature version \(featureVersion), this build \(HistoryFeatures.featureVersion)")
        }
        guard shape.inputCount == features.count, shape.outputCount == features.dimension,
              parameters.count == shape.parameterCount + shape.outputCount, minLogStd < maxLogStd else {
            throw PolicyError(kind: .malformedCheckpoint,
                              detail: "shape \(shape.widths), \(parameters.count) parameters, \(features.count) features")
        }
        return GaussianPolicy(shape: shape, minLogStd: minLogStd, maxLogStd: maxLogStd, parameters: parameters)
    }

    /// Sorted-key JSON; doubles round-trip exactly.
    /// The checkpoint as JSON with Sizer's one JSON configuration (snake_case keys).
    public func jsonData() throws -> Data {
        try SizerJSON.encoder().encode(self)
    }

    public init(jsonData: Data) throws {
        self = try SizerJSON.decoder().decode(PolicyCheckpoint.self, from: jsonData)
    }
}

/// Why a checkpoint cannot serve a task.
public struct PolicyError: Error, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        case featureVersionMismatch, malformedCheckpoint, taskMismatch
    }
    public var kind: Kind
    public var detail: String
    public var description: String { "\(kind.rawValue): \(detail)" }
}
