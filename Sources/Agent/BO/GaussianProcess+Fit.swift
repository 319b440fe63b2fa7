import Foundation
import SizerCore

extension GaussianProcess {
    /// How `fit` chooses hyperparameters: Adam on the log hyperparameters, maximizing the log
    /// marginal likelihood from a few starting points, each kept inside box bounds.
    public struct FitConfig: Codable, Sendable, Hashable {
        /// Optimizer runs; the first starts from ℓ = 0.3√d, σ_f² = 1, σ_n² = 1e-3, the others
        /// from seeded random points around it.
        public var starts = 3
        /// Adam steps per run.
        public var iterations = 80
        /// Adam step size on the log hyperparameters.
        public var learningRate = 0.1
        /// Lengthscale bounds; inputs live in [0, 1].
        public var minLengthscale = 0.01
        public var maxLengthscale = 10.0
        /// Signal variance bounds, in standardized output units.
        public var minSignalVariance = 0.05
        public var maxSignalVariance = 20.0
        /// Noise variance bounds, in standardized output units; the floor keeps K well conditioned.
        public var minNoiseVariance = 1e-6
        public var maxNoiseVariance = 1.0
        /// A log-normal prior on each lengthscale, with median lengthscalePriorMedian · √d (the
        /// typical distance between points grows with √d), so that a few points cannot drive the
        /// lengthscales to the bounds. 0 turns the prior off (plain maximum likelihood).
        public var lengthscalePriorMedian = 0.2
        /// Standard deviation of log ℓ under that prior.
        public var lengthscalePriorStd = 1.0

        public init() {}

        var lowerBounds: (lengthscale: Double, signal: Double, noise: Double) {
            (log(minLengthscale), log(minSignalVariance), log(minNoiseVariance))
        }

        var upperBounds: (lengthscale: Double, signal: Double, noise: Double) {
            (log(maxLengthscale), log(maxSignalVariance), log(maxNoiseVariance))
        }
    }

    /// A GP on (inputs, outputs) with the hyperparameters of highest log marginal likelihood plus
    /// log prior found (maximum a posteriori; maximum likelihood with the prior turned off).
    public static func fit(inputs: [[Double]], outputs: [Double], config: FitConfig = FitConfig(),
                           using generator: inout SplitMix64) throws -> GaussianProcess {
        precondition(inputs.count == outputs.count && !inputs.isEmpty)
        let d = inputs[0].count
        let (mean, scale) = standardization(of: outputs)
        let y = outputs.map { ($0 - mean) / scale }

        var best: (value: Double, theta: [Double])?
        for start in startingPoints(dimension: d, config: config, using: &generator) {
            guard let run = maximizeLikelihood(from: start, inputs: inputs, y: y, config: config) else { continue }
            if best == nil || run.value > best!.value { best = run }
        }
        guard let best else { throw GaussianProcessError.fitFailed }
        return try GaussianProcess(inputs: inputs, standardizedOutputs: y, outputMean: mean, outputScale: scale,
                                   hyperparameters: Hyperparameters(vector: best.theta))
    }

    static func startingPoints(dimension d: Int, config: FitConfig,
                               using generator: inout SplitMix64) -> [[Double]] {
        let defaultLogLengthscale = log(0.3 * Double(max(d, 1)).squareRoot())
        var starts = [[Double](repeating: defaultLogLengthscale, count: d) + [0, log(1e-3)]]
        for _ in 1..<max(config.starts, 1) {
            let logLengthscales = (0..<d).map { _ in defaultLogLengthscale + 3 * (generator.nextUnit() - 0.5) }
            let logSignal = 2 * (generator.nextUnit() - 0.5)
            let logNoise = log(1e-6) + generator.nextUnit() * (log(1e-1) - log(1e-6))
            starts.append(logLengthscales + [logSignal, logNoise])
        }
        return starts.map { project($0, config: config) }
    }

    /// Projects θ onto the box bounds.
    static func project(_ theta: [Double], config: FitConfig) -> [Double] {
        let lower = config.lowerBounds, upper = config.upperBounds
        let d = theta.count - 2
        return theta.enumerated().map { index, value in
            switch index {
            case ..<d: min(max(value, lower.lengthscale), upper.lengthscale)
            case d: min(max(value, lower.signal), upper.signal)
            default: min(max(value, lower.noise), upper.noise)
            }
        }
    }

    /// The log density (up to a constant) of the lengthscale prior, and its gradient in θ.
    static func logPrior(_ theta: [Double], config: FitConfig) -> (value: Double, gradient: [Double]) {
        var gradient = [Double](repeating: 0, count: theta.count)
        guard config.lengthscalePriorMedian > 0, config.lengthscalePriorStd > 0 else { return (0, gradient) }
        let d = theta.count - 2
        let center = log(config.lengthscalePriorMedian * Double(max(d, 1)).squareRoot())
        let precision = 1 / (config.lengthscalePriorStd * config.lengthscalePriorStd)
        var value = 0.0
        for k in 0..<d {
            let offset = theta[k] - center
            value -= 0.5 * precision * offset * offset
            gradient[k] = -precision * offset
        }
        return (value, gradient)
    }

    /// Projected Adam ascent on the log posterior; returns the best point visited, nil if the first one fails.
    static func maximizeLikelihood(from start: [Double], inputs: [[Double]], y: [Double],
                                   config: FitConfig) -> (value: Double, theta: [Double])? {
        let beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8
        var theta = start
        var m = [Double](repeating: 0, count: theta.count)
        var v = m
        var best: (value: Double, theta: [Double])?
        for step in 1...max(config.iterations, 1) {
            guard let (likelihood, likelihoodGradient) = try? logMarginalLikelihood(
                inputs: inputs, standardizedOutputs: y, hyperparameters: Hyperparameters(vector: theta))
            else { break }
            let prior = logPrior(theta, config: config)
            let value = likelihood + prior.value
            let gradient = zip(likelihoodGradient, prior.gradient).map { $0 + $1 }
            guard value.isFinite, gradient.allSatisfy(\.isFinite) else { break }
            if best == nil || value > best!.value { best = (value, theta) }
            let correction1 = 1 - pow(beta1, Double(step)), correction2 = 1 - pow(beta2, Double(step))
            for i in theta.indices {
                m[i] = beta1 * m[i] + (1 - beta1) * gradient[i]
                v[i] = beta2 * v[i] + (1 - beta2) * gradient[i] * gradient[i]
                theta[i] += config.learningRate * (m[i] / correction1) / ((v[i] / correction2).squareRoot() + epsilon)
            }
            theta = project(theta, config: config)
        }
        return best
    }
}

/// Why a Gaussian process could not be built.
public enum GaussianProcessError: Error, Sendable {
    /// No hyperparameter start gave a factorable kernel matrix.
    case fitFailed
}
