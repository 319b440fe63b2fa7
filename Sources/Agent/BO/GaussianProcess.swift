import Foundation
import Linalg

/// Gaussian-process regression on [0, 1]^d with a Matérn 5/2 ARD kernel and a constant mean.
///
/// Outputs are standardized inside (mean 0, standard deviation 1), so the hyperparameters mean
/// the same for any reward scale; predictions are returned in the original units. Fit the
/// hyperparameters with `GaussianProcess.fit(inputs:outputs:config:using:)`.
public struct GaussianProcess: Sendable {
    /// Kernel hyperparameters, as logarithms so that an unconstrained optimizer can move them.
    public struct Hyperparameters: Codable, Sendable, Hashable {
        /// log ℓₖ, one lengthscale per input dimension.
        public var logLengthscales: [Double]
        /// log σ_f², the prior variance of the standardized outputs.
        public var logSignalVariance: Double
        /// log σ_n², the observation noise variance of the standardized outputs.
        public var logNoiseVariance: Double

        public init(logLengthscales: [Double], logSignalVariance: Double, logNoiseVariance: Double) {
            self.logLengthscales = logLengthscales
            self.logSignalVariance = logSignalVariance
            self.logNoiseVariance = logNoiseVariance
        }

        /// [log ℓ₁ … log ℓ_d, log σ_f², log σ_n²]: the order of likelihood gradients.
        public var vector: [Double] { logLengthscales + [logSignalVariance, logNoiseVariance] }

        public init(vector: [Double]) {
            precondition(vector.count >= 2)
            logLengthscales = Array(vector.dropLast(2))
            logSignalVariance = vector[vector.count - 2]
            logNoiseVariance = vector[vector.count - 1]
        }
    }

    /// The training inputs, in [0, 1]^d.
    public let inputs: [[Double]]
    public let hyperparameters: Hyperparameters
    /// Outputs are standardized as (y - outputMean) / outputScale.
    public let outputMean: Double
    public let outputScale: Double

    let dimension: Int
    let standardizedOutputs: [Double]
    /// Training inputs divided by the lengthscales, row-major n × d.
    let scaledInputs: [Double]
    let lengthscales: [Double]
    let signalVariance: Double
    let cholesky: Cholesky
    /// α = K⁻¹ ỹ, the weights of the posterior mean.
    let weights: [Double]

    public var count: Int { inputs.count }

    /// A GP with fixed hyperparameters on `inputs` (n points of dimension d) and `outputs`.
    public init(inputs: [[Double]], outputs: [Double], hyperparameters: Hyperparameters) throws {
        precondition(inputs.count == outputs.count && !inputs.isEmpty)
        let (mean, scale) = Self.standardization(of: outputs)
        try self.init(inputs: inputs, standardizedOutputs: outputs.map { ($0 - mean) / scale },
                      outputMean: mean, outputScale: scale, hyperparameters: hyperparameters)
    }

    init(inputs: [[Double]], standardizedOutputs: [Double], outputMean: Double, outputScale: Double,
         hyperparameters: Hyperparameters) throws {
        let d = hyperparameters.logLengthscales.count
        precondition(inputs.allSatisfy { $0.count == d })
        self.inputs = inputs
        self.standardizedOutputs = standardizedOutputs
        self.outputMean = outputMean
        self.outputScale = outputScale
        self.hyperparameters = hyperparameters
        dimension = d
        lengthscales = hyperparameters.logLengthscales.map { exp($0) }
        signalVariance = exp(hyperparameters.logSignalVariance)
        scaledInputs = Self.scale(inputs, by: lengthscales)
        cholesky = try Cholesky(Self.covariance(scaledInputs: scaledInputs, count: inputs.count, dimension: d,
                                                signalVariance: signalVariance,
                                                noiseVariance: exp(hyperparameters.logNoiseVariance)))
        weights = cholesky.solve(standardizedOutputs)
    }

    // MARK: - Prediction

    /// Posterior mean and variance of the latent function at `x`, in output units.
    /// The variance leaves out the observation noise.
    public func predict(_ x: [Double]) -> (mean: Double, variance: Double) {
        precondition(x.count == dimension)
        let scaledX = zip(x, lengthscales).map { $0 / $1 }
        let n = count, d = dimension
        var crossCovariance = [Double](repeating: 0, count: n)
        scaledInputs.withUnsafeBufferPointer { train in
            scaledX.withUnsafeBufferPointer { point in
                for i in 0..<n {
                    let r = Matern52.scaledDistance(train, i * d, point, 0, dimension: d)
                    crossCovariance[i] = signalVariance * Matern52.correlation(scaledDistance: r)
                }
            }
        }
        var mean = 0.0
        for i in 0..<n { mean += crossCovariance[i] * weights[i] }
        let v = cholesky.solveLower(crossCovariance)
        let explained = v.reduce(0) { $0 + $1 * $1 }
        let variance = max(signalVariance - explained, 0)
        return (outputMean + outputScale * mean, outputScale * outputScale * variance)
    }

    /// This GP with one more observation and the same hyperparameters and standardization:
    /// the kriging believer conditions on its own posterior mean this way.
    public func conditioned(on x: [Double], observation y: Double) throws -> GaussianProcess {
        try GaussianProcess(inputs: inputs + [x], standardizedOutputs: standardizedOutputs + [(y - outputMean) / outputScale],
                            outputMean: outputMean, outputScale: outputScale, hyperparameters: hyperparameters)
    }

    // MARK: - Pieces shared with the likelihood

    /// Mean and standard deviation; a scale of 1 when the outputs are (nearly) constant.
    static func standardization(of outputs: [Double]) -> (mean: Double, scale: Double) {
        let mean = outputs.reduce(0, +) / Double(outputs.count)
        let variance = outputs.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(outputs.count)
        let scale = variance.squareRoot()
        return (mean, scale > 1e-12 ? scale : 1)
    }

    static func scale(_ inputs: [[Double]], by lengthscales: [Double]) -> [Double] {
        inputs.flatMap { zip($0, lengthscales).map { $0 / $1 } }
    }

    /// K = σ_f² M(X, X) + σ_n² I.
    static func covariance(scaledInputs: [Double], count n: Int, dimension d: Int,
                           signalVariance: Double, noiseVariance: Double) -> Matrix {
        var k = Matrix(rows: n, columns: n)
        scaledInputs.withUnsafeBufferPointer { x in
            for i in 0..<n {
                k[i, i] = signalVariance + noiseVariance
                for j in 0..<i {
                    let value = signalVariance * Matern52.correlation(
                        scaledDistance: Matern52.scaledDistance(x, i * d, x, j * d, dimension: d))
                    k[i, j] = value
                    k[j, i] = value
                }
            }
        }
        return k
    }
}
