import Foundation
import SizerCore

/// pi(a | h): an MLP maps history features to the mean of a diagonal Gaussian over the step
/// `a` (from the best-so-far design); the log standard deviation is a learned, state-independent
/// vector squashed into `[minLogStd, maxLogStd]` by a sigmoid, so it stays bounded without a
/// clamp that would cut its gradient.
///
/// All weights live in one flat vector: the MLP's (see `MLP`), then one log-std parameter per
/// action coordinate. Adam and checkpoints see only that vector.
public struct GaussianPolicy: Sendable {
    /// Features in, action (step) coordinates out.
    public let shape: NetworkShape
    public let minLogStd: Double
    public let maxLogStd: Double
    public var parameters: [Double]
    private let network: MLP

    /// A fresh policy: small output weights (mean step near zero) and `initialLogStd` everywhere.
    public init(shape: NetworkShape, initialLogStd: Double, minLogStd: Double, maxLogStd: Double,
                using generator: inout SplitMix64) {
        precondition(minLogStd < initialLogStd && initialLogStd < maxLogStd, "initial log-std must lie inside its bounds")
        let network = MLP(shape: shape)
        var parameters = network.initialParameters(outputScale: 0.01, using: &generator)
        let fraction = (initialLogStd - minLogStd) / (maxLogStd - minLogStd)
        let logit = log(fraction / (1 - fraction))
        parameters += [Double](repeating: logit, count: shape.outputCount)
        self.init(shape: shape, minLogStd: minLogStd, maxLogStd: maxLogStd, parameters: parameters)
    }

    /// A policy from stored weights (a checkpoint).
    public init(shape: NetworkShape, minLogStd: Double, maxLogStd: Double, parameters: [Double]) {
        precondition(parameters.count == shape.parameterCount + shape.outputCount,
                     "\(parameters.count) parameters for a network of \(shape.parameterCount) + \(shape.outputCount)")
        self.shape = shape
        self.minLogStd = minLogStd
        self.maxLogStd = maxLogStd
        self.parameters = parameters
        network = MLP(shape: shape)
    }

    public var parameterCount: Int { parameters.count }
    public var actionCount: Int { shape.outputCount }

    /// The distribution for one history, with what backpropagation needs.
    public struct Distribution: Sendable {
        public let mean: [Double]
        public let logStd: [Double]
        let trace: MLP.Trace
    }

    public func distribution(features: [Double]) -> Distribution {
        let trace = network.forward(features, parameters: parameters)
        let logStd = (0..<actionCount).map { squashedLogStd(parameters[shape.parameterCount + $0]) }
        return Distribution(mean: trace.output, logStd: logStd, trace: trace)
    }

    /// Adds d(loss)/d(parameters) to `gradient`, given d(loss)/d(mean) and d(loss)/d(logStd)
    /// of `distribution`.
    public func backward(_ distribution: Distribution, meanGradient: [Double], logStdGradient: [Double],
                         into gradient: inout [Double]) {
        precondition(gradient.count == parameterCount)
        network.backward(distribution.trace, outputGradient: meanGradient, parameters: parameters, gradient: &gradient)
        let range = maxLogStd - minLogStd
        for j in 0..<actionCount {
            let s = sigmoid(parameters[shape.parameterCount + j])
            gradient[shape.parameterCount + j] += logStdGradient[j] * range * s * (1 - s)
        }
    }

    private func squashedLogStd(_ raw: Double) -> Double {
        minLogStd + (maxLogStd - minLogStd) * sigmoid(raw)
    }

    private func sigmoid(_ x: Double) -> Double { 1 / (1 + exp(-x)) }
}
