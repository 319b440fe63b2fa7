import Foundation
import SizerCore

/// The diagonal Gaussian of the policy head: log-density, KL divergence and entropy in closed
/// form, each with its gradient with respect to the mean and the log standard deviation.
public enum DiagonalGaussian {
    static let logTwoPi = log(2 * Double.pi)

    /// A value and its gradient with respect to (mean, logStd) of the distribution it differentiates.
    public struct Derivative: Sendable, Equatable {
        public var value: Double
        public var meanGradient: [Double]
        public var logStdGradient: [Double]
    }

    /// log N(action; mean, diag(exp(logStd))^2).
    public static func logDensity(of action: [Double], mean: [Double], logStd: [Double]) -> Derivative {
        precondition(action.count == mean.count && mean.count == logStd.count)
        var value = 0.0
        var dMean = [Double](repeating: 0, count: mean.count)
        var dLogStd = [Double](repeating: 0, count: mean.count)
        for j in mean.indices {
            let sigma = exp(logStd[j])
            let z = (action[j] - mean[j]) / sigma
            value += -0.5 * z * z - logStd[j] - 0.5 * logTwoPi
            dMean[j] = z / sigma
            dLogStd[j] = z * z - 1
        }
        return Derivative(value: value, meanGradient: dMean, logStdGradient: dLogStd)
    }

    /// KL(p || q) for diagonal Gaussians p = (mean, logStd) and q = (referenceMean, referenceLogStd);
    /// the gradient is with respect to p (q is the frozen reference).
    public static func klDivergence(mean: [Double], logStd: [Double],
                                    referenceMean: [Double], referenceLogStd: [Double]) -> Derivative {
        precondition(mean.count == logStd.count && mean.count == referenceMean.count && mean.count == referenceLogStd.count)
        var value = 0.0
        var dMean = [Double](repeating: 0, count: mean.count)
        var dLogStd = [Double](repeating: 0, count: mean.count)
        for j in mean.indices {
            let varianceRatio = exp(2 * (logStd[j] - referenceLogStd[j]))
            let referenceVariance = exp(2 * referenceLogStd[j])
            let gap = mean[j] - referenceMean[j]
            value += referenceLogStd[j] - logStd[j] + 0.5 * (varianceRatio + gap * gap / referenceVariance) - 0.5
            dMean[j] = gap / referenceVariance
            dLogStd[j] = varianceRatio - 1
        }
        return Derivative(value: value, meanGradient: dMean, logStdGradient: dLogStd)
    }

    /// Differential entropy; it depends on the log standard deviations only.
    public static func entropy(logStd: [Double]) -> Derivative {
        let value = logStd.reduce(0, +) + Double(logStd.count) * 0.5 * (1 + logTwoPi)
        return Derivative(value: value, meanGradient: [Double](repeating: 0, count: logStd.count),
                          logStdGradient: [Double](repeating: 1, count: logStd.count))
    }

    /// One draw; consumes exactly two uniforms per coordinate (Box-Muller, cosine branch), so the
    /// stream a generator yields does not depend on the previous draws' values.
    public static func sample(mean: [Double], logStd: [Double], using generator: inout SplitMix64) -> [Double] {
        precondition(mean.count == logStd.count)
        var action = mean
        for j in mean.indices {
            let u1 = 1 - generator.nextUnit()  // in (0, 1]: log stays finite
            let u2 = generator.nextUnit()
            let standard = (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
            action[j] += exp(logStd[j]) * standard
        }
        return action
    }
}
