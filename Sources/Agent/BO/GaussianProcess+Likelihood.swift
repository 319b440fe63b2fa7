import Foundation
import Linalg

extension GaussianProcess {
    /// The log marginal likelihood log p(ỹ | X, θ) of standardized outputs ỹ, and its gradient
    /// with respect to `hyperparameters.vector` ([log ℓ₁ … log ℓ_d, log σ_f², log σ_n²]).
    ///
    /// log p = -½ ỹᵀα - ½ log det K - n/2 log 2π with α = K⁻¹ỹ, and
    /// ∂ log p/∂θ = ½ tr(W ∂K/∂θ) with W = ααᵀ - K⁻¹.
    public static func logMarginalLikelihood(inputs: [[Double]], standardizedOutputs y: [Double],
                                             hyperparameters: Hyperparameters) throws
        -> (value: Double, gradient: [Double]) {
        let n = inputs.count, d = hyperparameters.logLengthscales.count
        precondition(y.count == n && n > 0)
        let lengthscales = hyperparameters.logLengthscales.map { exp($0) }
        let signalVariance = exp(hyperparameters.logSignalVariance)
        let noiseVariance = exp(hyperparameters.logNoiseVariance)
        let scaled = scale(inputs, by: lengthscales)
        let cholesky = try Cholesky(covariance(scaledInputs: scaled, count: n, dimension: d,
                                               signalVariance: signalVariance, noiseVariance: noiseVariance))
        let alpha = cholesky.solve(y)
        let dataFit = zip(alpha, y).reduce(0) { $0 + $1.0 * $1.1 }
        let value = -0.5 * dataFit - 0.5 * cholesky.logDeterminant - 0.5 * Double(n) * log(2 * Double.pi)

        let inverse = cholesky.inverse()
        var gradient = [Double](repeating: 0, count: d + 2)
        var traceW = 0.0
        scaled.withUnsafeBufferPointer { x in
            inverse.values.withUnsafeBufferPointer { kInv in
                for i in 0..<n {
                    let wii = alpha[i] * alpha[i] - kInv[i * n + i]
                    traceW += wii
                    for j in 0..<i {
                        let w = alpha[i] * alpha[j] - kInv[i * n + j]
                        let r = Matern52.scaledDistance(x, i * d, x, j * d, dimension: d)
                        // Each off-diagonal pair appears twice in the trace: the ½ cancels.
                        gradient[d] += w * signalVariance * Matern52.correlation(scaledDistance: r)
                        let common = w * signalVariance * Matern52.logLengthscaleFactor(scaledDistance: r)
                        for k in 0..<d {
                            let delta = x[i * d + k] - x[j * d + k]
                            gradient[k] += common * delta * delta
                        }
                    }
                }
            }
        }
        gradient[d] += 0.5 * traceW * signalVariance
        gradient[d + 1] = 0.5 * traceW * noiseVariance
        return (value, gradient)
    }
}
